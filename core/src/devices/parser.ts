/**
 * Parser of the device-definition language. Error-tolerant and line-oriented: a block is
 * `keyword name {` ... `}`, each line inside is one field, and a broken line costs only that
 * line. Lines inside an inline `rules {` block are kept verbatim for the coercion parser.
 */
import type { IToken } from 'chevrotain';
import { excerpt } from '../text/excerpt';
import { range as mkRange, type Range } from '../text/range';
import type {
  BlockNode,
  DeviceFileNode,
  DeviceSyntaxError,
  FieldNode,
  InlineRulesNode,
  ListBlockNode,
  RuleLineNode,
  ValueNode,
} from './ast';
import { isTerminated, lexLine, LCurly, QuotedString, RCurly, unquote, Word } from './lexer';
import type { DeviceSyntaxCode } from './diagnosticCodes';

/** Keywords that open a top-level block. */
export const BLOCK_KEYWORDS = ['server', 'category', 'device'] as const;

export interface DeviceParseResult {
  ast: DeviceFileNode;
  errors: DeviceSyntaxError[];
}

/** Splits text into physical lines, remembering the line-break style. */
export function splitLines(text: string): { lines: string[]; eol: string } {
  const m = /\r\n|\n|\r/.exec(text);
  return { lines: text.split(/\r\n|\n|\r/), eol: m ? m[0] : '\n' };
}

export function parseDeviceFile(text: string, uri?: string): DeviceParseResult {
  return new DeviceParser(text, uri).parse();
}

class DeviceParser {
  private readonly lines: string[];
  private readonly eol: string;
  private readonly tokenCache = new Map<number, IToken[]>();
  private readonly errors: DeviceSyntaxError[] = [];

  constructor(text: string, private readonly uri?: string) {
    const split = splitLines(text);
    this.lines = split.lines;
    this.eol = split.eol;
  }

  parse(): DeviceParseResult {
    const blocks: BlockNode[] = [];
    let i = 0;
    while (i < this.lines.length) {
      const toks = this.tokens(i);
      if (toks.length === 0) {
        i++;
        continue;
      }
      const first = toks[0];
      if (first.tokenType === Word) {
        const parsed = this.parseBlock(i, toks);
        blocks.push(parsed.block);
        i = parsed.next;
        continue;
      }
      this.error(this.tokRange(i, first), first.tokenType === RCurly ? 'unexpected-brace' : 'expected-block',
        first.tokenType === RCurly
          ? 'Unexpected `}`: there is no open block to close.'
          : 'Expected a block: `server NAME {`, `category NAME {` or `device ID {`.');
      i++;
    }
    const ast: DeviceFileNode = { kind: 'DeviceFile', uri: this.uri, blocks, lineCount: this.lines.length, eol: this.eol };
    return { ast, errors: this.errors };
  }

  // ---- blocks -------------------------------------------------------------------------------

  private parseBlock(line: number, toks: IToken[]): { block: BlockNode; next: number } {
    const kw = toks[0];
    const block: BlockNode = {
      kind: 'Block',
      keyword: kw.image,
      keywordRange: this.tokRange(line, kw),
      fields: [],
      range: this.tokRange(line, kw),
    };
    let k = 1;
    if (k < toks.length && (toks[k].tokenType === Word || toks[k].tokenType === QuotedString)) {
      block.name = this.value(line, toks[k]);
      k++;
    } else {
      this.error(this.afterRange(line, kw), 'missing-name', `\`${excerpt(kw.image)}\` needs a name, e.g. \`${excerpt(kw.image)} ${exampleName(kw.image)} {\`.`);
    }
    // Extra words between the name and the brace: one finding for the whole run.
    const extraStart = k;
    while (k < toks.length && toks[k].tokenType !== LCurly && toks[k].tokenType !== RCurly) k++;
    if (k > extraStart) {
      const more = k - extraStart > 1 ? ` (and ${k - extraStart - 1} more word${k - extraStart > 2 ? 's' : ''})` : '';
      this.error(this.span(this.tokRange(line, toks[extraStart]), this.tokRange(line, toks[k - 1])), 'unexpected-text',
        `Unexpected \`${excerpt(toks[extraStart].image)}\`${more}: expected \`{\` after the ${excerpt(kw.image)} name.`);
    }
    if (k < toks.length && toks[k].tokenType === LCurly) {
      block.openRange = this.tokRange(line, toks[k]);
      k++;
    } else {
      this.error(this.afterRange(line, toks[k - 1]), 'missing-open-brace', `Expected \`{\` at the end of the ${excerpt(kw.image)} line.`);
    }
    // Content after `{` on the header line: accepted as one field (e.g. `category c { max-connections 8 }`).
    if (k < toks.length) {
      const rest = toks.slice(k);
      if (rest[0].tokenType === RCurly) {
        block.closeRange = this.tokRange(line, rest[0]);
        this.unexpectedAfter(line, rest.slice(1));
        block.range = this.span(block.keywordRange, block.closeRange);
        return { block, next: line + 1 };
      }
      const { field, next, closed } = this.parseField(line, rest);
      if (field) block.fields.push(field);
      if (closed) {
        block.closeRange = closed;
        block.range = this.span(block.keywordRange, closed);
        return { block, next };
      }
      return this.parseBody(block, next);
    }
    return this.parseBody(block, line + 1);
  }

