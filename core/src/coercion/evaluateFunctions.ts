/**
 * One implementation per entry of the function catalogue (functions.ts). Values are strings or
 * NULL (`null`); "true" is the truth value the logical functions return. `if` is not here: the
 * evaluator runs only the branch it chooses (see evaluate.ts).
 */
export type Value = string | null;

/** A call the evaluator cannot complete (bad arguments); the rule is skipped with this reason. */
export class RuleEvaluationError extends Error {}

export interface FunctionContext {
  /** Key that makes codenumber/codestring site-specific yet repeatable. */
  pseudonymKey: string;
}

export type Impl = (args: Value[], ctx: FunctionContext) => Value;

const TRUE = 'true';

/** Base-10 integer after trimming spaces, or undefined. */
export function toInteger(v: Value): number | undefined {
  if (v === null) return undefined;
  const t = v.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** FNV-1a over the key and the input, then xorshift32 for a stream of pseudo-random numbers. */
function randomStream(key: string, input: string, salt: string): () => number {
  let h = 0x811c9dc5;
  // By code point, over `${salt}\0${key}\0${input}`; without building that string (run per object).
  for (const part of [salt, '\u0000', key, '\u0000', input]) {
    for (let i = 0; i < part.length; i++) {
      const c = part.codePointAt(i)!;
      if (c > 0xffff) i++;
      h ^= c;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  let state = h || 0x9e3779b9;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state;
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Kept in place by codestring so that a PN keeps its components and a list its values. */
const STRUCTURE = new Set(['^', '=', '\\', ' ']);

function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1];
}

export const IMPLEMENTATIONS: Readonly<Record<string, Impl>> = {
  null: () => null,
  and: ([a, b]) => (a !== null && b !== null ? TRUE : null),
  or: (args) => args.find((a) => a !== null) ?? null,
  not: ([a]) => (a === null ? TRUE : null),
  equals: ([a, b]) => (a !== null && b !== null && a === b ? TRUE : null),
  contains: ([needle, haystack]) => (needle !== null && haystack !== null && haystack.includes(needle) ? TRUE : null),
  indexof: ([s, p]) => (s === null || p === null ? null : String(s.indexOf(p))),
  concat: (args) => args.map((a) => a ?? '').join(''),
  split: ([s, d, n]) => {
    const index = toInteger(n);
    if (s === null || d === null || index === undefined || index < 1) return null;
    const fields = d === '' ? [s] : s.split(d);
    return index <= fields.length ? fields[index - 1] : null;
  },
  add: (args) => {
    let sum = 0;
    for (const a of args) {
      const n = toInteger(a);
      if (n === undefined) return null;
      sum += n;
    }
    return String(sum);
  },
  sub: ([a, b]) => {
    const x = toInteger(a);
    const y = toInteger(b);
    return x === undefined || y === undefined ? null : String(x - y);
  },
  between: ([n, min, max]) => {
    const [x, lo, hi] = [toInteger(n), toInteger(min), toInteger(max)];
    if (x === undefined || lo === undefined || hi === undefined) return null;
    return lo <= x && x < hi ? TRUE : null;
  },
  codenumber: ([n], ctx) => {
    if (n === null) return null;
    const next = randomStream(ctx.pseudonymKey, n, 'codenumber');
    let out = '';
    for (let i = 0; i < n.length; i++) {
      const c = n.charCodeAt(i);
      out += c >= 0x30 && c <= 0x39 ? String.fromCharCode(0x30 + (next() % 10)) : n[i];
    }
    return out;
  },
  codestring: ([s, exclude], ctx) => {
    if (s === null) return null;
    const banned = new Set(exclude ?? '');
    const alphabet = [...ALPHANUMERIC].filter((c) => !banned.has(c) && !banned.has(c.toLowerCase()));
    if (alphabet.length === 0) throw new RuleEvaluationError('codestring: the excluded characters leave nothing to draw from (A-Z, 0-9)');
    const next = randomStream(ctx.pseudonymKey, s, 'codestring');
    return [...s].map((c) => (STRUCTURE.has(c) && !banned.has(c) ? c : alphabet[next() % alphabet.length])).join('');
  },
  upper: ([s]) => (s === null ? null : s.toUpperCase()),
  lower: ([s]) => (s === null ? null : s.toLowerCase()),
  trim: ([s]) => (s === null ? null : s.replace(/^ +| +$/g, '')),
  length: ([s]) => (s === null ? null : String([...s].length)),
  substr: ([s, start, length]) => {
    if (s === null) return null;
    const from = toInteger(start);
    const count = length === undefined ? undefined : toInteger(length);
    if (from === undefined || from < 0 || (length !== undefined && (count === undefined || count < 0))) return null;
    const chars = [...s];
    return chars.slice(from, count === undefined ? undefined : from + count).join('');
  },
  replace: ([s, find, by]) => {
    if (s === null) return null;
    if (find === null || find === '') return s;
    return s.split(find).join(by ?? '');
  },
  formatdate: ([date, format]) => {
    if (date === null || format === null) return null;
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date.trim());
    if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
    return format.replace(/YYYY|MM|DD/g, (token) => (token === 'YYYY' ? m[1] : token === 'MM' ? m[2] : m[3]));
  },
};
