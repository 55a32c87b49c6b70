/**
 * Outline of .pacs files: the server, categories and devices (with their type), each holding its
 * fields; an inline rule block holds one symbol per rule (the coercion outline).
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
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