  private parseBody(block: BlockNode, start: number): { block: BlockNode; next: number } {
    let j = start;
    let lastContent: Range = block.openRange ?? block.keywordRange;
    while (j < this.lines.length) {
      const toks = this.tokens(j);
      if (toks.length === 0) {
        j++;
        continue;
      }
      if (toks[0].tokenType === RCurly) {
        block.closeRange = this.tokRange(j, toks[0]);
        this.unexpectedAfter(j, toks.slice(1));
        block.range = this.span(block.keywordRange, block.closeRange);
        return { block, next: j + 1 };
      }
      if (this.looksLikeBlockStart(toks)) break;
      const { field, next, closed } = this.parseField(j, toks);
      if (field) {
        block.fields.push(field);
        lastContent = field.range;
      }
      if (closed) {
        block.closeRange = closed;
        block.range = this.span(block.keywordRange, closed);
        return { block, next };
      }
      j = next;
    }
    this.error(block.openRange ?? block.keywordRange, 'missing-close-brace',
      `\`${excerpt(block.keyword)}${block.name ? ' ' + excerpt(block.name.text) : ''}\` is not closed: add a line with \`}\`.`);
    block.range = this.span(block.keywordRange, lastContent);
    return { block, next: j };
  }

  /** `device X {` inside a block means the previous block lost its `}`. */
  private looksLikeBlockStart(toks: IToken[]): boolean {
    return (
      toks.length >= 2 &&
      toks[0].tokenType === Word &&
      (BLOCK_KEYWORDS as readonly string[]).includes(toks[0].image) &&
      toks[toks.length - 1].tokenType === LCurly &&
      toks.length <= 3
    );
  }

  // ---- fields -------------------------------------------------------------------------------

  /**
   * Parses one field starting at `toks` on `line`. `closed` is set when the field line also
   * closed the enclosing block (`... }` at the end of a one-line block).
   */
  private parseField(line: number, toks: IToken[]): { field?: FieldNode; next: number; closed?: Range } {
    const keyTok = toks[0];
    if (keyTok.tokenType !== Word) {
      this.error(this.tokRange(line, keyTok), 'expected-field', 'Expected a field name at the start of the line.');
      return { next: line + 1 };
    }
    const field: FieldNode = {
      kind: 'Field',
      key: keyTok.image,
      keyRange: this.tokRange(line, keyTok),
      values: [],
      range: this.tokRange(line, keyTok),
    };
    let k = 1;
    while (k < toks.length && (toks[k].tokenType === Word || toks[k].tokenType === QuotedString)) {
      field.values.push(this.value(line, toks[k]));
      k++;
    }
    const lastValue = field.values.length ? field.values[field.values.length - 1].range : field.keyRange;
    field.range = this.span(field.keyRange, lastValue);
    if (k >= toks.length) return { field, next: line + 1 };

    if (toks[k].tokenType === RCurly) {
      // `... }`: the field ends the enclosing one-line block.
      const closed = this.tokRange(line, toks[k]);
      this.unexpectedAfter(line, toks.slice(k + 1));
      return { field, next: line + 1, closed };
    }
    // toks[k] is `{`
    const open = this.tokRange(line, toks[k]);
    if (field.key === 'rules' && k === toks.length - 1) {
      const { node, next } = this.parseInlineRules(line, open);
      field.block = node;
      field.range = this.span(field.keyRange, node.range);
      return { field, next };
    }
    const { node, next, closed } = this.parseList(line, toks, k, open);
    field.block = node;
    field.range = this.span(field.keyRange, node.range);
    return { field, next, closed };
  }

