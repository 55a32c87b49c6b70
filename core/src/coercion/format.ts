/**
 * Formatter of coercion rules. It never changes what a rule means:
 * - white space between tokens is removed (eRAD's documented rules have none; inside quoted
 *   strings it is kept), trailing white space is trimmed, blank lines become empty;
 * - hex digits of tags, also the bare ones inside `SEQ(...)`, are upper-cased, and so are the
 *   `SEQ` and `USER` keywords (we read them in any case; eRAD documents them upper-case);
 * - a comment keeps its text but starts at column 0 (eRAD's help speaks of a line starting
 *   with `#`);
 * - a line with a syntax error is left exactly as it is, and line endings are kept as they are.
 */
import type { IToken } from 'chevrotain';
import type { LineNode } from './ast';
import { lexLine, VariableStart, Word } from './lexer';
import { parseRuleFile } from './fileParser';
import { parseRuleLine } from './lineParser';
import { childrenOf, type SyntaxNode } from './tree';

const BOM = '\uFEFF';

/** Where upper-casing applies: spans of tags (hex digits) and starts of SEQ/USER keywords. */
interface UpperCaseSpots {
  tagSpans: Array<[number, number]>;
  keywordStarts: Set<number>;
}

function upperCaseSpots(node: LineNode): UpperCaseSpots {
  const spots: UpperCaseSpots = { tagSpans: [], keywordStarts: new Set() };
  const visit = (n: SyntaxNode): void => {
    if (n.kind === 'Tag') spots.tagSpans.push([n.range.start.character, n.range.end.character]);
    else if (n.kind === 'Seq') spots.keywordStarts.add(n.keywordRange.start.character);
    else if (n.kind === 'User') spots.keywordStarts.add(n.range.start.character);
    for (const c of childrenOf(n)) visit(c);
  };
  visit(node);
  return spots;
}

function formatTokens(tokens: IToken[], node: LineNode): string {
  const spots = upperCaseSpots(node);
  let out = '';
  for (const t of tokens) {
    let image = t.image;
    if (t.tokenType === Word) {
      const inTag = spots.tagSpans.some(([s, e]) => t.startOffset >= s && t.startOffset < e);
      if (inTag || spots.keywordStarts.has(t.startOffset)) image = image.toUpperCase();
    } else if (t.tokenType === VariableStart) {
      image = image.replace(/[ \t]/g, '');
    }
    out += image;
  }
  return out;
}

/** Formats a line whose parse (`node`) had no syntax errors. */
function formatCleanLine(lineText: string, node: LineNode): string {
  switch (node.kind) {
    case 'Blank':
      return '';
    case 'Comment':
      return node.text.trimEnd();
    case 'Invalid':
      return lineText;
    case 'Rule':
      return formatTokens(lexLine(lineText), node);
  }
}

/** Formats one line (without its line break); a line with a syntax error comes back unchanged. */
export function formatRuleLine(lineText: string): string {
  const { node, errors } = parseRuleLine(lineText, 0);
  return errors.length > 0 ? lineText : formatCleanLine(lineText, node);
}

/** Formats a whole rule file; lines with syntax errors (also `split-rule`) stay as they are. */
export function formatRuleFile(text: string): string {
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = bom ? text.slice(1) : text;
  const file = parseRuleFile(body);
  const errorLines = new Set(file.errors.map((e) => e.range.start.line));
  // Odd indices of the split are the line breaks themselves, kept as written.
  const parts = body.split(/(\r\n|\r|\n)/);
  let out = bom;
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 1) {
      out += parts[i];
      continue;
    }
    const line = i / 2;
    out += errorLines.has(line) ? parts[i] : formatCleanLine(parts[i], file.lines[line]);
  }
  return out;
}
