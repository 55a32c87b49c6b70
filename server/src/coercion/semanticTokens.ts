/**
 * Semantic tokens for coercion rules. What TextMate cannot know comes from the tree and the
 * dictionary: control vs ordinary variables, retired tags and the retired split form
 * (modifier `deprecated`).
 *
 * VS Code asks again after every edit, and a 10,000-rule file has ~100,000 tokens: tokens are
 * kept per line node (the incremental parser reuses the nodes of unchanged lines), so an edit
 * recomputes one line and the rest is concatenation.
 */
import type { SemanticTokens } from 'vscode-languageserver/node';
import type { LineNode, RuleFileNode, TagNode } from '../../../core/src/coercion/ast';
import type { SyntaxNode } from '../../../core/src/coercion/tree';
import { getDictionary } from '../../../core/src/dictionary/index';
import type { Range } from '../../../core/src/text/range';
import { modifierBits, tokenTypeIndex, type TokenModifier, type TokenType } from '../semanticLegend';
import { walkNode } from './syntax';

/**
 * Per line: the line's tokens already in LSP's relative encoding (5 numbers per token, the
 * first token's start absolute); only the first token's line delta depends on other lines.
 */
const lineCache = new WeakMap<LineNode, number[]>();

export function semanticTokensCoercion(file: RuleFileNode): SemanticTokens {
  const perLine: number[][] = new Array(file.lines.length);
  let total = 0;
  for (let i = 0; i < file.lines.length; i++) {
    const line = file.lines[i];
    let encoded = lineCache.get(line);
    if (!encoded) lineCache.set(line, (encoded = encodeLine(computeLine(line))));
    perLine[i] = encoded;
    total += encoded.length;
  }
  const data: number[] = new Array(total);
  let at = 0;
  let prevLine = 0;
  for (let i = 0; i < perLine.length; i++) {
    const encoded = perLine[i];
    if (encoded.length === 0) continue;
    data[at] = i - prevLine;
    for (let k = 1; k < encoded.length; k++) data[at + k] = encoded[k];
    at += encoded.length;
    prevLine = i;
  }
  return { data };
}

/** [start, length, type, modifiers]* → LSP's five numbers per token, line delta 0 throughout. */
function encodeLine(tokens: number[]): number[] {
  const out: number[] = [];
  let prevStart = 0;
  for (let i = 0; i < tokens.length; i += 4) {
    out.push(0, i === 0 ? tokens[i] : tokens[i] - prevStart, tokens[i + 1], tokens[i + 2], tokens[i + 3]);
    prevStart = tokens[i];
  }
  return out;
}

function computeLine(line: LineNode): number[] {
  const found: Array<[number, number, number, number]> = [];
  const push = (r: Range, type: TokenType, modifiers: TokenModifier[] = []): void => {
    if (r.start.line !== r.end.line || r.end.character <= r.start.character) return;
    found.push([r.start.character, r.end.character - r.start.character, tokenTypeIndex(type), modifierBits(modifiers)]);
  };
  if (line.kind === 'Comment') push(line.range, 'comment');
  if (line.kind === 'Rule') {
    /** Parts of a retired split form, marked when its node is visited (before its parts). */
    const retiredParts = new Set<SyntaxNode>();
    walkNode(line, (e) => {
      if (e.recovered) return;
      switch (e.kind) {
        case 'Tag':
          push(e.range, 'tag', retiredParts.has(e) || isRetired(e) ? ['deprecated'] : []);
          break;
        case 'Seq':
          push(e.keywordRange, 'keyword');
          break;
        case 'User':
          push({ start: e.range.start, end: { line: e.range.start.line, character: e.range.start.character + 4 } }, 'keyword');
          break;
        case 'Variable':
          push(e.range, e.isControl ? 'controlVariable' : 'variable');
          break;
        case 'String':
          push(e.range, 'string', retiredParts.has(e) ? ['deprecated'] : []);
          break;
        case 'Call':
          push(e.nameRange, 'function');
          break;
        case 'RetiredSplit':
          retiredParts.add(e.source);
          retiredParts.add(e.delimiter);
          retiredParts.add(e.index);
          break;
      }
    });
  }
  found.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let end = -1;
  for (const t of found) {
    if (t[0] < end) continue; // never overlap
    out.push(...t);
    end = t[0] + t[1];
  }
  return out;
}

const retiredCache = new Map<number, boolean>();

function isRetired(tag: TagNode): boolean {
  if (tag.incomplete || tag.group < 0 || tag.element < 0) return false;
  const key = tag.group * 0x10000 + tag.element;
  let retired = retiredCache.get(key);
  if (retired === undefined) {
    retired = getDictionary().byTag(tag.group, tag.element)?.retired === true;
    retiredCache.set(key, retired);
  }
  return retired;
}
