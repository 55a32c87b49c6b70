/**
 * Small queries over the coercion syntax tree that the editor services share: which node is
 * under the cursor, where variables are read and assigned. (Walks only; parsing is core's job.)
 */
import type { Expression, LineNode, RuleFileNode, RuleNode, TagNode, VariableNode } from '../../../core/src/coercion/ast';
import { containsPosition, type Position } from '../../../core/src/text/range';

/** Any node a cursor can sit on, including the steps of a SEQ path. */
export type SyntaxNode = Expression | RuleNode | { kind: 'ItemIndex'; range: RuleNode['range'] };

/** Direct children of an expression, in source order. */
export function childrenOf(e: Expression): Expression[] {
  switch (e.kind) {
    case 'Call':
      return e.args;
    case 'Seq':
      return [...e.steps.map((s) => s.tag), e.leaf];
    case 'RetiredSplit':
      return [e.source, e.delimiter, e.index];
    default:
      return [];
  }
}

/** Visits a rule's target and value, depth first (parents before children). */
export function walkRule(rule: RuleNode, visit: (e: Expression, parents: readonly Expression[]) => void): void {
  const parents: Expression[] = [];
  const go = (e: Expression): void => {
    visit(e, parents);
    parents.push(e);
    for (const c of childrenOf(e)) go(c);
    parents.pop();
  };
  go(rule.target as Expression);
  go(rule.value);
}

/** Innermost expression at `pos` on a rule line, with its ancestors (outermost first). */
export function expressionAt(line: LineNode | undefined, pos: Position): { node: Expression; parents: Expression[] } | undefined {
  if (!line || line.kind !== 'Rule') return undefined;
  let best: { node: Expression; parents: Expression[] } | undefined;
  walkRule(line, (e, parents) => {
    if (!e.recovered && containsPosition(e.range, pos)) best = { node: e, parents: [...parents] };
  });
  return best;
}

/** Every `$(name)` of a file: where it is assigned (rule targets) and where it is read. */
export interface VariableOccurrence {
  node: VariableNode;
  /** True for the target of a rule (`$(x)=...`). */
  isAssignment: boolean;
}

const occurrenceCache = new WeakMap<RuleFileNode, Map<string, VariableOccurrence[]>>();

/** Occurrences per variable name (case-sensitive, control variables keep their `@`), in source order. */
export function variableOccurrences(file: RuleFileNode): Map<string, VariableOccurrence[]> {
  let byName = occurrenceCache.get(file);
  if (byName) return byName;
  byName = new Map();
  for (const line of file.lines) {
    if (line.kind !== 'Rule') continue;
    walkRule(line, (e) => {
      if (e.kind !== 'Variable' || e.recovered || !e.name) return;
      let list = byName!.get(e.name);
      if (!list) byName!.set(e.name, (list = []));
      list.push({ node: e, isAssignment: e === line.target });
    });
  }
  occurrenceCache.set(file, byName);
  return byName;
}

/** The tag a cursor names: a plain tag, or one step / the leaf of a SEQ path. */
export function tagAt(node: Expression, pos: Position): TagNode | undefined {
  if (node.kind === 'Tag') return node;
  if (node.kind === 'Seq') {
    for (const t of [...node.steps.map((s) => s.tag), node.leaf]) if (containsPosition(t.range, pos)) return t;
  }
  if (node.kind === 'RetiredSplit' && containsPosition(node.source.range, pos)) return node.source;
  return undefined;
}
