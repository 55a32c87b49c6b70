/**
 * Error-tolerant parser of one line of the coercion-rule language (docs/coercion-language.md);
 * fileParser.ts assembles the lines of a file, incrementalParser.ts re-parses only what changed.
 *
 * Each physical line is lexed and parsed on its own, so one broken line never hides the
 * diagnostics of another. The Chevrotain grammar below is written to accept every token sequence
 * (missing pieces are optional, stray tokens are consumed), and the embedded actions build the
 * typed tree of ast.ts and explain each problem in terms of what was expected and what was
 * found. A half-typed rule therefore still yields the best partial tree for completion: calls
 * without `closeParenRange`, `Missing` nodes at the cursor place, tags marked `incomplete`.
 *
 * Decisions where eRAD's help is silent (tested in test/unit/parser.test.ts):
 * - white space (spaces, tabs) is tolerated between any two tokens, also inside `(gggg, eeee)`
 *   and `$( name )`; the formatter removes it;
 * - `SEQ` and `USER` are recognised in any letter case, like function names;
 * - variable names use letters, digits, `_`, `-`, `.`; control variables start with `@`;
 * - `USER(...)` field names use letters, digits and `_`;
 * - in quoted strings an unknown escape `\x` is kept as the two characters `\x`;
 * - a rule split over lines is recognised (`split-rule`) when a line starts with `,` or `)` right
 *   after a rule line, or has no `=` after a line that left parentheses open or ended with `=`.
 *
 * Speed (10,000 rules, 2-core machine): ~90-100 ms from scratch when every line differs (much of
 * it is building and collecting the ~20 MB tree), less when lines repeat (a repeated line is
 * copied, not parsed). An editor should use createIncrementalParser(), which re-parses only
 * changed lines: ~5 ms for a keystroke inside a line, ~40 ms when every line moved.
 */
import { EmbeddedActionsParser, EOF, type IToken } from 'chevrotain';
import { range as mkRange, type Position, type Range } from '../text/range';
import { excerpt } from '../text/excerpt';
import type {
  CallNode,
  CommentNode,
  Expression,
  InvalidLineNode,
  ItemIndexNode,
  LineNode,
  MissingNode,
  RetiredSplitNode,
  RuleFileNode,
  RuleNode,
  SeqNode,
  SeqStep,
  StringNode,
  SyntaxErrorInfo,
  TagNode,
  UnquotedStringNode,
  UserFieldNode,
  VariableNode,
} from './ast';
import {
  ALL_TOKENS,
  BadChar,
  BadWord,
  Comma,
  Equals,
  Hash,
  LParen,
  lexLine,
  Punct,
  QuotedString,
  RParen,
  unescapeQuoted,
  UnterminatedString,
  VariableStart,
  Word,
} from './lexer';
import type { CoercionData, MissingCommaData, MissingEqualsData, MissingParenData, QuoteWordData, SyntaxCode, UnterminatedStringData } from './diagnosticCodes';

const HEX4 = /^[0-9A-Fa-f]{4}$/;
const DIGITS = /^[0-9]+$/;
const USER_FIELD = /^[A-Za-z0-9_]+$/;
const SEQ_WORD = /^seq$/i;
const USER_WORD = /^user$/i;
const COMMENT_LINE = /^[ \t\uFEFF]*#/;
const BLANK_LINE = /^[ \t\uFEFF]*$/;

/** Inside `( ... )`: an expression, or a token (a comma, or a stray `=`, `#`, other character). */
type ArgItem = Expression | IToken;
const isToken = (x: ArgItem): x is IToken => (x as IToken).tokenType !== undefined;

interface ArgParts {
  open: IToken;
  close?: IToken;
  items: ArgItem[];
}

/** Facts about a line's tokens that decide whether the next line continues it. */
export interface LineShape {
  openParens: number;
  endsWithEquals: boolean;
  startsWithContinuation: boolean;
  hasEquals: boolean;
}

/** A parsed line; `shape` is undefined for comments and blank lines. */
export interface LineResult {
  node: LineNode;
  errors: SyntaxErrorInfo[];
  shape?: LineShape;
}

interface LineParts {
  target?: Expression;
  equals?: IToken;
  value?: Expression;
  comma1?: IToken;
  delimiter?: Expression;
  comma2?: IToken;
  index?: Expression;
  junk: IToken[];
}

/** A construct whose `)` is missing at the end of the line. */
interface Unclosed {
  what: string;
  start: number;
}

/**
 * How deep parentheses may nest on one line (`concat(concat(...))`, tags and `$(` included).
 * The parser, validator, evaluator and formatter recurse once per level; without a limit a few
 * hundred levels overflow the stack (docs/diagnostics.md#nesting-too-deep). Real rules nest a
 * handful of levels; 100 leaves the stack room to spare in a worker thread or the server.
 */
export const MAX_NESTING_DEPTH = 100;

const tokenEnd = (t: IToken): number => t.startOffset + t.image.length;
const isEof = (t: IToken): boolean => t.tokenType === EOF;

