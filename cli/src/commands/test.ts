/** `pacsw test [FILES|FOLDERS]`: runs rule tests (*.coerce-test) the way CI wants them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRuleTestFiles, runRuleTestFile, type RuleTestFileResult } from '../../../core/src/dicom/ruleTests';
import { RuleCoverage, stateOf } from '../../../core/src/ruletest/coverage';
import { writeFileAtomic } from '../../../core/src/dicom/files';
import { parseArgs, UsageError } from '../args';

export const summary = 'run rule tests (*.coerce-test): failures as compiler lines, N passed, N failed';
export const usage = `usage: pacsw test [--update] [--coverage] [--junit FILE] [--json] [--allow-outside] [FILES|FOLDERS...]

Runs the cases of rule-test files (docs/rule-tests.md); folders are searched for *.coerce-test
(default: the current folder). Each failure is one line, file:line:col: error CODE message, at
the failing expect line, followed by expected and actual values (a diff for snapshots). The
last line is "N passed, N failed".
--update         record what each "expect snapshot" case gives now as its snapshot
                 (NAME.coerce-test.snap next to the test); review the change like code
--coverage       after the results, list the rules no case exercised: never ran, or ran but never assigned
--junit FILE     also write the results as JUnit XML (for CI servers)
--json           print the results as one JSON object instead of text
--allow-outside  let tests read rule files and samples outside the current folder
Exit status: 1 when a case failed or a test file has errors, 0 otherwise.`;

/** A path as the user wants to read it: relative to the current folder when inside it. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

const where = (file: string, r: { start: { line: number; character: number } }): string => `${shown(file)}:${r.start.line + 1}:${r.start.character + 1}`;

/** `-` recorded / `+` now, line by line (snapshots are short; a plain LCS is enough). */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) (out.push(`  ${a[i]}`), i++, j++);
    else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out;
}

function textReport(results: RuleTestFileResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    for (const e of r.errors) lines.push(`${where(r.file, e.range)}: error ${e.code} ${e.message}`);
    for (const c of r.cases) {
      if (c.passed) continue;
      for (const f of c.failures) {
        if (r.errors.some((e) => e.message === f.message)) continue; // already printed above
        lines.push(`${where(r.file, f.range)}: error test-failed case "${c.name}": ${f.message}`);
        if (f.snapshot) {
          const diff = f.expected === undefined ? (f.actual ?? '').split('\n').map((l) => `+ ${l}`) : lineDiff(f.expected, f.actual ?? '');
          lines.push(...diff.map((l) => `    ${l}`));
        } else if (f.expected !== undefined) {
          lines.push(`    expected: ${f.expected}`, `    actual:   ${f.actual}`);
        }
      }
    }
  }
  return lines;
}

