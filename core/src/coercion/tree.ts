/**
 * Navigation of the coercion syntax tree: what hover, completion, signature help, rename and
 * validation need to find their way around (no LSP types here; positions are LSP-compatible).
 */
import { containsPosition, type Position, type Range } from '../text/range';
import type {
  CallNode,
  Expression,
  ItemIndexNode,
  LineNode,
  RuleFileNode,
  RuleNode,
  TagNode,
  VariableNode,
} from './ast';

/** Any node of the tree below the file: lines, expressions, SEQ step tags and item numbers. */
export type SyntaxNode = LineNode | Expression | TagNode | ItemIndexNode;

/** Direct children of a node, in source order. */
export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  switch (node.kind) {
    case 'Rule':
      return [node.target, node.value];
    case 'Call':
      return node.args;
    case 'RetiredSplit':
      return [node.source, node.delimiter, node.index];
    case 'Seq': {
      const out: SyntaxNode[] = [];
      for (const step of node.steps) {
        out.push(step.tag);
        if (step.item) out.push(step.item);
      }
      out.push(node.leaf);
      return out;
    }
    default:
      return [];
  }
}

/**
 * Visits `expr` and the expressions inside it (call arguments, parts of the retired split form),
 * parents before children. Returning `false` from `visit` skips the children of that node.
 * The tags inside `SEQ(...)` are not values and are reached through `SeqNode.steps`/`leaf`.
 */
export function walkExpression(
  expr: Expression,
  visit: (node: Expression, parent: Expression | undefined) => void | boolean,
  parent?: Expression,
): void {
  if (visit(expr, parent) === false) return;
  if (expr.kind === 'Call') {
    for (const arg of expr.args) walkExpression(arg, visit, expr);
  } else if (expr.kind === 'RetiredSplit') {
    walkExpression(expr.source, visit, expr);
    walkExpression(expr.delimiter, visit, expr);
    walkExpression(expr.index, visit, expr);
  }
}

/** The innermost node at a position, with its ancestors from the line down to its parent. */
export interface NodePath {
  node: SyntaxNode;
  ancestors: SyntaxNode[];
}

/**
 * The innermost node whose range contains `pos` (ends included, so a cursor right after a word
 * is on that word), and its ancestors. On a line, but outside every node of it, the line itself.
 * Undefined when the line does not exist.
 */
export function nodeAt(file: RuleFileNode, pos: Position): NodePath | undefined {
  const line = file.lines[pos.line];
  if (!line) return undefined;
  const ancestors: SyntaxNode[] = [];
  let node: SyntaxNode = line;
  for (;;) {
    const child: SyntaxNode | undefined = childrenOf(node).find((c) => containsPosition(c.range, pos));
    if (!child) return { node, ancestors };
    ancestors.push(node);
    node = child;
  }
}

/** The call whose parentheses hold a position, and which argument the position is in. */
export interface CallContext {
  call: CallNode;
  /** 0-based index of the argument at the position (commas before it). */
  activeArgument: number;
}

function insideParens(call: CallNode, pos: Position): boolean {
  const open = call.openParenRange;
  if (!open) return false;
  if (pos.line !== open.end.line || pos.character < open.end.character) return false;
  const close = call.closeParenRange;
  return !close || pos.character <= close.start.character;
}

/** The innermost call whose parentheses contain `pos` (for signature help), if any. */
export function callAt(file: RuleFileNode, pos: Position): CallContext | undefined {
  const path = nodeAt(file, pos);
  if (!path) return undefined;
  const chain = [...path.ancestors, path.node];
  for (let i = chain.length - 1; i >= 0; i--) {
    const n = chain[i];
    if (n.kind === 'Call' && insideParens(n, pos)) {
      const activeArgument = n.commaRanges.filter((c) => c.end.character <= pos.character).length;
      return { call: n, activeArgument };
    }
  }
  return undefined;
}

/** One use of a `$(name)` variable. */
export interface VariableOccurrence {
  name: string;
  node: VariableNode;
  /** Range of the whole `$(name)`; `node.nameRange` is the name alone. */
  range: Range;
  /** The rule the variable occurs in. */
  rule: RuleNode;
}

/** Where variables are set (rule targets) and read (values), each in source order. */
export interface VariableUses {
  assignments: VariableOccurrence[];
  reads: VariableOccurrence[];
}

export function variablesOf(file: RuleFileNode): VariableUses {
  const assignments: VariableOccurrence[] = [];
  const reads: VariableOccurrence[] = [];
  const occurrence = (node: VariableNode, rule: RuleNode): VariableOccurrence => ({
    name: node.name,
    node,
    range: node.range,
    rule,
  });
  for (const line of file.lines) {
    if (line.kind !== 'Rule') continue;
    if (line.target.kind === 'Variable') assignments.push(occurrence(line.target, line));
    walkExpression(line.value, (n) => {
      if (n.kind === 'Variable') reads.push(occurrence(n, line));
    });
  }
  return { assignments, reads };
}
