/**
 * What is at a position of a .pacs file. `locate` works on the tree (hover, definition,
 * references: the thing under the cursor exists). `completionContext` works on the line's
 * words before the cursor, because while typing the field is half-written and the tree may
 * have attached it somewhere else.
 */
import type { Position } from 'vscode-languageserver/node';
import type { BlockNode, FieldNode, InlineRulesNode, ListBlockNode, ValueNode } from '../../../core/src/devices/ast';
import { containsPosition, range as mkRange, type Range } from '../../../core/src/text/range';
import { lexLine, LCurly, RCurly } from '../../../core/src/devices/lexer';
import { lastRuleLine, type DeviceAnalysis } from './documents';

export type Located =
  | { part: 'keyword'; block: BlockNode }
  | { part: 'name'; block: BlockNode; name: ValueNode }
  | { part: 'key'; block: BlockNode; field: FieldNode }
  | { part: 'value'; block: BlockNode; field: FieldNode; value: ValueNode; index: number }
  | { part: 'item'; block: BlockNode; field: FieldNode; item: ValueNode; items: ValueNode[]; index: number }
  | { part: 'rules'; block: BlockNode; field: FieldNode; rules: InlineRulesNode };

/** The block, field and word under `p`, or undefined for white space and comments. */
export function locate(a: DeviceAnalysis, p: Position): Located | undefined {
  const rules = a.inlineRulesAt(p.line);
  if (rules) return { part: 'rules', ...rules };
  for (const block of a.parsed.ast.blocks) {
    if (!containsPosition(block.range, p)) continue;
    if (containsPosition(block.keywordRange, p)) return { part: 'keyword', block };
    if (block.name && containsPosition(block.name.range, p)) return { part: 'name', block, name: block.name };
    for (const field of block.fields) {
      if (!containsPosition(field.range, p)) continue;
      if (containsPosition(field.keyRange, p)) return { part: 'key', block, field };
      const index = field.values.findIndex((v) => containsPosition(v.range, p));
      if (index >= 0) return { part: 'value', block, field, value: field.values[index], index };
      if (field.block?.kind === 'ListBlock') {
        const items = field.block.items;
        const i = items.findIndex((v) => containsPosition(v.range, p));
        if (i >= 0) return { part: 'item', block, field, item: items[i], items, index: i };
      }
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

export type CompletionContext =
  | { kind: 'none' }
  /** Start of a line outside any block: block keywords. */
  | { kind: 'top'; replace: Range }
  /** Start of a line inside a block: field names of that block. */
  | { kind: 'field'; block: BlockNode; replace: Range }
  /** A field's value number `index` (0-based) after `key`; `before` are the values already written. */
  | { kind: 'value'; block: BlockNode; key: string; index: number; before: string[]; replace: Range; typed: string }
  /** An item of a `services { }` or `limits { }` list; `before` are the items before the cursor. */
  | { kind: 'list'; block: BlockNode; key: string; before: string[]; replace: Range }
  /** Inside an inline `rules { }` block: the coercion language's completion takes over. */
  | { kind: 'rules'; rules: InlineRulesNode };

/** The lines a block owns: from its keyword to its `}`, or up to the next block when unclosed. */
function blockAt(a: DeviceAnalysis, line: number): BlockNode | undefined {
  const blocks = a.parsed.ast.blocks;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const first = b.keywordRange.start.line;
    const last = b.closeRange
      ? b.closeRange.start.line
      : i + 1 < blocks.length ? blocks[i + 1].keywordRange.start.line - 1 : a.lines.length - 1;
    if (line >= first && line <= last) return b;
  }
  return undefined;
}

/** The list block whose inside (after `{`, before `}`) holds `p`. */
function listAt(block: BlockNode, p: Position, a: DeviceAnalysis): { field: FieldNode; list: ListBlockNode } | undefined {
  const fields = block.fields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const list = field.block;
    if (list?.kind !== 'ListBlock') continue;
    const afterOpen = p.line > list.openRange.end.line || (p.line === list.openRange.end.line && p.character >= list.openRange.end.character);
    const end = list.closeRange?.start
      ?? { line: i + 1 < fields.length ? fields[i + 1].range.start.line - 1 : (block.closeRange?.start.line ?? a.lines.length) - 1, character: Number.MAX_SAFE_INTEGER };
    const beforeClose = p.line < end.line || (p.line === end.line && p.character <= end.character);
    if (afterOpen && beforeClose) return { field, list };
  }
  return undefined;
}

export function completionContext(a: DeviceAnalysis, p: Position): CompletionContext {
  const lineText = a.lineText(p.line);
  const before = lineText.slice(0, p.character);
  if (before.includes('#') && /^[^"]*#/.test(before)) return { kind: 'none' };

  const inline = a.inlineRulesAt(p.line);
  if (inline) return { kind: 'rules', rules: inline.rules };

  // Words on the line; the one touching the cursor is being typed.
  const tokens = lexLine(lineText).tokens;
  const typedTok = tokens.find((t) => t.startOffset < p.character && t.startOffset + t.image.length >= p.character && t.tokenType !== LCurly && t.tokenType !== RCurly);
  const replace = typedTok
    ? mkRange(p.line, typedTok.startOffset, typedTok.startOffset + typedTok.image.length)
    : mkRange(p.line, p.character, p.character);
  const typed = typedTok ? lineText.slice(typedTok.startOffset, p.character) : '';
  let prior = tokens.filter((t) => t.startOffset + t.image.length < p.character || (t.startOffset + t.image.length === p.character && t !== typedTok));
  if (prior.some((t) => t.tokenType === RCurly)) return { kind: 'none' };

  const block = blockAt(a, p.line);
  if (!block) return prior.length === 0 ? { kind: 'top', replace } : { kind: 'none' };
  if (block.closeRange && p.line === block.closeRange.start.line && p.character > block.closeRange.start.character) return { kind: 'none' };

  const list = listAt(block, p, a);
  if (list) {
    const before = list.list.items.filter((v) => v.range.end.line < p.line || (v.range.end.line === p.line && v.range.end.character < p.character) || (v.range.end.line === p.line && v.range.end.character === p.character && !typedTok))
      .map((v) => v.value);
    return { kind: 'list', block, key: list.field.key, before, replace };
  }

  if (p.line === block.keywordRange.start.line) {
    const open = prior.findIndex((t) => t.tokenType === LCurly);
    if (open < 0) return prior.length === 0 ? { kind: 'top', replace } : { kind: 'none' };
    // `category c { max-connections 8 }`: a field after the header's `{`.
    prior = prior.slice(open + 1);
  } else if (prior.some((t) => t.tokenType === LCurly)) {
    return { kind: 'none' };
  }
  if (prior.length === 0) return { kind: 'field', block, replace };
  const words = prior.map((t) => (t.image.startsWith('"') ? t.image.replace(/^"|"$/g, '') : t.image));
  return { kind: 'value', block, key: words[0], index: words.length - 1, before: words.slice(1), replace, typed };
}
