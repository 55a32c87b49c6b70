/**
 * Every code a coercion-rule diagnostic can carry, and the `data` each one carries for its quick
 * fix. The catalogue is the contract between the parser and validator (which report codes), the
 * quick fixes (which switch on them, exhaustively) and docs/diagnostics.md (which documents each
 * one; test/unit/diagnostic-docs.test.ts checks). Adding a code: its name in a list here (and
 * its data row), a section in the docs; the compiler then points at the quick-fix switch.
 */
import type { CodeData } from '../diagnostics';
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
/** `data` of a `not-enumerated` warning: the values PS3.3 allows, each a quick fix. */
export interface NotEnumeratedData { values: string[] }
/** `data` of an `extension-function` diagnostic. */
export interface ExtensionFunctionData { name: string }

/** The catalogue, in the order of the docs: codes the parser reports, then the validator's. */
export const COERCION_SYNTAX_CODES = [
  'syntax', 'missing-paren', 'missing-equals', 'unterminated-string', 'split-rule', 'nesting-too-deep',
] as const;
export const COERCION_SEMANTIC_CODES = [
  'unknown-function', 'arity', 'not-alphanumeric', 'unknown-tag', 'private-tag', 'retired-tag',
  'invalid-value', 'variable-unassigned', 'unreachable-after-stop', 'extension-function',
  'retired-split', 'keyword-for-tag', 'invalid-target', 'seq-item', 'control-variable',
  'stop-value', 'user-field', 'not-enumerated',
] as const;

export type SyntaxCode = (typeof COERCION_SYNTAX_CODES)[number];
export type CoercionCode = SyntaxCode | (typeof COERCION_SEMANTIC_CODES)[number];

/** The `data` of the codes that carry some; every other code carries none. */
interface CoercionDataRows {
  'syntax': MissingCommaData | QuoteWordData | undefined;
  'missing-paren': MissingParenData;
  'missing-equals': MissingEqualsData;
  'unterminated-string': UnterminatedStringData;
  'split-rule': SplitRuleData;
  'unknown-function': UnknownFunctionData;
  'arity': ArityData;
  'extension-function': ExtensionFunctionData;
  'retired-split': RetiredSplitData | undefined;
  'keyword-for-tag': KeywordForTagData;
  'control-variable': ControlVariableData | undefined;
  'not-enumerated': NotEnumeratedData;
}

/** The `data` a diagnostic with code C carries (undefined: none). */
export type CoercionData<C extends CoercionCode> = CodeData<CoercionCode, CoercionDataRows, C>;

/** Every code, for tests and docs checks. */
export const ALL_COERCION_CODES: readonly CoercionCode[] = [...COERCION_SYNTAX_CODES, ...COERCION_SEMANTIC_CODES];

/** Whether `code` is one of the catalogue's (for diagnostics that came back from a client). */
const KNOWN = new Set<string>(ALL_COERCION_CODES);
export function isCoercionCode(code: string): code is CoercionCode {
  return KNOWN.has(code);
}