function shown(text: string): string {
  return text.length > 30 ? `'${text.slice(0, 27)}...'` : `'${text}'`;
}

class RuleLineParser extends EmbeddedActionsParser {
  private lineNo = 0;
  private text = '';
  private tokens: IToken[] = [];
  private errs: SyntaxErrorInfo[] = [];
  private unclosed: Unclosed[] = [];
  /** Errors raised for BadWord tokens, withdrawn where such a word is acceptable (USER field). */
  private badWordErrors = new Map<Expression, SyntaxErrorInfo>();

  /** `validate`: run Chevrotain's grammar checks (the unit tests do; every start skipping them saves ms). */
  constructor(validate = false) {
    super(ALL_TOKENS, { recoveryEnabled: false, maxLookahead: 1, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  // ---------------------------------------------------------------- grammar
  //
  // Performance: the editor re-parses on every keystroke, so the grammar avoids allocating
  // closures and alternative arrays per call (they are instance fields), and semantic actions
  // are skipped while Chevrotain records the grammar (`recording`).

  private get recording(): boolean {
    return (this as unknown as { RECORDING_PHASE: boolean }).RECORDING_PHASE;
  }

  /** Junk tokens of the line being parsed (the `line` rule is not re-entrant). */
  private junk: IToken[] = [];
  /** `( ... )` parts being collected; a stack because calls nest. */
  private argStack: ArgParts[] = [];
  private valueIsTag = false;

  public line = this.RULE('line', (): LineParts => {
    const parts: LineParts = { junk: (this.junk = []) };
    parts.target = this.OPTION(this.primaryTarget);
    parts.equals = this.OPTION2(this.equalsSign);
    parts.value = this.OPTION3(this.primaryValue);
    this.valueIsTag = !this.recording && parts.value !== undefined && parts.value.kind === 'Tag';
    const retired = this.OPTION4(this.retiredOption);
    if (retired) Object.assign(parts, retired);
    this.MANY(this.junkStep);
    return parts;
  });

  private primaryTarget = (): Expression => this.SUBRULE(this.primary);
  private equalsSign = (): IToken => this.CONSUME(Equals);
  private primaryValue = (): Expression => this.SUBRULE2(this.primary);
  private junkStep = (): void => {
    this.junk.push(this.SUBRULE(this.anyToken));
  };

  // Retired split form `(gggg,eeee),"d",n`: only directly after a tag as the whole value.
  private retiredOption = {
    GATE: (): boolean => this.valueIsTag,
    DEF: (): Partial<LineParts> => {
      const r: Partial<LineParts> = {};
      r.comma1 = this.CONSUME(Comma);
      r.delimiter = this.OPTION5(() => this.SUBRULE3(this.primary));
      this.OPTION6(() => {
        r.comma2 = this.CONSUME2(Comma);
        r.index = this.OPTION7(() => this.SUBRULE4(this.primary));
      });
      return r;
    },
  };

  // One rule for every value form (a Chevrotain rule invocation costs more than an alternative):
  // tag, variable, strings, word or call, bad word. `callArgs` items recurse into `primary`.
  private primaryAlts = [
    {
      ALT: (): Expression => {
        const open = this.CONSUME(LParen);
        const group = this.OPTION(this.tagGroup);
        const comma = this.OPTION2(this.tagComma);
        const element = this.OPTION3(this.tagElement);
        const close = this.OPTION4(this.tagClose);
        return this.recording ? (open as never) : this.makeTag(open, group, comma, element, close);
      },
    },
    {
      ALT: (): Expression => {
        const start = this.CONSUME(VariableStart);
        const close = this.OPTION5(this.variableClose);
        return this.recording ? (start as never) : this.makeVariable(start, close);
      },
    },
    {
      ALT: (): Expression => {
        const t = this.CONSUME(QuotedString);
        return this.recording ? (t as never) : this.quotedString(t, true);
      },
    },
    {
      ALT: (): Expression => {
        const t = this.CONSUME(UnterminatedString);
        return this.recording ? (t as never) : this.quotedString(t, false);
      },
    },
    {
      ALT: (): Expression => {
        const word = this.CONSUME3(Word);
        const args = this.OPTION6(this.callArgs);
        if (this.recording) return word as never;
        return args ? this.makeCallLike(word, args) : this.unquoted(word);
      },
    },
    {
      ALT: (): Expression => {
        const t = this.CONSUME(BadWord);
        return this.recording ? (t as never) : this.badWord(t);
      },
    },
  ];

  private tagGroup = (): IToken => this.CONSUME(Word);
  private tagComma = (): IToken => this.CONSUME(Comma);
  private tagElement = (): IToken => this.CONSUME2(Word);
  private tagClose = (): IToken => this.CONSUME(RParen);
  private variableClose = (): IToken => this.CONSUME2(RParen);
  private callClose = (): IToken => this.CONSUME3(RParen);

  /** `( ... )` after a word: takes every token up to `)` or the end of the line. */
  private callArgs = (): ArgParts => {
    const open = this.CONSUME2(LParen);
    const parts: ArgParts = { open, items: [] };
    this.argStack.push(parts);
    this.MANY(this.argStep);
    this.argStack.pop();
    parts.close = this.OPTION7(this.callClose);
    return parts;
  };

  private argAlts = [
    { ALT: (): ArgItem => this.CONSUME2(Comma) },
    { ALT: (): ArgItem => this.SUBRULE(this.primary) },
    { ALT: (): ArgItem => this.CONSUME(Equals) },
    { ALT: (): ArgItem => this.CONSUME(Hash) },
    { ALT: (): ArgItem => this.CONSUME(BadChar) },
    { ALT: (): ArgItem => this.CONSUME(Punct) },
  ];
  private argStep = (): void => {
    const item = this.OR2(this.argAlts);
    this.argStack[this.argStack.length - 1].items.push(item);
  };

  private primary = this.RULE('primary', (): Expression => this.OR(this.primaryAlts));

  private anyAlts = [LParen, RParen, Comma, Equals, Hash, Word, BadWord, Punct, QuotedString, UnterminatedString, VariableStart, BadChar].map(
    (type) => ({ ALT: (): IToken => this.CONSUME(type) }),
  );

  private anyToken = this.RULE('anyToken', (): IToken => this.OR(this.anyAlts));

  // ---------------------------------------------------------------- entry point

  parseLine(lineText: string, lineNo: number): LineResult {
    this.lineNo = lineNo;
    this.text = lineText;
    this.errs = [];
    this.unclosed = [];
    this.badWordErrors.clear();
    this.tokens = lexLine(lineText);
    this.argStack = [];
    let node: LineNode;
    const tooDeep = firstTooDeep(this.tokens);
    if (tooDeep !== undefined) {
      // Not parsed at all: the grammar (and everything that walks the tree) would recurse this deep.
      node = this.invalidLine();
      this.err(
        'nesting-too-deep',
        `Parentheses nest more than ${MAX_NESTING_DEPTH} deep on this line (the limit); ` +
          'compute inner parts into $(variables) on earlier lines',
        this.r(tooDeep.startOffset, this.text.length),
      );
      return { node, errors: this.errs, shape: shapeOf(this.tokens) };
    }
    this.input = this.tokens;
    try {
      node = this.buildLine(this.line());
    } catch (e) {
      // The grammar accepts every token sequence; this is a safety net, never expected.
      node = this.invalidLine();
      this.errs = [this.err('syntax', `Could not parse this line (${(e as Error).message})`, node.range)];
    }
    const errors = this.errs.sort((a, b) => a.range.start.character - b.range.start.character);
    return { node, errors, shape: shapeOf(this.tokens) };
  }

  // ---------------------------------------------------------------- helpers

  /** Position objects by character offset: ranges share them to keep the tree small (a
   *  10,000-rule file has ~400,000 ranges), so positions are immutable. One array for all lines
   *  (an entry from another line is replaced), to allocate nothing per line. */
  private positions: Position[] = [];

  private pos(character: number): Position {
    const known = this.positions[character];
    if (known !== undefined && known.line === this.lineNo) return known;
    return (this.positions[character] = { line: this.lineNo, character });
  }

  /** One copy of each name, tag text and value: rule files repeat them a lot, and each token
   *  image is a fresh string. Bounded, so an editing session cannot grow it without limit. */
  private strings = new Map<string, string>();

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size >= 50_000) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  private r(start: number, end: number): Range {
    return { start: this.pos(start), end: this.pos(end) };
  }

  private tokRange(t: IToken): Range {
    return this.r(t.startOffset, tokenEnd(t));
  }

  private err<C extends SyntaxCode>(code: C, message: string, range: Range, data?: CoercionData<C>): SyntaxErrorInfo {
    const e: SyntaxErrorInfo = data === undefined ? { range, message, code } : { range, message, code, data };
    this.errs.push(e);
    return e;
  }

  /** The token that follows `t` in the line (EOF token at the end). */
  private after(t: IToken): IToken {
    const i = this.tokens.indexOf(t);
    return i >= 0 && i + 1 < this.tokens.length ? this.tokens[i + 1] : this.LA(Number.MAX_SAFE_INTEGER);
  }

  private found(t: IToken): string {
    return isEof(t) ? 'end of line' : shown(t.image);
  }

  private missing(at: number): MissingNode {
    return { kind: 'Missing', recovered: true, range: this.r(at, at) };
  }

  private describe(e: Expression): string {
    const t = this.text.slice(e.range.start.character, e.range.end.character);
    return e.kind === 'Missing' ? 'nothing' : shown(t);
  }

  private quotedString(t: IToken, terminated: boolean): StringNode {
    const body = terminated ? t.image.slice(1, -1) : t.image.slice(1);
    const range = this.tokRange(t);
    if (!terminated) {
      this.err('unterminated-string', 'This string has no closing \'"\' before the end of the line', range, {
        insert: '"',
        at: range.end,
      } satisfies UnterminatedStringData);
    }
    return { kind: 'String', quoted: true, value: this.intern(unescapeQuoted(body)), text: this.intern(t.image), range };
  }

  private unquoted(t: IToken): UnquotedStringNode {
    const image = this.intern(t.image);
    return { kind: 'String', quoted: false, value: image, text: image, range: this.tokRange(t) };
  }

  private badWord(t: IToken): UnquotedStringNode {
    const node = this.unquoted(t);
    const e = this.err(
      'syntax',
      `${shown(t.image)} must be quoted: only letters and digits may be written without quotes`,
      node.range,
      { insert: '"', around: node.range } satisfies QuoteWordData,
    );
    this.badWordErrors.set(node, e);
    return node;
  }

  private withdraw(e: SyntaxErrorInfo | undefined): void {
    if (e) this.errs = this.errs.filter((x) => x !== e);
  }

  private closeOrReport(close: IToken | undefined, last: IToken, what: string, start: number): void {
    if (close) return;
    const next = this.after(last);
    if (isEof(next)) this.unclosed.push({ what, start });
    else this.err('syntax', `Expected ')' to close ${what}, found ${this.found(next)}`, this.tokRange(next));
  }

  private hexPart(t: IToken | undefined, what: string): number {
    if (!t) return -1;
    if (HEX4.test(t.image)) return parseInt(t.image, 16);
    this.err('syntax', `The ${what} of a tag must be 4 hex digits, found ${shown(t.image)}`, this.tokRange(t));
    return -1;
  }

  private makeTag(open: IToken, group?: IToken, comma?: IToken, element?: IToken, close?: IToken): TagNode {
    const last = close ?? element ?? comma ?? group ?? open;
    const end = tokenEnd(last);
    const node: TagNode = {
      kind: 'Tag',
      group: this.hexPart(group, 'group'),
      element: this.hexPart(element, 'element'),
      text: this.intern(this.text.slice(open.startOffset, end)),
      range: this.r(open.startOffset, end),
    };
    if (group && element && !comma) {
      // `(0010 0010)`: the comma is missing, the tag is otherwise whole.
      this.err('syntax', `Expected ',' between the group and the element of the tag, found ${shown(element.image)}`, this.tokRange(element), {
        insert: ',',
        at: this.pos(tokenEnd(group)),
      } satisfies MissingCommaData);
    } else if (!group || !comma || !element) {
      node.incomplete = true;
      let expected: string;
      let next: IToken;
      if (!group) [expected, next] = ['a tag like (0010,0010)', this.after(open)];
      else if (!comma) [expected, next] = ["',' and the element after the tag group", this.after(group)];
      else [expected, next] = ['the tag element (4 hex digits)', this.after(comma)];
      const where = isEof(next) ? node.range : this.tokRange(next);
      this.err('syntax', `Expected ${expected}, found ${this.found(next)}`, where);
      return node;
    }
    this.closeOrReport(close, last, 'the tag', open.startOffset);
    return node;
  }

  private makeVariable(start: IToken, close?: IToken): VariableNode {
    const raw = start.image.slice(2);
    const name = this.intern(raw.trimStart());
    const nameStart = start.startOffset + 2 + (raw.length - name.length);
    const node: VariableNode = {
      kind: 'Variable',
      name,
      nameRange: this.r(nameStart, nameStart + name.length),
      isControl: name.startsWith('@'),
      range: this.r(start.startOffset, close ? tokenEnd(close) : tokenEnd(start)),
    };
    if (name === '' || name === '@') {
      const next = this.after(start);
      const expected = name === '@' ? 'a control variable name after \'$(@\'' : "a variable name after '$('";
      this.err('syntax', `Expected ${expected}, found ${this.found(next)}`, isEof(next) ? node.range : this.tokRange(next));
      if (!close && isEof(next)) return node; // half-typed: the name error is enough
    }
    this.closeOrReport(close, start, `the variable $(${excerpt(name)}`, start.startOffset);
    return node;
  }

  /** Arguments with `Missing` placeholders where one was expected, and the comma ranges. */
  private collectArgs(parts: ArgParts, label: string): { args: Expression[]; commas: Range[]; end: number } {
    const args: Expression[] = [];
    const commas: Range[] = [];
    let expectArg = true;
    let end = tokenEnd(parts.open);
    for (const item of parts.items) {
      if (!isToken(item)) {
        if (!expectArg) {
          this.err('syntax', `Expected ',' or ')' in ${label}, found ${this.describe(item)}`, item.range, {
            insert: ',',
            at: item.range.start,
          } satisfies MissingCommaData);
        }
        args.push(item);
        expectArg = false;
        end = item.range.end.character;
      } else if (item.tokenType === Comma) {
        if (expectArg) {
          args.push(this.missing(item.startOffset));
          this.err('syntax', `Expected an argument of ${label}, found ','`, this.tokRange(item));
        }
        commas.push(this.tokRange(item));
        expectArg = true;
        end = tokenEnd(item);
      } else {
        const msg =
          item.tokenType === Hash
            ? `'#' starts a comment only at the beginning of a line; quote it if it is part of a value`
            : item.tokenType === Equals
              ? `Unexpected '=' in ${label}; quote it if it is part of a value`
              : expectArg
                ? `Unexpected ${shown(item.image)} in ${label}`
                : `Expected ',' or ')' in ${label}, found ${shown(item.image)}`;
        this.err('syntax', msg, this.tokRange(item));
        end = tokenEnd(item);
        // Where a comma belongs (`concat("A";"B")`), take the stray for one: one error, not two.
        expectArg = true;
      }
    }
    if (expectArg) {
      if (commas.length > 0) {
        const at = parts.close ? parts.close.startOffset : this.text.length;
        args.push(this.missing(at));
        // At the end of the line the rule is half-typed (or split): the missing ')' says it.
        if (parts.close) {
          this.err('syntax', `Expected an argument of ${label} after ',', found ')'`, commas[commas.length - 1]);
        }
      } else if (!parts.close && args.length === 0) {
        // Just typed `name(`: a placeholder at the cursor; the missing ')' is reported once.
        args.push(this.missing(this.text.length));
      }
    }
    // An unclosed call takes the rest of the line, so that a cursor there is inside it.
    if (!parts.close) end = this.text.length;
    if (parts.close) end = tokenEnd(parts.close);
    // Arrays grown by push keep spare capacity; exact copies make a large tree much smaller.
    return { args: args.slice(), commas: commas.slice(), end };
  }

  private makeCallLike(word: IToken, parts: ArgParts): Expression {
    const name = word.image;
    // Length first: no upper-cased copy of every function name.
    if (name.length === 3 && SEQ_WORD.test(name)) return this.makeSeq(word, parts);
    if (name.length === 4 && USER_WORD.test(name)) return this.makeUser(word, parts);
    const label = `the call to ${excerpt(word.image)}`;
    const { args, commas, end } = this.collectArgs(parts, label);
    const lastTok = this.lastTokenOf(parts);
    this.closeOrReport(parts.close, lastTok, label, word.startOffset);
    const node: CallNode = {
      kind: 'Call',
      name: this.intern(word.image),
      nameRange: this.tokRange(word),
      args,
      openParenRange: this.tokRange(parts.open),
      commaRanges: commas,
      range: this.r(word.startOffset, end),
    };
    if (parts.close) node.closeParenRange = this.tokRange(parts.close);
    return node;
  }

  /** The last token of `( ... )` (the `)` itself when present). */
  private lastTokenOf(parts: ArgParts): IToken {
    if (parts.close) return parts.close;
    // Everything up to the end of the line belongs to the unclosed call.
    return this.tokens[this.tokens.length - 1] ?? parts.open;
  }

  private isPlainWord(e: Expression | undefined): e is UnquotedStringNode {
    return e !== undefined && e.kind === 'String' && !e.quoted && !this.badWordErrors.has(e);
  }

  private seqTag(g: Expression, e: Expression | undefined): TagNode {
    const hex = (x: Expression | undefined, what: string): number => {
      if (x === undefined || x.kind === 'Missing') return -1;
      if (this.isPlainWord(x) && HEX4.test(x.value)) return parseInt(x.value, 16);
      this.err('syntax', `Expected the ${what} as 4 bare hex digits in SEQ(...), found ${this.describe(x)}`, x.range);
      return -1;
    };
    const start = g.range.start.character;
    const end = (e ?? g).range.end.character;
    const node: TagNode = {
      kind: 'Tag',
      group: hex(g, 'group'),
      element: hex(e, 'element'),
      text: this.intern(this.text.slice(start, end)),
      range: this.r(start, end),
    };
    if (!e || g.kind === 'Missing' || e.kind === 'Missing') node.incomplete = true;
    return node;
  }

  private itemIndex(x: Expression): ItemIndexNode {
    const text = this.text.slice(x.range.start.character, x.range.end.character);
    if (this.isPlainWord(x) && DIGITS.test(x.value)) {
      return { kind: 'ItemIndex', value: parseInt(x.value, 10), text, range: x.range };
    }
    if (x.kind !== 'Missing') {
      this.err('syntax', `Expected an item number (0, 1, 2, ...) in SEQ(...), found ${this.describe(x)}`, x.range);
    }
    return { kind: 'ItemIndex', value: -1, text, range: x.range, recovered: true };
  }

  private makeSeq(word: IToken, parts: ArgParts): SeqNode {
    const label = 'SEQ(...)';
    const { args, end } = this.collectArgs(parts, label);
    this.closeOrReport(parts.close, this.lastTokenOf(parts), label, word.startOffset);
    const steps: SeqStep[] = [];
    let leaf: TagNode | undefined;
    for (let i = 0; leaf === undefined; i += 3) {
      const g = args[i];
      if (g === undefined) {
        const at = parts.close ? parts.close.startOffset : this.text.length;
        leaf = { kind: 'Tag', group: -1, element: -1, text: '', range: this.r(at, at), incomplete: true, recovered: true };
        break;
      }
      const tag = this.seqTag(g, args[i + 1]);
      const item = args[i + 2];
      if (item === undefined) leaf = tag;
      else steps.push({ tag, item: this.itemIndex(item) });
    }
    const count = args.length;
    if (parts.close && (count < 5 || (count - 2) % 3 !== 0) && !(count === 1 && args[0].kind === 'Missing')) {
      this.err(
        'syntax',
        `SEQ(...) takes a sequence, an item number and an attribute, e.g. SEQ(0040,0275,0,0040,0009) (more item/attribute triples go deeper); found ${count} value${count === 1 ? '' : 's'}`,
        this.r(word.startOffset, end),
      );
    }
    return { kind: 'Seq', steps, leaf, keywordRange: this.tokRange(word), range: this.r(word.startOffset, end) };
  }

  private makeUser(word: IToken, parts: ArgParts): UserFieldNode {
    const label = 'USER(...)';
    const { args, end } = this.collectArgs(parts, label);
    this.closeOrReport(parts.close, this.lastTokenOf(parts), label, word.startOffset);
    const arg = args[0];
    let field = '';
    let fieldRange = this.r(tokenEnd(parts.open), tokenEnd(parts.open));
    if (arg !== undefined && arg.kind === 'String' && !arg.quoted && USER_FIELD.test(arg.value)) {
      this.withdraw(this.badWordErrors.get(arg));
      field = arg.value;
      fieldRange = arg.range;
    } else if (arg !== undefined && arg.kind !== 'Missing') {
      this.err('syntax', `Expected a field name (letters, digits, '_') in USER(...), found ${this.describe(arg)}`, arg.range);
    } else if (parts.close) {
      this.err('syntax', 'Expected a field name in USER(...), e.g. USER(MyField)', this.r(word.startOffset, end));
    }
    if (args.length > 1) {
      const extra = args[1];
      this.err('syntax', 'USER(...) takes exactly one field name', this.r(extra.range.start.character, args[args.length - 1].range.end.character));
    }
    return { kind: 'User', field, fieldRange, range: this.r(word.startOffset, end) };
  }

  private invalidLine(): InvalidLineNode {
    const start = this.text.length - this.text.trimStart().length;
    return { kind: 'Invalid', text: this.text, range: this.r(start, this.text.trimEnd().length) };
  }

  private buildLine(p: LineParts): LineNode {
    const first = this.tokens[0];
    const last = this.tokens[this.tokens.length - 1];
    // Target.
    let target: RuleNode['target'];
    let targetOk = false;
    if (p.target === undefined) {
      target = this.missing(p.equals ? p.equals.startOffset : first ? first.startOffset : 0);
      if (p.equals) {
        this.err('syntax', "Expected an attribute (gggg,eeee), SEQ(...), USER(...) or $(variable) before '='", this.tokRange(p.equals));
      }
    } else if (
      p.target.kind === 'Tag' ||
      p.target.kind === 'Seq' ||
      p.target.kind === 'User' ||
      p.target.kind === 'Variable' ||
      (p.target.kind === 'String' && !p.target.quoted)
    ) {
      target = p.target;
      targetOk = true;
    } else {
      target = this.missing(p.target.range.start.character);
      const what = p.target.kind === 'Call' ? `the call ${this.describe(p.target)}` : this.describe(p.target);
      this.err(
        'syntax',
        `Expected an attribute (gggg,eeee), SEQ(...), USER(...) or $(variable) before '=', found ${what}`,
        p.target.range,
      );
    }
    // '='.
    if (!p.equals && (p.target !== undefined || p.value !== undefined)) {
      const next = p.value ? this.describe(p.value) : p.junk[0] ? shown(p.junk[0].image) : 'end of line';
      const at = p.target ? p.target.range.end : this.r(0, 0).start;
      this.err('missing-equals', `Expected '=' after ${p.target ? this.describe(p.target) : 'the target'}, found ${next}`,
        p.target ? p.target.range : p.value!.range, { insert: '=', at } satisfies MissingEqualsData);
    }
    // Value.
    let value: Expression;
    if (p.value === undefined) {
      value = this.missing(p.junk[0] ? p.junk[0].startOffset : this.text.length);
      if (p.equals) {
        const found = p.junk[0] ? shown(p.junk[0].image) : 'end of line';
        const where = p.junk[0] ? this.r(p.junk[0].startOffset, tokenEnd(last)) : this.tokRange(p.equals);
        this.err('syntax', `Expected a value after '=', found ${found}`, where);
      }
    } else if (p.comma1) {
      value = this.retiredSplit(p.value as TagNode, p);
    } else {
      value = p.value;
    }
    // Anything after the value.
    if (p.junk.length > 0 && p.value !== undefined) {
      const j = p.junk[0];
      const where = this.r(j.startOffset, tokenEnd(last));
      let msg: string;
      if (j.tokenType === Hash) msg = "'#' starts a comment only at the beginning of a line; quote it if it is part of a value";
      else if (j.tokenType === RParen) msg = "Unexpected ')': there is no open '(' to close";
      else if (j.tokenType === Equals) msg = "A rule has only one '='; quote '=' if it is part of a value";
      else if (j.tokenType === Comma) msg = "Unexpected ',' after the value: a rule has one value (the retired split form is (gggg,eeee),\"d\",n)";
      else msg = `Expected end of line after the value, found ${shown(j.image)}`;
      this.err('syntax', msg, where);
    }
    this.reportUnclosed(last);
    if (!p.equals && !targetOk) {
      // Nothing here looks like a rule: one error for the line rather than one per token.
      const invalid = this.invalidLine();
      this.errs = [this.err('syntax', `Expected a rule like (gggg,eeee)=value, found ${shown(first.image)}`, invalid.range)];
      return invalid;
    }
    const start = first ? first.startOffset : 0;
    // Placeholders at the cursor may lie after the last token (trailing white space).
    const end = Math.max(last ? tokenEnd(last) : 0, value.range.end.character, target.range.end.character);
    return { kind: 'Rule', target, equalsRange: p.equals ? this.tokRange(p.equals) : undefined, value, range: this.r(start, end) };
  }

  /** One error for all constructs still open at the end of the line, about the innermost. */
  private reportUnclosed(last: IToken | undefined): void {
    if (this.unclosed.length === 0 || !last) return;
    const inner = this.unclosed[0];
    const n = this.unclosed.length;
    const at: Position = { line: this.lineNo, character: tokenEnd(last) };
    const more = n > 1 ? ` (${n} closing parentheses are missing)` : '';
    this.err('missing-paren', `Expected ')' to close ${inner.what}, found end of line${more}`, this.r(inner.start, at.character), {
      insert: ')'.repeat(n),
      at,
    } satisfies MissingParenData);
  }

  private retiredSplit(source: TagNode, p: LineParts): RetiredSplitNode {
    const form = 'the retired split form (gggg,eeee),"d",n';
    const placeholder = (at: number): UnquotedStringNode => ({
      kind: 'String', quoted: false, value: '', text: '', range: this.r(at, at), recovered: true,
    });
    // What follows the form, if anything: the first junk token, else the end of the line.
    const next = p.junk[0];
    const nextAt = next ? next.startOffset : this.text.length;
    const nextFound = next ? shown(next.image) : 'end of line';
    let end = tokenEnd(p.comma1!);
    let delimiter: StringNode;
    if (p.delimiter && p.delimiter.kind === 'String') {
      delimiter = p.delimiter;
    } else {
      const at = p.delimiter ? p.delimiter.range.start.character : p.comma2 ? p.comma2.startOffset : nextAt;
      delimiter = placeholder(at);
      const found = p.delimiter ? this.describe(p.delimiter) : p.comma2 ? "','" : nextFound;
      this.err('syntax', `Expected the delimiter string of ${form}, found ${found}`, p.delimiter ? p.delimiter.range : this.tokRange(p.comma2 ?? p.comma1!));
    }
    end = Math.max(end, (p.delimiter ?? delimiter).range.end.character);
    if (p.comma2) end = tokenEnd(p.comma2);
    let index: StringNode;
    if (p.index && this.isPlainWord(p.index) && DIGITS.test(p.index.value)) {
      index = p.index;
    } else {
      index = p.index && p.index.kind === 'String' ? p.index : placeholder(p.index ? p.index.range.start.character : nextAt);
      const found = p.index ? this.describe(p.index) : nextFound;
      const where = p.index ? p.index.range : this.tokRange(p.comma2 ?? p.comma1!);
      const expected = p.comma2 ? 'the field number' : "',' and the field number";
      this.err('syntax', `Expected ${expected} of ${form}, found ${found}`, where);
    }
    end = Math.max(end, (p.index ?? index).range.end.character);
    return { kind: 'RetiredSplit', source, delimiter, index, range: this.r(source.range.start.character, end) };
  }
}

/** Builds the parser with Chevrotain's grammar checks on: throws on an ambiguity or a left recursion (test/unit/grammar.test.ts). */
export function checkRuleGrammar(): void {
  new RuleLineParser(true);
}

let sharedParser: RuleLineParser | undefined;
function parser(): RuleLineParser {
  return (sharedParser ??= new RuleLineParser());
}

/** Parses one physical line (without its line break) as line number `line` (0-based). */
export function parseRuleLine(lineText: string, line: number): { node: LineNode; errors: SyntaxErrorInfo[] } {
  const { node, errors } = parseLineResult(lineText, line);
  return { node, errors };
}

export function parseLineResult(lineText: string, line: number): LineResult {
  if (COMMENT_LINE.test(lineText)) {
    const start = lineText.indexOf('#');
    const node: CommentNode = { kind: 'Comment', text: lineText.slice(start), range: mkRange(line, start, lineText.length) };
    return { node, errors: [] };
  }
  if (BLANK_LINE.test(lineText)) {
    return { node: { kind: 'Blank', range: mkRange(line, 0, lineText.length) }, errors: [] };
  }
  return parser().parseLine(lineText, line);
}


/** The first `(` or `$(` that opens a level beyond MAX_NESTING_DEPTH, if any. */
function firstTooDeep(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of tokens) {
    if (t.tokenType === LParen || t.tokenType === VariableStart) {
      if (++depth > MAX_NESTING_DEPTH) return t;
    } else if (t.tokenType === RParen && depth > 0) depth--;
  }
  return undefined;
}

function shapeOf(tokens: IToken[]): LineShape {
  let open = 0;
  let hasEquals = false;
  for (const t of tokens) {
    if (t.tokenType === LParen || t.tokenType === VariableStart) open++;
    else if (t.tokenType === RParen) open--;
    else if (t.tokenType === Equals) hasEquals = true;
  }
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  return {
    openParens: open,
    endsWithEquals: last !== undefined && last.tokenType === Equals,
    startsWithContinuation: first !== undefined && (first.tokenType === Comma || first.tokenType === RParen),
    hasEquals,
  };
}

/**
 * A copy of a parsed line moved to another line number. Trees are immutable and shared, so a
 * moved line gets new nodes and positions (sharing positions per character, like the parser).
 */
export function relocate(result: LineResult, line: number): LineResult {
  // Explicit object literals (not spreads) keep this several times faster than a re-parse;
  // optional fields are copied only when present, so a moved tree deep-equals a fresh parse.
  const positions: Position[] = [];
  const P = (p: Position): Position => positions[p.character] ?? (positions[p.character] = { line, character: p.character });
  const R = (r: Range): Range => ({ start: P(r.start), end: P(r.end) });
  const flags = <T extends { recovered?: boolean }>(from: { recovered?: boolean }, to: T): T => {
    if (from.recovered) to.recovered = true;
    return to;
  };
  const tag = (t: TagNode): TagNode => {
    const c: TagNode = { kind: 'Tag', group: t.group, element: t.element, text: t.text, range: R(t.range) };
    if (t.incomplete) c.incomplete = true;
    return flags(t, c);
  };
  const str = (e: StringNode): StringNode =>
    flags<StringNode>(e, e.quoted
      ? { kind: 'String', quoted: true, value: e.value, text: e.text, range: R(e.range) }
      : { kind: 'String', quoted: false, value: e.value, text: e.text, range: R(e.range) });
  const expr = (e: Expression): Expression => {
    switch (e.kind) {
      case 'Tag':
        return tag(e);
      case 'String':
        return str(e);
      case 'Missing':
        return { kind: 'Missing', recovered: true, range: R(e.range) };
      case 'Variable':
        return flags<VariableNode>(e, { kind: 'Variable', name: e.name, nameRange: R(e.nameRange), isControl: e.isControl, range: R(e.range) });
      case 'User':
        return flags<UserFieldNode>(e, { kind: 'User', field: e.field, fieldRange: R(e.fieldRange), range: R(e.range) });
      case 'Seq': {
        const steps = e.steps.map((st) => {
          if (!st.item) return { tag: tag(st.tag) };
          const it = st.item;
          return { tag: tag(st.tag), item: flags<ItemIndexNode>(it, { kind: 'ItemIndex', value: it.value, text: it.text, range: R(it.range) }) };
        });
        return flags<SeqNode>(e, { kind: 'Seq', steps, leaf: tag(e.leaf), keywordRange: R(e.keywordRange), range: R(e.range) });
      }
      case 'RetiredSplit':
        return flags<RetiredSplitNode>(e, { kind: 'RetiredSplit', source: tag(e.source), delimiter: str(e.delimiter), index: str(e.index), range: R(e.range) });
      case 'Call': {
        const c: CallNode = {
          kind: 'Call', name: e.name, nameRange: R(e.nameRange), args: e.args.map(expr), commaRanges: e.commaRanges.map(R), range: R(e.range),
        };
        if (e.openParenRange) c.openParenRange = R(e.openParenRange);
        if (e.closeParenRange) c.closeParenRange = R(e.closeParenRange);
        return flags(e, c);
      }
    }
  };
  const n = result.node;
  let node: LineNode;
  switch (n.kind) {
    case 'Rule':
      node = { kind: 'Rule', target: expr(n.target) as RuleNode['target'], equalsRange: n.equalsRange && R(n.equalsRange), value: expr(n.value), range: R(n.range) };
      break;
    case 'Comment':
      node = { kind: 'Comment', text: n.text, range: R(n.range) };
      break;
    case 'Blank':
      node = { kind: 'Blank', range: R(n.range) };
      break;
    case 'Invalid':
      node = { kind: 'Invalid', text: n.text, range: R(n.range) };
      break;
  }
  // Quick-fix data holds positions (`at`) or ranges (`around`).
  const data = (d: unknown): unknown => {
    if (!d || typeof d !== 'object') return d;
    const o: Record<string, unknown> = { ...(d as Record<string, unknown>) };
    if (o.at) o.at = P(o.at as Position);
    if (o.around) o.around = R(o.around as Range);
    return o;
  };
  const errors = result.errors.length === 0 ? result.errors : result.errors.map((e) => {
    const c: SyntaxErrorInfo = { range: R(e.range), message: e.message, code: e.code };
    if (e.data !== undefined) c.data = data(e.data);
    return c;
  });
  return { node, errors, shape: result.shape };
}
