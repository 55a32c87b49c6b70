/** `pacsw impact`: what a rule change does to a corpus — old rules against the current ones. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RuleSetInput } from '../../../core/src/coercion/evaluate';
import { collectInputs } from '../../../core/src/dicom/coerceFile';
import { impactOnFiles, type ImpactChain, type ImpactReport } from '../../../core/src/dicom/impact';
import { loadRulesOf, readFromDisk, RuleTestProblem, type TextReader } from '../../../core/src/dicom/ruleTests';
import { validateDeviceText } from '../../../core/src/devices/validate';
import { getDictionary } from '../../../core/src/dictionary';
import type { RulesSource } from '../../../core/src/ruletest/ast';
import { range } from '../../../core/src/text/range';
import { parseArgs, UsageError } from '../args';
import { RuleFileError } from '../rules';

export const summary = 'what a rule change does: old rules (git REV or --old FILE) against the current ones on a corpus';
export const usage = `usage: pacsw impact (--against REV | --old FILE) (--rules FILE | --devices FILE [--device ID,...]) [--json] CORPUS...

Runs every object of CORPUS (Part 10 or DICOM JSON files, folders walked recursively) through the
rules as they were and as they are now, and reports only what differs: per object the attributes
whose result changed (old result -> new result), objects newly stopped or no longer stopped, and
objects newly failing; then a summary per device. Nothing is written.
--against REV   the old rules are the files as committed at git revision REV (HEAD, main, a1b2c3...);
                the rule files a device table references are taken from REV too
--old FILE      the old version of the --rules file (or of the --devices table), e.g. a saved copy
--rules FILE    one rule file (as a device's rules)
--devices FILE  a device table: each device's chain Preceding Global -> device -> Trailing Global;
                --device ID[,ID...] picks devices, default all enabled devices
--json          one JSON object: {objects, summary, unreadable, skipped}
Exit status: 0 when the report was made (whatever it shows), 1 when an input cannot be read.`;

/** The file as committed at `rev`, or undefined when it is not in that revision. */
function gitReader(rev: string): TextReader {
  return (abs) => {
    const dir = path.dirname(abs);
    try {
      return execFileSync('git', ['-C', dir, 'show', `${rev}:./${path.basename(abs)}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      if (/exists on disk, but not in|does not exist in|path .* does not exist/.test(stderr)) return undefined;
      if (/unknown revision|bad revision|invalid object name|not a valid object name/i.test(stderr)) throw new UsageError(`--against ${rev}: git does not know this revision (${stderr.trim().split('\n')[0]})`);
      if (/not a git repository/.test(stderr)) throw new UsageError(`--against needs the rule files to be in a git repository; ${dir} is not (use --old FILE instead)`);
      throw new UsageError(`--against ${rev}: git show failed for ${abs}: ${stderr.trim() || (error as Error).message}`);
    }
  };
}

const nowhere = range(0, 0, 0);

function chainOf(source: RulesSource, anchor: string, read: TextReader, optional: boolean): RuleSetInput[] {
  try {
    return loadRulesOf(source, anchor, read).ruleSets;
  } catch (error) {
    // A rule file that did not exist at REV: the old chain has no rules there.
    if (error instanceof RuleTestProblem && optional) return [];
    if (error instanceof RuleTestProblem) throw new RuleFileError(error.message);
    throw error;
  }
}

const show = (v: string | null): string => (v === null ? 'absent' : JSON.stringify(v));
function label(p: string): string {
  const m = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(p);
  const keyword = m ? getDictionary().byTag(parseInt(m[1], 16), parseInt(m[2], 16))?.keyword : undefined;
  return keyword ? `${p} ${keyword}` : p;
}

export function impactAsText(report: ImpactReport, single: boolean): string[] {
  const lines: string[] = [];
  for (const o of report.objects) {
    lines.push(single ? o.file : `${o.file} (${o.chain})`);
    for (const a of o.impact.attributes) lines.push(`  ${label(a.path)}: ${show(a.old)} -> ${show(a.new)}  (arrived ${show(a.original)})`);
    if (o.impact.stop) lines.push(`  ${o.impact.stop}`);
    if (o.impact.failure) lines.push(`  ${o.impact.failure}${o.impact.errors?.length ? `: ${o.impact.errors.join('; ')}` : ''}`);
  }
  for (const u of report.unreadable) lines.push(`unreadable: ${u.file}: ${u.reason}`);
  if (report.skipped.length) lines.push(`${report.skipped.length} skipped (not DICOM): ${report.skipped.join(', ')}`);
  if (lines.length) lines.push('');
  for (const s of report.summary) {
    if (s.rulesUnchanged) {
      lines.push(`${s.chain}: the rules are the same in both versions; no object can differ`);
      continue;
    }
    lines.push(`${s.chain}: ${s.objects} object${s.objects === 1 ? '' : 's'}, ${s.changed} with changed results, ${s.newlyStopped} newly stopped, ${s.noLongerStopped} no longer stopped, ${s.newlyFailing} newly failing, ${s.noLongerFailing} no longer failing`);
  }
  return lines;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['against', 'old', 'rules', 'devices', 'device'], flags: ['json'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const against = parsed.values.get('against');
  const oldFile = parsed.values.get('old');
  const rules = parsed.values.get('rules');
  const devices = parsed.values.get('devices');
  if ((against === undefined) === (oldFile === undefined)) throw new UsageError('pacsw impact needs one of --against REV or --old FILE');
  if ((rules === undefined) === (devices === undefined)) throw new UsageError('pacsw impact needs one of --rules FILE or --devices FILE');
  if (parsed.positionals.length === 0) throw new UsageError('pacsw impact needs a CORPUS: files or folders of DICOM objects');
  const current = path.resolve((rules ?? devices)!);
  if (!fs.existsSync(current)) throw new RuleFileError(`${rules ?? devices}: no such file`);

  // The old rules: git at REV, or --old standing in for the given file (other files as now).
  const oldRead: TextReader = against !== undefined
    ? gitReader(against)
    : (abs) => (abs === current ? readFromDisk(path.resolve(oldFile!)) : readFromDisk(abs));
  if (oldFile !== undefined && !fs.existsSync(oldFile)) throw new RuleFileError(`--old ${oldFile}: no such file`);

  const chains: ImpactChain[] = [];
  if (rules !== undefined) {
    const source: RulesSource = { kind: 'file', path: path.basename(current), pathRange: nowhere, range: nowhere };
    chains.push({ name: rules, old: chainOf(source, current, oldRead, true), new: chainOf(source, current, readFromDisk, false) });
  } else {
    const text = readFromDisk(current)!;
    const { table } = validateDeviceText(text, {}, current);
    const wanted = parsed.values.get('device')?.split(',').map((d) => d.trim()).filter((d) => d !== '') ?? [];
    const unknown = wanted.filter((id) => !table.devices.some((d) => d.id === id));
    if (unknown.length) throw new UsageError(`${devices} has no device ${unknown.join(', ')}; it has ${table.devices.map((d) => d.id).join(', ')}`);
    const ids = wanted.length ? wanted : table.devices.filter((d) => d.enabled).map((d) => d.id);
    for (const id of ids) {
      const source: RulesSource = { kind: 'device', device: id, deviceRange: nowhere, table: path.basename(current), tableRange: nowhere, range: nowhere };
      chains.push({ name: id, old: chainOf(source, current, oldRead, true), new: chainOf(source, current, readFromDisk, false) });
    }
  }

  const inputs = collectInputs(parsed.positionals);
  const missing = inputs.filter((i) => i.missing);
  const report = impactOnFiles(chains, inputs.filter((i) => !i.missing));
  report.unreadable.unshift(...missing.map((m) => ({ file: m.file, reason: m.missing! })));
  if (parsed.flags.has('json')) {
    console.log(JSON.stringify({
      objects: report.objects.map((o) => ({ file: o.file, device: o.chain, attributes: o.impact.attributes.map((a) => ({ path: a.path, original: a.original, old: a.old, new: a.new })), stop: o.impact.stop ?? null, failure: o.impact.failure ?? null, errors: o.impact.errors ?? [] })),
      summary: report.summary,
      unreadable: report.unreadable,
      skipped: report.skipped,
    }, null, 2));
  } else {
    console.log(impactAsText(report, rules !== undefined).join('\n'));
  }
  return report.unreadable.length ? 1 : 0;
}
