/**
 * Tokens of one line of a .pacs file (Chevrotain lexer). Lines are lexed one at a time because
 * the language is line-oriented (one field per line) and because lines inside an inline
 * `rules { }` block belong to the coercion language and must not be lexed here at all.
 */
import { createToken, Lexer, type IToken } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#.*/, group: 'comments' });
/** A quoted string; the closing quote is optional so an unterminated string is one token. */
export const QuotedString = createToken({ name: 'QuotedString', pattern: /"(?:[^"\\]|\\.)*(?:"|\\)?/ });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/ });
/** Anything else up to white space, a brace, a quote or a comment: keys, numbers, hosts, `*`. */
export const Word = createToken({ name: 'Word', pattern: /[^\s{}"#]+/ });

export const DEVICE_TOKENS = [WhiteSpace, Comment, QuotedString, LCurly, RCurly, Word];

/**
 * Built on the first line lexed, not when the module loads: the extension and the server load
 * this module at start-up, and a process that never reads a .pacs file should not pay for the
 * lexer (tens of ms of a cold start). The token definitions are fixed, so Chevrotain's checks
 * of them run in the unit tests (test/unit/grammar.test.ts), not on every start.
 */
let lineLexer: Lexer | undefined;

export interface LineTokens {
  tokens: IToken[];
  /** Characters the lexer could not use (cannot happen with the patterns above, kept for safety). */
  errors: Array<{ offset: number; length: number }>;
}

/** Lexes a single line; token offsets are columns within that line. */
export function lexLine(line: string): LineTokens {
  lineLexer ??= new Lexer(DEVICE_TOKENS, { positionTracking: 'onlyOffset', ensureOptimizations: false, skipValidations: true });
  const result = lineLexer.tokenize(line);
  return {
    tokens: result.tokens,
    errors: result.errors.map((e) => ({ offset: e.offset, length: e.length })),
  };
}

/** Resolves `\"` and `\\` inside a quoted string token (quotes included in `text`). */
export function unquote(text: string): string {
  const inner = text.slice(1, isTerminated(text) ? -1 : undefined);
  return inner.replace(/\\(.)/g, '$1');
}

/** True when the quoted-string token has its closing quote. */
export function isTerminated(text: string): boolean {
  if (text.length < 2 || !text.endsWith('"')) return false;
  // Count the backslashes before the final quote: an odd number escapes it.
  let n = 0;
  for (let i = text.length - 2; i > 0 && text[i] === '\\'; i--) n++;
  return n % 2 === 0;
}
