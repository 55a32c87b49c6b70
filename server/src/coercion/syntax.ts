/**
 * Editor-side views of core's tree utilities (core/src/coercion/tree.ts): variables grouped by
 * name with reads and assignments in source order, and the tag a cursor names.
 */
import type { Expression, RuleFileNode, TagNode, VariableNode } from '../../../core/src/coercion/ast';
import { childrenOf, variablesOf, type SyntaxNode } from '../../../core/src/coercion/tree';
import { comparePositions, containsPosition, type Position } from '../../../core/src/text/range';

/** Visits a node and everything below it (SEQ step tags and item numbers too), parents first. */
export function walkNode(node: SyntaxNode, visit: (n: SyntaxNode) => void): void {
  visit(node);
  for (const c of childrenOf(node)) walkNode(c, visit);
}

export interface VariableOccurrence {
  node: VariableNode;
  /** True for the target of a rule (`$(x)=...`). */
  isAssignment: boolean;
}

const occurrenceCache = new WeakMap<RuleFileNode, Map<string, VariableOccurrence[]>>();

/** Occurrences per variable name (case-sensitive; control variables keep their `@`), in source order. */
export function variableOccurrences(file: RuleFileNode): Map<string, VariableOccurrence[]> {
  let byName = occurrenceCache.get(file);
  if (byName) return byName;
  byName = new Map();
  const { assignments, reads } = variablesOf(file);
  const all = [
    ...assignments.map((o) => ({ node: o.node, isAssignment: true })),
    ...reads.map((o) => ({ node: o.node, isAssignment: false })),
  ].filter((o) => !o.node.recovered && o.node.name);
  all.sort((a, b) => comparePositions(a.node.range.start, b.node.range.start));
  for (const o of all) {
    let list = byName.get(o.node.name);
    if (!list) byName.set(o.node.name, (list = []));
    list.push(o);
  }
  occurrenceCache.set(file, byName);
  return byName;
}

/** The tag a cursor names: a plain tag, a step or the leaf of a SEQ path, the source of a retired split. */
export function tagAt(node: SyntaxNode | Expression, pos: Position): TagNode | undefined {
  if (node.kind === 'Tag') return node;
  if (node.kind === 'Seq') {
    for (const t of [...node.steps.map((s) => s.tag), node.leaf]) if (containsPosition(t.range, pos)) return t;
  }
  if (node.kind === 'RetiredSplit' && containsPosition(node.source.range, pos)) return node.source;
  return undefined;
}
