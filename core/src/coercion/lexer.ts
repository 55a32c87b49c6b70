/**
 * Chevrotain lexer of one line of the coercion-rule language.
 *
 * Rules are line-oriented (a rule may not wrap), so the parser lexes each physical line on its
 * own; token offsets are therefore character positions within the line. Every character of the
 * input becomes some token (unknown ones become `BadChar`, runs of non-separator characters that
 * are not a plain letter/digit word become `BadWord`), so the lexer itself never reports errors
 * and the parser can explain each problem in terms of what it expected.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

/** Spaces, tabs and a byte-order mark: tolerated between tokens, removed by the formatter. */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\uFEFF]+/, group: Lexer.SKIPPED });

/**
 * `$(` plus the variable name typed so far, as one token, so that a half-typed `$(na` still
 * tells completion that the cursor is in a variable name. Names: letters, digits, `_`, `-`,
 * `.`; control variables start with `@`. The closing `)` is a separate token.
 */
export const VariableStart = createToken({
  name: 'VariableStart',
  pattern: /\$\([ \t]*@?[A-Za-z0-9_.-]*/,
  start_chars_hint: ['$'],
});

/** `"..."` with escapes `\n`, `\\`, `\"` (any `\x` is taken as a pair so `\"` never ends it). */
export const QuotedString = createToken({
  name: 'QuotedString',
  pattern: /"(?:[^"\\]|\\[\s\S])*"/,
  start_chars_hint: ['"'],
});

/** A string whose closing quote is missing: runs to the end of the line. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\]|\\[\s\S])*\\?/,
  start_chars_hint: ['"'],
});

export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const Comma = createToken({ name: 'Comma', pattern: ',' });
export const Equals = createToken({ name: 'Equals', pattern: '=' });
/** `#` anywhere but at the start of a line (comment lines never reach the lexer). */
export const Hash = createToken({ name: 'Hash', pattern: '#' });

/**
 * Start characters of the catch-all tokens (any UTF-16 code unit), so that Chevrotain keeps its
 * first-character optimisation (patterns are tried in order, so these come last). Chevrotain
 * files code units from 256 up in buckets of 255 (`255 + ~~(code / 255)`), so one code unit per
 * bucket gives it the same table as all 65,536 would, at a hundredth of the set-up cost (about
 * 8 ms of every start). The lexer test checks that every code unit still lexes.
 */
const ANY_CHAR: number[] = [];
for (let code = 0, lastBucket = -1; code < 0x10000; code++) {
  const bucket = code < 256 ? code : 255 + Math.floor(code / 255);
  if (bucket !== lastBucket) ANY_CHAR.push(code);
  lastBucket = bucket;
}

const BAD_WORD_RE = /[A-Za-z0-9]*[^A-Za-z0-9\s"(),=#$][^\s"(),=#$]*/y;
const HAS_ALNUM = /[A-Za-z0-9]/;

/** A run of characters between separators that is not a plain letter/digit word. */
function badRun(text: string, offset: number): RegExpExecArray | null {
  BAD_WORD_RE.lastIndex = offset;
  return BAD_WORD_RE.exec(text);
}

/**
 * A run like `1.2.840`, `-1` or `my_name`: looks like a value but is not a plain letter/digit
 * word, so it must be quoted. Custom matcher because its first characters cannot be listed.
 */
export const BadWord = createToken({
  name: 'BadWord',
  pattern: {
    exec: (text: string, offset: number): RegExpExecArray | null => {
      const m = badRun(text, offset);
      return m && HAS_ALNUM.test(m[0]) ? m : null;
    },
  },
  line_breaks: false,
  start_chars_hint: ANY_CHAR,
});

/** A run of punctuation without any letter or digit, e.g. `;` or `--`: never a value. */
export const Punct = createToken({
  name: 'Punct',
  pattern: {
    exec: (text: string, offset: number): RegExpExecArray | null => {
      const m = badRun(text, offset);
      return m && !HAS_ALNUM.test(m[0]) ? m : null;
    },
  },
  line_breaks: false,
  start_chars_hint: ANY_CHAR,
});

/** One contiguous run of ASCII letters and digits: unquoted string, function name, hex, number. */
export const Word = createToken({ name: 'Word', pattern: /[A-Za-z0-9]+/, longer_alt: BadWord });

/** Anything else (a lone `$`, control characters). */
export const BadChar = createToken({ name: 'BadChar', pattern: /[\s\S]/, start_chars_hint: ANY_CHAR });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  VariableStart,
  QuotedString,
  UnterminatedString,
  LParen,
  RParen,
  Comma,
  Equals,
  Hash,
  Word,
  BadWord,
  Punct,
  BadChar,
];

let lexer: Lexer | undefined;

/**
 * The lexer, built on first use rather than when the module loads (the extension loads this
 * module at activation without necessarily parsing a rule). The token definitions are fixed, so
 * Chevrotain's checks of them run in the unit tests (test/unit/grammar.test.ts), not on every start.
 */
export function ruleLexer(): Lexer {
  lexer ??= new Lexer(ALL_TOKENS, { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: true });
  return lexer;
}

/** Tokens of one line (which must not contain line breaks); offsets are characters. */
export function lexLine(lineText: string): IToken[] {
  return ruleLexer().tokenize(lineText).tokens;
}

/** Resolves `\n`, `\\` and `\"`; any other `\x` is kept as written (both characters). */
export function unescapeQuoted(body: string): string {
  if (body.indexOf('\\') < 0) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i + 1 < body.length) {
      const next = body[i + 1];
      if (next === 'n') { out += '\n'; i++; continue; }
      if (next === '\\' || next === '"') { out += next; i++; continue; }
    }
    out += ch;
  }
  return out;
}
