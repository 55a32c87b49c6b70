/**
 * Semantic tokens for coercion rules. What TextMate cannot know comes from the tree and the
 * dictionary: control vs ordinary variables, retired tags and the retired split form
 * (modifier `deprecated`).
 */
import type { SemanticTokens } from 'vscode-languageserver/node';
import type { RuleFileNode, TagNode } from '../../../core/src/coercion/ast';
import { getDictionary } from '../../../core/src/dictionary/index';
import type { Range } from '../../../core/src/text/range';
import { modifierBits, tokenTypeIndex, type TokenModifier, type TokenType } from '../semanticLegend';
import { walkNode } from './syntax';
import type { SyntaxNode } from '../../../core/src/coercion/tree';

interface Token {
  line: number;
  start: number;
  length: number;
  type: TokenType;
  modifiers: TokenModifier[];
}

export function semanticTokensCoercion(file: RuleFileNode): SemanticTokens {
  const tokens: Token[] = [];
  const push = (r: Range, type: TokenType, modifiers: TokenModifier[] = []): void => {
    if (r.start.line !== r.end.line || r.end.character <= r.start.character) return;
    tokens.push({ line: r.start.line, start: r.start.character, length: r.end.character - r.start.character, type, modifiers });
  };
  /** Parts of a retired split form, marked when its node is visited (before its parts). */
  const retiredParts = new Set<SyntaxNode>();

  for (const line of file.lines) {
    if (line.kind === 'Comment') push(line.range, 'comment');
    if (line.kind !== 'Rule') continue;
    walkNode(line, (e: SyntaxNode) => {
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

  tokens.sort((a, b) => a.line - b.line || a.start - b.start);
  const data: number[] = [];
  let prevLine = 0;
  let prevStart = 0;
  let lastEnd = -1;
  for (const t of tokens) {
    if (t.line === prevLine && t.start < lastEnd) continue; // never overlap
    const deltaLine = t.line - prevLine;
    data.push(deltaLine, deltaLine === 0 ? t.start - prevStart : t.start, t.length, tokenTypeIndex(t.type), modifierBits(t.modifiers));
    prevLine = t.line;
    prevStart = t.start;
    lastEnd = t.start + t.length;
  }
  return { data };
}

function isRetired(tag: TagNode): boolean {
  if (tag.incomplete || tag.group < 0 || tag.element < 0) return false;
  return getDictionary().byTag(tag.group, tag.element)?.retired === true;
}
