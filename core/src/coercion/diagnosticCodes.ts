/**
 * Every code a coercion-rule diagnostic can carry, and the `data` each one carries for its quick
 * fix. The catalogue is the contract between the parser and validator (which report codes), the
 * quick fixes (which switch on them, exhaustively) and docs/diagnostics.md (which documents each
 * one; test/unit/diagnostic-docs.test.ts checks). Adding a code: a row here, a section in the
 * docs; the compiler then points at the quick-fix switch.
 */
import type { CoreDiagnostic, SameMembers } from '../diagnostics';
import type { Position, Range } from '../text/range';

/** Data of a `missing-paren` error: the text a quick fix inserts, and where. */
export interface MissingParenData {
  insert: string;
  at: Position;
}

/** Data of a `missing-equals` error. */
export interface MissingEqualsData {
  insert: '=';
  at: Position;
}

/** Data of an `unterminated-string` error: the closing quote to add at the end of the line. */
export interface UnterminatedStringData {
  insert: '"';
  at: Position;
}

/** Data of a `syntax` error for a missing comma (`concat(a b)`, `(0010 0010)`). */
export interface MissingCommaData {
  insert: ',';
  at: Position;
}

/** Data of a `syntax` error for a word that must be quoted (`1.2.840`): quote `around`. */
export interface QuoteWordData {
  insert: '"';
  around: Range;
}

/** Data of a `split-rule` error: the 0-based line this line should be joined to. */
export interface SplitRuleData {
  joinTo: number;
}

/** `data` of an `unknown-function` diagnostic. */
export interface UnknownFunctionData { name: string; suggestions: string[] }
/** `data` of a `retired-split` diagnostic: the `split(...)` call that replaces the node. */
export interface RetiredSplitData { replacement: string }
/** `data` of a `control-variable` diagnostic when a known control variable is close. */
export interface ControlVariableData { replacement: string }
/** `data` of a `keyword-for-tag` diagnostic. */
export interface KeywordForTagData { keyword: string; tag: string }
/** `data` of an `arity` diagnostic; `max` is null for functions without an upper bound. */
export interface ArityData { name: string; min: number; max: number | null; actual: number }
/** `data` of an `extension-function` diagnostic. */
export interface ExtensionFunctionData { name: string }

/**
 * The catalogue: code → who reports it (`syntax`: the parser, `semantic`: the validator).
 * Kept in the order of docs/diagnostics.md.
 */
export const COERCION_CODES = {
  'syntax': 'syntax',
  'missing-paren': 'syntax',
  'missing-equals': 'syntax',
  'unterminated-string': 'syntax',
  'split-rule': 'syntax',
  'unknown-function': 'semantic',
  'arity': 'semantic',
  'not-alphanumeric': 'semantic',
  'unknown-tag': 'semantic',
  'private-tag': 'semantic',
  'retired-tag': 'semantic',
  'invalid-value': 'semantic',
  'variable-unassigned': 'semantic',
  'unreachable-after-stop': 'semantic',
  'extension-function': 'semantic',
  'retired-split': 'semantic',
  'keyword-for-tag': 'semantic',
  'invalid-target': 'semantic',
  'seq-item': 'semantic',
  'control-variable': 'semantic',
  'stop-value': 'semantic',
  'user-field': 'semantic',
} as const;

export type CoercionCode = keyof typeof COERCION_CODES;
export type SyntaxCode = { [C in CoercionCode]: (typeof COERCION_CODES)[C] extends 'syntax' ? C : never }[CoercionCode];

/** The `data` each code carries (`undefined`: none). Every code of the catalogue has a row. */
export interface CoercionData {
  'syntax': MissingCommaData | QuoteWordData | undefined;
  'missing-paren': MissingParenData;
  'missing-equals': MissingEqualsData;
  'unterminated-string': UnterminatedStringData;
  'split-rule': SplitRuleData;
  'unknown-function': UnknownFunctionData;
  'arity': ArityData;
  'not-alphanumeric': undefined;
  'unknown-tag': undefined;
  'private-tag': undefined;
  'retired-tag': undefined;
  'invalid-value': undefined;
  'variable-unassigned': undefined;
  'unreachable-after-stop': undefined;
  'extension-function': ExtensionFunctionData;
  'retired-split': RetiredSplitData | undefined;
  'keyword-for-tag': KeywordForTagData;
  'invalid-target': undefined;
  'seq-item': undefined;
  'control-variable': ControlVariableData | undefined;
  'stop-value': undefined;
  'user-field': undefined;
}

// The two lists name the same codes: a code added to one and not the other fails here.
const catalogueHasEveryDataRow: SameMembers<CoercionCode, keyof CoercionData> = true;
void catalogueHasEveryDataRow;

/** A coercion diagnostic whose `data` is the type its code carries. */
export type CoercionDiagnostic = {
  [C in CoercionCode]: Omit<CoreDiagnostic, 'code' | 'data'> & { code: C; data?: CoercionData[C] };
}[CoercionCode];

/** Every code, for tests and docs checks. */
export const ALL_COERCION_CODES = Object.keys(COERCION_CODES) as CoercionCode[];

/** Whether `code` is one of the catalogue's (for diagnostics that came back from a client). */
export function isCoercionCode(code: string): code is CoercionCode {
  return Object.prototype.hasOwnProperty.call(COERCION_CODES, code);
}
