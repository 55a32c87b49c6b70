/**
 * Running rule-test files (`*.coerce-test`, docs/rule-tests.md): reads the test, the rules it
 * names (a rule file, or a device's whole chain from a .pacs table) and the samples, runs each
 * case (core/src/ruletest/check.ts) and keeps the snapshots next to the test. Used by
 * `pacsw test` and by the VS Code Test Explorer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRuleFile } from '../coercion/fileParser';
import type { RuleSetInput } from '../coercion/evaluate';
import type { RuleFileNode } from '../coercion/ast';
import type { CoreDiagnostic } from '../diagnostics';
import { ruleChain, ruleSetText } from '../devices/resolve';
import { validateDeviceText } from '../devices/validate';
import type { RulesSource, TestCase } from '../ruletest/ast';
import { runCase, type CaseResult } from '../ruletest/check';
import type { RuleCoverage } from '../ruletest/coverage';
import { formatSnapshots, parseSnapshots } from '../ruletest/snapshot';
import { validateRuleTest } from '../ruletest/validate';
import type { Range } from '../text/range';
import { DicomFileError, loadDatasetBytes, writeFileAtomic } from './files';
import { JsonDatasetAccess } from './jsonDataset';

export const RULE_TEST_EXTENSION = '.coerce-test';
export const SNAPSHOT_EXTENSION = '.snap';

/** Reads a text file by absolute path; undefined when it does not exist or is not a file. */
export type TextReader = (absPath: string) => string | undefined;

