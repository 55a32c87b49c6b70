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

/** `true` when the unions A and B have the same members (the catalogues check their two lists with it). */
export type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
