import type { Range } from './text/range';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/**
 * A finding about a source file. `code` is stable (documented in docs/diagnostics.md) so that
 * users can search for it, and quick fixes key on it. `data` carries what a quick fix needs.
 */
export interface CoreDiagnostic {
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  /** Marks code that is not wrong but no longer needed or retired (rendered struck through). */
  tags?: Array<'deprecated' | 'unnecessary'>;
  data?: unknown;
}

/**
 * The `data` a diagnostic with code C carries in a catalogue whose codes with data each have a
 * row in Rows (undefined: C carries none). Only catalogued codes carry data: a row whose key is
 * not one of Codes fails to compile here.
 */
export type CodeData<Codes extends string, Rows extends { [K in keyof Rows]: K extends Codes ? Rows[K] : never }, C extends Codes> =
  C extends keyof Rows ? Rows[C] : undefined;

/** Findings one document reports at most (in the editor and in `pacsw check`): past this, more
 *  of them help nobody and cost the editor (25,700 findings of a 125 KB rule file were 5.8 MB of JSON). */
export const MAX_DIAGNOSTICS_PER_FILE = 200;

/** `data` of the last finding of a capped list: how many were left out, and how many of those are errors. */
export interface TooManyProblemsData { omitted: number; omittedErrors: number }

/**
 * The first findings in file order, and a last one that says how many more there are.
 * It is an error when an error is among those left out, so that "has errors" (exit status,
 * deploy and apply refusals) does not change with the cap.
 */
export function capDiagnostics(findings: CoreDiagnostic[], limit = MAX_DIAGNOSTICS_PER_FILE): CoreDiagnostic[] {
  if (findings.length <= limit) return findings;
  // In file order, so that "from here on" is true whatever order the checks reported in.
  const all = [...findings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const kept = all.slice(0, limit - 1);
  let omittedErrors = 0;
  for (let i = limit - 1; i < all.length; i++) if (all[i].severity === 'error') omittedErrors++;
  const omitted = all.length - kept.length;
  const errors = omittedErrors === 0 ? '' : omittedErrors === omitted ? ' (all errors)' : ` (${omittedErrors} of them errors)`;
  const data: TooManyProblemsData = { omitted, omittedErrors };
  kept.push({
    range: all[limit - 1].range,
    severity: omittedErrors > 0 ? 'error' : 'warning',
    code: 'too-many-problems',
    message: `${omitted} more problems${errors} from here on are not shown (at most ${limit} per file); fix the ones above and they will appear.`,
    data,
  });
  return kept;
}
