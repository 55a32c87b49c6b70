/**
 * Outline and folding of .pacs files. Symbols: the server, categories and devices (with their
 * type), each holding its fields; an inline rule block holds one symbol per rule (the coercion
 * outline). Folding: every multi-line block, list, inline rule block and run of comments.
 */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver/node';
import type { BlockNode, FieldNode } from '../../../core/src/devices/ast';
import { toLspRange } from '../convert';
import { documentSymbolsCoercion } from '../coercion/symbols';
import type { DeviceAnalysis } from './documents';

const BLOCK_KIND: Record<string, SymbolKind> = {
  server: SymbolKind.Module,
  category: SymbolKind.Namespace,
  device: SymbolKind.Object,
};

export function documentSymbolsDevices(a: DeviceAnalysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const block of a.parsed.ast.blocks) {
    const selection = block.name?.range ?? block.keywordRange;
    out.push({
      name: block.name ? `${block.keyword} ${block.name.value}` : block.keyword,
      detail: blockDetail(block),
      kind: BLOCK_KIND[block.keyword] ?? SymbolKind.Null,
      range: toLspRange(block.range),
      selectionRange: toLspRange(selection),
      children: block.fields.map((f) => fieldSymbol(a, f)),
    });
  }
  return out;
}

function blockDetail(block: BlockNode): string | undefined {
  const first = (key: string) => block.fields.find((f) => f.key === key)?.values[0]?.value;
  if (block.keyword === 'device') return [first('type'), first('ae')].filter(Boolean).join(' · ') || undefined;
  if (block.keyword === 'server') return first('ae');
  if (block.keyword === 'category') {
    const n = first('max-connections');
    return n !== undefined ? `max ${n} connections` : undefined;
  }
  return undefined;
}

function fieldSymbol(a: DeviceAnalysis, f: FieldNode): DocumentSymbol {
  const detail = f.block?.kind === 'ListBlock'
    ? f.block.items.map((i) => i.text).join(' ')
    : [...f.values.map((v) => v.text), f.block?.kind === 'InlineRules' ? '{ … }' : ''].filter(Boolean).join(' ');
  const symbol: DocumentSymbol = {
    name: f.key,
    detail: detail || undefined,
    kind: f.key === 'rules' ? SymbolKind.Function : SymbolKind.Property,
    range: toLspRange(f.range),
    selectionRange: toLspRange(f.keyRange),
  };
  if (f.block?.kind === 'InlineRules') {
    symbol.children = documentSymbolsCoercion(a.ruleTree(f.block), (line) => a.lineText(line));
  }
  return symbol;
}

export function foldingRangesDevices(a: DeviceAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  // The closing `}` stays visible: fold up to the line before it.
  const add = (start: number, close: number | undefined, last: number) => {
    const end = close !== undefined ? close - 1 : last;
    if (end > start) out.push({ startLine: start, endLine: end });
  };
  for (const block of a.parsed.ast.blocks) {
    add(block.keywordRange.start.line, block.closeRange?.start.line, block.range.end.line);
    for (const f of block.fields) {
      if (f.block) add(f.block.openRange.start.line, f.block.closeRange?.start.line, f.block.range.end.line);
    }
  }
  // Runs of two or more comment lines.
  let start = -1;
  for (let i = 0; i <= a.lines.length; i++) {
    const isComment = i < a.lines.length && /^\s*#/.test(a.lines[i]) && !a.inlineRulesAt(i);
    if (isComment && start < 0) start = i;
    if (!isComment && start >= 0) {
      if (i - 1 > start) out.push({ startLine: start, endLine: i - 1, kind: FoldingRangeKind.Comment });
      start = -1;
    }
  }
  return out.sort((x, y) => x.startLine - y.startLine);
}
