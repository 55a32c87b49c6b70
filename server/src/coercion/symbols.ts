/** Document symbols (outline, breadcrumbs, Go to Symbol): one per rule, named by its target. */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { RuleFileNode, RuleNode } from '../../../core/src/coercion/ast';
import { getDictionary } from '../../../core/src/dictionary/index';
import { toLspRange } from '../convert';

/** Per rule node: the incremental parser reuses unchanged lines' nodes, so an edit costs one line. */
const cache = new WeakMap<RuleNode, DocumentSymbol>();

/** @param lineText text of a line, to name targets exactly as written */
export function documentSymbolsCoercion(file: RuleFileNode, lineText: (line: number) => string): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const line of file.lines) {
    if (line.kind !== 'Rule') continue;
    let symbol = cache.get(line);
    if (!symbol) cache.set(line, (symbol = symbolOf(line, lineText)));
    symbols.push(symbol);
  }
  return symbols;
}

function symbolOf(line: RuleNode, lineText: (line: number) => string): DocumentSymbol {
  const t = line.target;
  const text = lineText(t.range.start.line).slice(t.range.start.character, t.range.end.character).trim();
  let kind: SymbolKind = SymbolKind.Field;
  let detail: string | undefined;
  switch (t.kind) {
    case 'Tag': {
      const entry = t.incomplete ? undefined : getDictionary().byTag(t.group, t.element);
      detail = entry?.keyword || entry?.name;
      break;
    }
    case 'Seq': {
      const entry = t.leaf.incomplete ? undefined : getDictionary().byTag(t.leaf.group, t.leaf.element);
      kind = SymbolKind.Struct;
      detail = entry?.keyword || entry?.name;
      break;
    }
    case 'Variable':
      kind = t.isControl ? SymbolKind.Constant : SymbolKind.Variable;
      detail = t.isControl ? 'control variable' : 'variable';
      break;
    case 'User':
      kind = SymbolKind.Property;
      detail = 'user field';
      break;
    default:
      kind = SymbolKind.Null;
  }
  const range = toLspRange(line.range);
  const selection = t.range.end.character > t.range.start.character ? toLspRange(t.range) : range;
  return { name: text || `(rule on line ${line.range.start.line + 1})`, detail, kind, range, selectionRange: selection };
}