const xml = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!)
  // Characters XML 1.0 cannot carry at all.
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function junitReport(results: RuleTestFileResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const count = (r: RuleTestFileResult): { tests: number; failures: number } => {
    const fileFails = r.cases.length === 0 && r.errors.length > 0 ? 1 : 0;
    return { tests: r.cases.length + fileFails, failures: r.cases.filter((c) => !c.passed).length + fileFails };
  };
  const total = results.map(count).reduce((s, c) => ({ tests: s.tests + c.tests, failures: s.failures + c.failures }), { tests: 0, failures: 0 });
  out.push(`<testsuites name="pacsw test" tests="${total.tests}" failures="${total.failures}">`);
  for (const r of results) {
    const c = count(r);
    const name = xml(shown(r.file));
    out.push(`  <testsuite name="${name}" tests="${c.tests}" failures="${c.failures}">`);
    if (r.cases.length === 0 && r.errors.length > 0) {
      out.push(`    <testcase classname="${name}" name="(test file)">`, `      <failure message="${xml(r.errors[0].message)}">${xml(r.errors.map((e) => `${where(r.file, e.range)}: ${e.message}`).join('\n'))}</failure>`, '    </testcase>');
    }
    for (const tc of r.cases) {
      const open = `    <testcase classname="${name}" name="${xml(tc.name)}" file="${name}" line="${tc.range.start.line + 1}"`;
      if (tc.passed) {
        out.push(`${open}/>`);
        continue;
      }
      const body = tc.failures.map((f) => `${where(r.file, f.range)}: ${f.message}${f.expected !== undefined || f.actual !== undefined ? `\nexpected: ${f.expected ?? '(nothing recorded)'}\nactual: ${f.actual}` : ''}`).join('\n\n');
      out.push(`${open}>`, `      <failure message="${xml(tc.failures[0].message)}">${xml(body)}</failure>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function jsonReport(results: RuleTestFileResult[], coverage: RuleCoverage | undefined, passed: number, failed: number): object {
  const pos = (r: { start: { line: number; character: number } }): { line: number; column: number } => ({ line: r.start.line + 1, column: r.start.character + 1 });
  return {
    files: results.map((r) => ({
      file: r.file,
      errors: r.errors.map((e) => ({ ...pos(e.range), code: e.code, message: e.message })),
      cases: r.cases.map((c) => ({
        name: c.name, line: c.range.start.line + 1, passed: c.passed,
        failures: c.failures.map((f) => ({ ...pos(f.range), message: f.message, expected: f.expected ?? null, actual: f.actual ?? null, snapshot: f.snapshot === true })),
      })),
      ...(r.snapshotsWritten ? { snapshotsWritten: r.snapshotsWritten } : {}),
    })),
    ...(coverage ? { coverage: coverage.entries().map((e) => ({ file: e.uri, rules: e.lines.map((l) => ({ line: l.line + 1, target: l.target, ran: l.ran, assigned: l.assigned, state: stateOf(l) })) })) } : {}),
    passed,
    failed,
  };
}

function coverageReport(coverage: RuleCoverage): string[] {
  const lines: string[] = [];
  let rules = 0;
  let assigned = 0;
  for (const { uri, lines: rs } of coverage.entries()) {
    for (const r of rs) {
      rules++;
      const state = stateOf(r);
      if (state === 'assigned') assigned++;
      else lines.push(`${shown(uri)}:${r.line + 1}: ${state === 'never ran' ? 'never ran' : 'ran but never assigned'}  ${r.target}`);
    }
  }
  lines.push(`coverage: ${assigned} of ${rules} rule${rules === 1 ? '' : 's'} assigned in some case`);
  return lines;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['junit'], flags: ['update', 'coverage', 'json', 'allow-outside'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const inputs = parsed.positionals.length ? parsed.positionals : ['.'];
  const { files, missing } = findRuleTestFiles(inputs);
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  if (files.length === 0) {
    console.error(`pacsw test: no *.coerce-test files in ${inputs.join(', ')}`);
    return 1;
  }
  const coverage = parsed.flags.has('coverage') ? new RuleCoverage() : undefined;
  const root = parsed.flags.has('allow-outside') ? undefined : process.cwd();
  const results = files.map((f) => runRuleTestFile(f, { update: parsed.flags.has('update'), coverage, root }));
  const passed = results.reduce((n, r) => n + r.cases.filter((c) => c.passed).length, 0);
  // A test file that cannot run any case (no cases, or errors before them) counts as one failure.
  const failed = results.reduce((n, r) => n + r.cases.filter((c) => !c.passed).length + (r.cases.length === 0 && r.errors.length > 0 ? 1 : 0), 0);

  const junit = parsed.values.get('junit');
  if (junit) {
    fs.mkdirSync(path.dirname(path.resolve(junit)), { recursive: true });
    writeFileAtomic(junit, Buffer.from(junitReport(results), 'utf8'));
  }
  if (parsed.flags.has('json')) {
    console.log(JSON.stringify(jsonReport(results, coverage, passed, failed), null, 2));
  } else {
    const out = textReport(results);
    for (const r of results) if (r.snapshotsWritten) out.push(`snapshots written: ${shown(r.snapshotsWritten)}`);
    if (coverage) out.push(...coverageReport(coverage));
    out.push(`${passed} passed, ${failed} failed`);
    console.log(out.join('\n'));
  }
  return failed > 0 || results.some((r) => r.errors.length > 0) ? 1 : 0;
}