  private parseInlineRules(line: number, open: Range): { node: InlineRulesNode; next: number } {
    const lines: RuleLineNode[] = [];
    let j = line + 1;
    while (j < this.lines.length) {
      const text = this.lines[j];
      const trimmed = text.trim();
      if (trimmed.startsWith('}')) {
        const col = text.indexOf('}');
        const closeRange = mkRange(j, col, col + 1);
        const rest = this.tokens(j).filter((t) => t.startOffset > col);
        this.unexpectedAfter(j, rest);
        return { node: { kind: 'InlineRules', openRange: open, closeRange, lines, range: this.span(open, closeRange) }, next: j + 1 };
      }
      // A block header here means the `}` of the rules was forgotten.
      if (/^\s*(server|category|device)\s+\S+\s*\{\s*$/.test(text)) break;
      lines.push({ line: j, text, range: mkRange(j, 0, text.length) });
      j++;
    }
    this.error(open, 'missing-close-brace', 'The inline rules are not closed: add a line with `}` after the last rule.');
    const end = lines.length ? lines[lines.length - 1].range : open;
    return { node: { kind: 'InlineRules', openRange: open, lines, range: this.span(open, end) }, next: j };
  }

  private parseList(line: number, toks: IToken[], openIndex: number, open: Range): { node: ListBlockNode; next: number; closed?: Range } {
    const items: ValueNode[] = [];
    let j = line;
    let k = openIndex + 1;
    let current = toks;
    for (;;) {
      for (; k < current.length; k++) {
        const t = current[k];
        if (t.tokenType === RCurly) {
          const closeRange = this.tokRange(j, t);
          const node: ListBlockNode = { kind: 'ListBlock', openRange: open, closeRange, items, range: this.span(open, closeRange) };
          const rest = current.slice(k + 1);
          // `services { store U } }` closes the enclosing block too.
          if (rest.length && rest[0].tokenType === RCurly) {
            this.unexpectedAfter(j, rest.slice(1));
            return { node, next: j + 1, closed: this.tokRange(j, rest[0]) };
          }
          this.unexpectedAfter(j, rest);
          return { node, next: j + 1 };
        }
        if (t.tokenType === LCurly) {
          // A run of `{` is one finding.
          if (k === 0 || current[k - 1].tokenType !== LCurly) {
            let last = k;
            while (last + 1 < current.length && current[last + 1].tokenType === LCurly) last++;
            this.error(this.span(this.tokRange(j, t), this.tokRange(j, current[last])), 'unexpected-brace', 'Unexpected `{`: blocks cannot be nested here.');
          }
          continue;
        }
        items.push(this.value(j, t));
      }
      j++;
      while (j < this.lines.length && this.tokens(j).length === 0) j++;
      if (j >= this.lines.length || this.looksLikeBlockStart(this.tokens(j))) break;
      current = this.tokens(j);
      k = 0;
    }
    this.error(open, 'missing-close-brace', 'This list is not closed: add `}`.');
    const end = items.length ? items[items.length - 1].range : open;
    return { node: { kind: 'ListBlock', openRange: open, items, range: this.span(open, end) }, next: j };
  }

  // ---- helpers ------------------------------------------------------------------------------

  private tokens(line: number): IToken[] {
    let toks = this.tokenCache.get(line);
    if (!toks) {
      toks = lexLine(this.lines[line]).tokens;
      this.tokenCache.set(line, toks);
    }
    return toks;
  }

  private value(line: number, t: IToken): ValueNode {
    const quoted = t.tokenType === QuotedString;
    const r = this.tokRange(line, t);
    if (quoted && !isTerminated(t.image)) {
      this.error(r, 'unterminated-string', 'This string has no closing `"`.');
    }
    return { text: t.image, value: quoted ? unquote(t.image) : t.image, quoted, range: r };
  }

  private unexpectedAfter(line: number, rest: IToken[]): void {
    if (rest.length === 0) return;
    const r = this.span(this.tokRange(line, rest[0]), this.tokRange(line, rest[rest.length - 1]));
    this.error(r, 'unexpected-text', 'Unexpected text after `}`: put it on its own line.');
  }

  private tokRange(line: number, t: IToken): Range {
    return mkRange(line, t.startOffset, t.startOffset + t.image.length);
  }

  private afterRange(line: number, t: IToken): Range {
    const end = t.startOffset + t.image.length;
    return mkRange(line, end, end);
  }

  private span(a: Range, b: Range): Range {
    return { start: a.start, end: b.end };
  }

  private error(range: Range, code: DeviceSyntaxCode, message: string): void {
    this.errors.push({ range, code, message });
  }
}

function exampleName(keyword: string): string {
  return keyword === 'device' ? 'CT1' : keyword === 'category' ? 'modalities' : 'main';
}
