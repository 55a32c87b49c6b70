/** `pacsw trace --rules FILE DATASET`: what every rule did to one data set. */
import { evaluateRules, type EvaluationResult } from '../../../core/src/coercion/evaluate';
import { loadDatasetFile } from '../../../core/src/dicom/files';
import { parseArgs, UsageError } from '../args';
import { loadRuleSets } from '../rules';

export const summary = 'show what each rule does to one data set (nothing is written)';
export const usage = `usage: pacsw trace --rules FILE [--before FILE] [--after FILE] [--json] DATASET

Runs the rules (Preceding Global --before, device --rules, Trailing Global --after) on a Part 10
file or a DICOM JSON file and prints, per rule, the target, the value and the outcome
(assigned, deleted, unchanged, skipped, stopped, error), then the attributes that changed.
Nothing is written. Rule files with errors still run (the broken rules show as error; the
errors are printed on stderr). --json prints {file, stopped, stoppedBy, trace, changes} (lines 1-based).
Exit status: 1 when a rule failed or the data set cannot be read, 0 otherwise.`;

const show = (v: string | null): string => (v === null ? 'NULL' : JSON.stringify(v));

export function traceAsJson(file: string, result: EvaluationResult): object {
  return {
    file,
    stopped: result.stopped,
    stoppedBy: result.stoppedBy ? { ...result.stoppedBy, line: result.stoppedBy.line + 1 } : null,
    trace: result.trace.map((t) => ({ ...t, line: t.line + 1 })),
    changes: result.changes.map((c) => ({ path: c.path, before: c.before, after: c.after, ruleSet: c.ruleSet, uri: c.uri, line: c.line + 1 })),
  };
}

export function traceAsText(result: EvaluationResult): string {
  const lines: string[] = [];
  for (const t of result.trace) {
    const where = `${t.uri ?? t.ruleSet}:${t.line + 1}`;
    lines.push(`${where}  ${t.target}  ${t.outcome}${t.outcome === 'error' ? '' : `  ${show(t.value)}`}${t.reason ? `  (${t.reason})` : ''}`);
  }
  lines.push('');
  if (result.changes.length === 0) lines.push('no attribute changed');
  for (const c of result.changes) lines.push(`${c.path}: ${show(c.before)} -> ${show(c.after)}  (${c.uri ?? c.ruleSet}:${c.line + 1})`);
  if (result.stoppedBy) lines.push(`stopped by ${result.stoppedBy.uri ?? result.stoppedBy.ruleSet}:${result.stoppedBy.line + 1}: the object would not be stored`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['rules', 'before', 'after'], flags: ['json'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  if (!parsed.values.has('rules')) throw new UsageError('pacsw trace needs --rules FILE');
  if (parsed.positionals.length !== 1) throw new UsageError('pacsw trace takes exactly one DATASET');
  const ruleSets = loadRuleSets(parsed.values, (messages) => process.stderr.write(`${messages.join('\n')}\n`));
  const file = parsed.positionals[0];
  const loaded = loadDatasetFile(file);
  const result = evaluateRules(ruleSets, loaded.access);
  console.log(parsed.flags.has('json') ? JSON.stringify(traceAsJson(file, result), null, 2) : traceAsText(result));
  return result.errors > 0 ? 1 : 0;
}
