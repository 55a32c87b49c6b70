/** Loading rule files for apply and trace: parse, validate, refuse when they have errors. */
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { validateRuleFile, type CoercionDialect } from '../../core/src/coercion/validate';
import type { RuleSetInput } from '../../core/src/coercion/evaluate';
import type { CoreDiagnostic } from '../../core/src/diagnostics';
import { readNamedTextFile } from '../../core/src/files/referencedFiles';

export class RuleFileError extends Error {}

/** `file:line:col: severity code message`, 1-based, as compilers print it. */
export function formatDiagnostic(file: string, d: CoreDiagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`;
}

/**
 * A rule set ready to run. For apply, rule files with errors are refused as a whole: running the
 * rest of a broken file would coerce objects differently from what the author meant. Trace runs
 * them anyway (the broken rules show as `error`) and reports the errors through `onErrors`.
 */
export function loadRuleSet(file: string, name: string, onErrors?: (messages: string[]) => void, dialect: CoercionDialect = 'extended'): RuleSetInput {
  let text: string;
  try {
    text = readNamedTextFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RuleFileError(code ? `${file}: cannot read rule file (${code})` : `cannot read rule file: ${(error as Error).message}`);
  }
  const parsed = parseRuleFile(text);
  const errors = validateRuleFile(parsed, { dialect }).filter((d) => d.severity === 'error');
  if (errors.length && onErrors) onErrors(errors.map((d) => formatDiagnostic(file, d)));
  else if (errors.length) {
    throw new RuleFileError(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'} in the rules; nothing was applied (see pacsw check)\n${errors.map((d) => formatDiagnostic(file, d)).join('\n')}`);
  }
  return { name, file: parsed, uri: file };
}

/** --before (Preceding Global), --rules (device), --after (Trailing Global), in run order. */
export function loadRuleSets(options: Map<string, string>, onErrors?: (messages: string[]) => void): RuleSetInput[] {
  const sets: RuleSetInput[] = [];
  const before = options.get('before');
  const rules = options.get('rules');
  const after = options.get('after');
  if (before) sets.push(loadRuleSet(before, 'Preceding Global', onErrors));
  if (rules) sets.push(loadRuleSet(rules, 'device', onErrors));
  if (after) sets.push(loadRuleSet(after, 'Trailing Global', onErrors));
  return sets;
}