export const readFromDisk: TextReader = (p) => {
  try {
    const stat = fs.statSync(p);
    return stat.isFile() && stat.size <= 64 * 1024 * 1024 ? fs.readFileSync(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
};

export interface RuleTestRunOptions {
  /** Record the result of every `expect snapshot` as the new snapshot instead of comparing. */
  update?: boolean;
  /** Collects, per rule line, whether it ran and assigned. */
  coverage?: RuleCoverage;
  /** Text of rule files, device tables and the test itself; the editor passes its open documents. */
  readText?: TextReader;
  /** Files the test refers to must be inside this folder (the workspace); unset: anywhere. */
  root?: string;
  /** Run only the cases with these names. */
  only?: ReadonlySet<string>;
}

export interface RuleTestFileResult {
  file: string;
  cases: CaseResult[];
  /** Errors of the test file itself (syntax, missing files), as the language server shows them. */
  errors: CoreDiagnostic[];
  /** With `update`: the snapshot file, when it was written or removed. */
  snapshotsWritten?: string;
}

/** A rule chain ready to run, and the rule files in it (for coverage). */
export interface LoadedRuleChain {
  ruleSets: RuleSetInput[];
  files: Array<{ uri: string; file: RuleFileNode }>;
}

/** A rule file, device table or sample a test names that cannot be used; `range` is where the test names it. */
export class RuleTestProblem extends Error {
  constructor(readonly range: Range, message: string) {
    super(message);
  }
}

/** Resolves a path written in a test file; refuses one that leaves `root`. */
function resolveInside(base: string, written: string, root: string | undefined, where: Range): string {
  const abs = path.resolve(base, written);
  if (root !== undefined) {
    const rel = path.relative(path.resolve(root), abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new RuleTestProblem(where, `"${written}" is outside the workspace (${root}); tests may only read files inside it (pacsw test --allow-outside allows it)`);
    }
  }
  return abs;
}

/** The rule sets a test's `rules` line names: one rule file, or Preceding Global → device → Trailing Global. */
export function loadRulesOf(source: RulesSource, testFile: string, read: TextReader = readFromDisk, root?: string): LoadedRuleChain {
  const base = path.dirname(path.resolve(testFile));
  if (source.kind === 'file') {
    const abs = resolveInside(base, source.path, root, source.pathRange);
    const text = read(abs);
    if (text === undefined) throw new RuleTestProblem(source.pathRange, `cannot read the rule file "${source.path}" (${abs})`);
    const file = parseRuleFile(text);
    return { ruleSets: [{ name: path.basename(abs), file, uri: abs }], files: [{ uri: abs, file }] };
  }
  const table = resolveInside(base, source.table, root, source.tableRange);
  const text = read(table);
  if (text === undefined) throw new RuleTestProblem(source.tableRange, `cannot read the device table "${source.table}" (${table})`);
  const tableDir = path.dirname(table);
  const readRelative = (p: string): string | undefined => read(path.resolve(tableDir, p));
  const { table: model } = validateDeviceText(text, { readFile: readRelative }, table);
  const device = source.device === 'Self' ? undefined : model.devices.find((d) => d.id === source.device);
  if (source.device !== 'Self' && !device) {
    throw new RuleTestProblem(source.deviceRange, `"${source.table}" has no device ${source.device}; it has ${model.devices.map((d) => d.id).join(', ') || 'none'}`);
  }
  const chain: LoadedRuleChain = { ruleSets: [], files: [] };
  for (const step of ruleChain(model, device)) {
    const rs = step.ruleSet;
    const uri = rs.kind === 'inline' ? table : resolveInside(tableDir, rs.path, root, source.tableRange);
    const ruleText = ruleSetText(rs, readRelative);
    if (ruleText === undefined) throw new RuleTestProblem(source.tableRange, `the ${step.role} rules of ${source.device} name "${rs.kind === 'file' ? rs.path : ''}", which cannot be read`);
    const file = parseRuleFile(ruleText);
    const name = step.role === 'preceding' ? 'Preceding Global' : step.role === 'trailing' ? 'Trailing Global' : source.device;
    chain.ruleSets.push({ name, file, uri });
    chain.files.push({ uri, file });
  }
  return chain;
}

/** The snapshot file of a test: `NAME.coerce-test.snap` next to it. */
export function snapshotFileOf(testFile: string): string {
  return `${testFile}${SNAPSHOT_EXTENSION}`;
}

function failedCase(c: TestCase, problems: Array<{ range: Range; message: string }>): CaseResult {
  return { name: c.name, range: c.range, passed: false, failures: problems.map((p) => ({ range: p.range, message: p.message })) };
}

/** Runs every case of one test file. Never throws for bad input: problems become failures. */
export function runRuleTestFile(testFile: string, options: RuleTestRunOptions = {}): RuleTestFileResult {
  const read = options.readText ?? readFromDisk;
  const text = read(path.resolve(testFile));
  if (text === undefined) {
    const where = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { file: testFile, cases: [], errors: [{ range: where, severity: 'error', code: 'test-file-not-found', message: `cannot read ${testFile}` }] };
  }
  const base = path.dirname(path.resolve(testFile));
  const { file, diagnostics } = validateRuleTest(text, { fileExists: (p) => fs.statSync(path.resolve(base, p), { throwIfNoEntry: false })?.isFile() === true || read(path.resolve(base, p)) !== undefined });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const cases = file.cases.filter((c) => !options.only || options.only.has(c.name));
  const result: RuleTestFileResult = { file: testFile, cases: [], errors };

  const inCase = (c: TestCase, d: CoreDiagnostic): boolean => d.range.start.line >= c.range.start.line && d.range.start.line <= c.lastLine;
  const outside = errors.filter((d) => !file.cases.some((c) => inCase(c, d)));

  let chain: LoadedRuleChain | undefined;
  let chainProblem: { range: Range; message: string } | undefined;
  if (outside.length === 0 && file.rules) {
    try {
      chain = loadRulesOf(file.rules, testFile, read, options.root);
      for (const f of chain.files) options.coverage?.addRules(f.uri, f.file);
    } catch (error) {
      if (!(error instanceof RuleTestProblem)) throw error;
      chainProblem = { range: error.range, message: error.message };
    }
  }

  const snapFile = snapshotFileOf(testFile);
  const recorded = parseSnapshots(read(path.resolve(snapFile)) ?? '');
  const samples = new Map<string, Uint8Array>();
  for (const c of cases) {
    const own = errors.filter((d) => inCase(c, d));
    if (own.length || outside.length) {
      result.cases.push(failedCase(c, own.length ? own : outside));
      continue;
    }
    if (!chain) {
      result.cases.push(failedCase(c, [chainProblem!]));
      continue;
    }
    let dataset;
    try {
      dataset = c.sample ? loadSample(c.sample.path, base, options.root, c.sample.range, samples) : new JsonDatasetAccess({});
    } catch (error) {
      if (!(error instanceof RuleTestProblem)) throw error;
      result.cases.push(failedCase(c, [{ range: error.range, message: error.message }]));
      continue;
    }
    const usesSnapshot = c.expects.some((e) => e.kind === 'snapshot');
    const outcome = runCase(c, chain.ruleSets, dataset, recorded.get(c.name));
    if (outcome.result) options.coverage?.record(outcome.result);
    if (options.update && usesSnapshot && outcome.snapshot !== undefined) {
      recorded.set(c.name, outcome.snapshot);
      outcome.failures = outcome.failures.filter((f) => !f.snapshot);
      outcome.passed = outcome.failures.length === 0;
    }
    result.cases.push(outcome);
  }

  if (options.update && errors.length === 0) {
    // Snapshots of the cases that use them, in file order; those of removed cases go. A run
    // of some cases only keeps the others' snapshots as they were (recorded holds them).
    const keep = new Map<string, string>();
    for (const c of file.cases) {
      const snap = recorded.get(c.name);
      if (snap !== undefined && c.expects.some((e) => e.kind === 'snapshot')) keep.set(c.name, snap);
    }
    const before = read(path.resolve(snapFile));
    if (keep.size === 0) {
      if (before !== undefined) {
        fs.rmSync(snapFile, { force: true });
        result.snapshotsWritten = snapFile;
      }
    } else {
      const after = formatSnapshots(path.basename(testFile), keep);
      if (after !== before) {
        writeFileAtomic(snapFile, Buffer.from(after, 'utf8'));
        result.snapshotsWritten = snapFile;
      }
    }
  }
  return result;
}

function loadSample(written: string, base: string, root: string | undefined, where: Range, cache: Map<string, Uint8Array>) {
  const abs = resolveInside(base, written, root, where);
  let bytes = cache.get(abs);
  if (!bytes) {
    try {
      bytes = fs.readFileSync(abs);
    } catch (error) {
      throw new RuleTestProblem(where, `cannot read the sample "${written}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    cache.set(abs, bytes);
  }
  try {
    // A fresh parse per case: each case changes its own copy.
    return loadDatasetBytes(bytes, abs).access;
  } catch (error) {
    if (error instanceof DicomFileError) throw new RuleTestProblem(where, `the sample "${written}" cannot be read as DICOM: ${error.reason}`);
    throw error;
  }
}

/** Test files among the inputs: files as given, folders walked for `*.coerce-test` (node_modules and dot folders skipped). */
export function findRuleTestFiles(inputs: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(full);
      } else if (e.isFile() && e.name.endsWith(RULE_TEST_EXTENSION)) files.push(full);
    }
  };
  for (const input of inputs) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (!stat) missing.push(input);
    else if (stat.isDirectory()) walk(input);
    else files.push(input);
  }
  return { files, missing };
}
