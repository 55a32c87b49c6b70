/**
 * Catalogue of the coercion functions: what the validator checks arity against, what hover,
 * completion and signature help show, and what the evaluator implements (evaluate.ts must have
 * one implementation per entry; a unit test holds them together).
 *
 * `dialect: 'erad'` marks functions confirmed in eRAD's public help; `'extension'` marks ours,
 * which a real eRAD server may reject (diagnostic `extension-function` in strict dialect).
 */

export type Dialect = 'erad' | 'extension';

export interface FunctionParam {
  name: string;
  doc: string;
}

export interface FunctionInfo {
  /** Canonical lower-case name; calls are matched case-insensitively. */
  name: string;
  params: FunctionParam[];
  /** Minimum and maximum argument counts (`Infinity` for variadic). */
  minArgs: number;
  maxArgs: number;
  /** When variadic, the parameter that repeats (shown as `name...`). */
  repeats?: FunctionParam;
  summary: string;
  /** How NULL arguments are treated and when NULL is returned. */
  nullBehaviour: string;
  /** Behaviour we chose where the public help is silent (docs/coercion-language.md). */
  decisions?: string;
  dialect: Dialect;
  example?: string;
}

const p = (name: string, doc: string): FunctionParam => ({ name, doc });

export const FUNCTIONS: readonly FunctionInfo[] = [
  {
    name: 'null', params: [], minArgs: 0, maxArgs: 0, dialect: 'erad',
    summary: 'NULL. Assigned to an attribute it deletes it (or keeps it from being created); assigned to $(@PROCESS) it stops processing of the object.',
    nullBehaviour: 'Always returns NULL.',
    example: '(0008,0050)=NULL()',
  },
  {
    name: 'if', params: [p('condition', 'true when not NULL ("" is true)'), p('then', 'value when condition is not NULL'), p('else', 'value when condition is NULL')],
    minArgs: 3, maxArgs: 3, dialect: 'erad',
    summary: 'Returns `then` when `condition` is not NULL, otherwise `else`.',
    nullBehaviour: 'Only the condition is tested for NULL; the chosen branch is returned as is (it may be NULL).',
    decisions: 'Only the chosen branch is evaluated, so an error in the other branch does not stop the rule.',
    example: '(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())',
  },
  {
    name: 'and', params: [p('a', 'condition'), p('b', 'condition')], minArgs: 2, maxArgs: 2, dialect: 'erad',
    summary: 'Returns "true" when both arguments are not NULL, otherwise NULL.',
    nullBehaviour: 'NULL when either argument is NULL.',
  },
  {
    name: 'or', params: [p('a', 'first condition or value'), p('b', 'second condition or value')], repeats: p('more', 'further conditions or values, tried in order'),
    minArgs: 2, maxArgs: Infinity, dialect: 'erad',
    summary: 'Returns the first argument that is not NULL.',
    nullBehaviour: 'NULL when every argument is NULL. Note: returns the value itself, not "true".',
  },
  {
    name: 'not', params: [p('a', 'condition')], minArgs: 1, maxArgs: 1, dialect: 'erad',
    summary: 'Returns "true" when `a` is NULL, otherwise NULL.',
    nullBehaviour: '"true" exactly when `a` is NULL ("" is not NULL, so not("") is NULL).',
  },
  {
    name: 'equals', params: [p('a', 'first value to compare'), p('b', 'second value to compare')], minArgs: 2, maxArgs: 2, dialect: 'erad',
    summary: 'Returns "true" when `a` and `b` are equal strings, otherwise NULL.',
    nullBehaviour: 'NULL when either argument is NULL (NULL equals nothing, not even NULL).',
    decisions: 'Comparison is exact and case-sensitive; DICOM padding is already stripped from attribute values.',
  },
  {
    name: 'contains', params: [p('needle', 'string to look for'), p('haystack', 'string to search in')],
    minArgs: 2, maxArgs: 2, dialect: 'erad',
    summary: 'Returns "true" when string `needle` occurs inside string `haystack` (note the order), otherwise NULL.',
    nullBehaviour: 'NULL when either argument is NULL.',
    decisions: 'Case-sensitive. The empty needle occurs in every non-NULL haystack.',
  },
  {
    name: 'indexof', params: [p('string', 'string to search in'), p('pattern', 'string to look for')],
    minArgs: 2, maxArgs: 2, dialect: 'erad',
    summary: '0-based position of `pattern` in `string`; -1 when absent.',
    nullBehaviour: 'NULL when either argument is NULL.',
  },
  {
    name: 'concat', params: [p('a', 'first value: a tag, a string, a variable or a call (NULL counts as "")'), p('b', 'second value, joined right after `a`')], repeats: p('more', 'further values, joined in order'),
    minArgs: 2, maxArgs: Infinity, dialect: 'erad',
    summary: 'Joins all arguments.',
    nullBehaviour: 'NULL arguments count as "". Never returns NULL.',
    decisions: 'concat with a single argument is accepted by our evaluator but flagged: the help shows two or more.',
  },
  {
    name: 'split', params: [p('string', 'value to split'), p('delimiter', 'delimiter string'), p('n', 'field number, 1-based')],
    minArgs: 3, maxArgs: 3, dialect: 'erad',
    summary: 'The n-th field (1-based) of `string` split on `delimiter`.',
    nullBehaviour: 'NULL when `string` is NULL or has no n-th field.',
    decisions: '1-based and NULL-when-absent are inferred from the documented name example. An empty delimiter returns the whole string as field 1. A field number that is not a positive integer gives NULL.',
    example: 'split((0010,0010),",",1)',
  },
  {
    name: 'add', params: [p('n1', 'first integer'), p('n2', 'second integer, added to `n1`')], repeats: p('more', 'further integers, added too'),
    minArgs: 2, maxArgs: Infinity, dialect: 'erad',
    summary: 'Integer sum of the arguments.',
    nullBehaviour: 'NULL when any argument is NULL or not an integer.',
    decisions: 'Arguments are parsed as base-10 integers after trimming spaces; a non-integer makes the result NULL.',
  },
  {
    name: 'between', params: [p('n', 'integer'), p('min', 'lower bound (inclusive)'), p('max', 'upper bound (exclusive)')],
    minArgs: 3, maxArgs: 3, dialect: 'erad',
    summary: 'Returns "true" when min <= n < max (integers), otherwise NULL.',
    nullBehaviour: 'NULL when any argument is NULL or not an integer.',
  },
  {
    name: 'codenumber', params: [p('n', 'numeric string')], minArgs: 1, maxArgs: 1, dialect: 'erad',
    summary: 'Pseudonymised numeric string with the same number of digits.',
    nullBehaviour: 'NULL when `n` is NULL.',
    decisions: 'eRAD\'s algorithm is not public. Ours is deterministic (the same input always gives the same output, so linked objects stay linked): a keyed hash mapped to digits. Non-digit characters are kept in place.',
  },
  {
    name: 'codestring', params: [p('s', 'string'), p('exclude', 'characters that must not appear in the result')],
    minArgs: 1, maxArgs: 2, dialect: 'erad',
    summary: 'Pseudonymised string; no character of `exclude` appears in the result.',
    nullBehaviour: 'NULL when `s` is NULL.',
    decisions: 'eRAD\'s algorithm is not public. Ours is deterministic, keeps the length, and draws from A-Z and 0-9 less the excluded characters (letters excluded in either case). Spaces and the DICOM delimiters ^ = \\ stay in place unless excluded, so a name keeps its components.',
  },
  // ---- Extensions (not in eRAD's public help) ----
  {
    name: 'upper', params: [p('s', 'string')], minArgs: 1, maxArgs: 1, dialect: 'extension',
    summary: 'Upper-case `s`.', nullBehaviour: 'NULL when `s` is NULL.',
  },
  {
    name: 'lower', params: [p('s', 'string')], minArgs: 1, maxArgs: 1, dialect: 'extension',
    summary: 'Lower-case `s`.', nullBehaviour: 'NULL when `s` is NULL.',
  },
  {
    name: 'trim', params: [p('s', 'string')], minArgs: 1, maxArgs: 1, dialect: 'extension',
    summary: '`s` without leading and trailing spaces.', nullBehaviour: 'NULL when `s` is NULL.',
  },
  {
    name: 'length', params: [p('s', 'string')], minArgs: 1, maxArgs: 1, dialect: 'extension',
    summary: 'Number of characters in `s`, as an integer string.', nullBehaviour: 'NULL when `s` is NULL.',
  },
  {
    name: 'substr', params: [p('s', 'string'), p('start', '0-based start'), p('length', 'number of characters (optional)')],
    minArgs: 2, maxArgs: 3, dialect: 'extension',
    summary: 'Part of `s` from 0-based `start`, `length` characters long (to the end when omitted).',
    nullBehaviour: 'NULL when `s` is NULL or `start`/`length` is not a non-negative integer; "" when start is past the end.',
  },
  {
    name: 'replace', params: [p('s', 'string'), p('find', 'text to find'), p('with', 'replacement')],
    minArgs: 3, maxArgs: 3, dialect: 'extension',
    summary: 'Replaces every occurrence of `find` in `s` with `with`.',
    nullBehaviour: 'NULL when `s` is NULL; a NULL `find` leaves `s` unchanged; a NULL `with` counts as "".',
    decisions: 'An empty `find` leaves `s` unchanged. Matching is case-sensitive.',
  },
  {
    name: 'sub', params: [p('n1', 'integer'), p('n2', 'integer')], minArgs: 2, maxArgs: 2, dialect: 'extension',
    summary: 'Integer difference n1 - n2.', nullBehaviour: 'NULL when any argument is NULL or not an integer.',
  },
  {
    name: 'formatdate', params: [p('date', 'DICOM DA value YYYYMMDD'), p('format', 'pattern using YYYY, MM, DD')],
    minArgs: 2, maxArgs: 2, dialect: 'extension',
    summary: 'Reformats a DICOM date, e.g. formatdate((0008,0020),"DD.MM.YYYY").',
    nullBehaviour: 'NULL when `date` is NULL or not a valid YYYYMMDD date.',
  },
];

const byName = new Map(FUNCTIONS.map((f) => [f.name, f]));

/** Case-insensitive lookup. */
export function lookupFunction(name: string): FunctionInfo | undefined {
  return byName.get(name.toLowerCase());
}

/** `name(a, b, value...)` as shown in hover and completion. */
export function signatureLabel(f: FunctionInfo): string {
  const params = f.params.map((x) => x.name);
  if (f.repeats) params.push(`${f.repeats.name}...`);
  return `${f.name}(${params.join(', ')})`;
}

/** Control variables known to the language, with what they do. */
export const CONTROL_VARIABLES: ReadonlyArray<{ name: string; doc: string }> = [
  { name: '@PROCESS', doc: 'Initially true (non-NULL). Assigning NULL() stops processing of the object: it is not stored, forwarded or edited, depending on context. Rules after the assignment are not run for that object.' },
  { name: '@STUDYLEVELCOMMANDS', doc: 'Takes a viewer macro command (eRAD 9.x), e.g. SetDropXML(T, ...). The macro list is not public.' },
];
