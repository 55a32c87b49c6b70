/**
 * Typed syntax tree of the coercion-rule language (docs/coercion-language.md).
 *
 * A rule file is line-oriented: every physical line is one `Line` node, so a broken line never
 * disturbs its neighbours. Every node carries its exact source range (0-based, UTF-16, same as
 * LSP). Nodes that the parser had to invent while recovering from an error are marked
 * `recovered: true` and have an empty range at the place where something was expected.
 */
import type { SyntaxCode } from './diagnosticCodes';
import type { Range } from '../text/range';

export interface NodeBase {
  range: Range;
  /** Set when the parser could not find this node in the source and stood in for it. */
  recovered?: boolean;
}

/** `(gggg,eeee)` — a DICOM attribute, as lvalue or value. */
export interface TagNode extends NodeBase {
  kind: 'Tag';
  group: number;
  element: number;
  /** The tag exactly as written, e.g. `(0010,0010)`. */
  text: string;
  /** Set when the tag is half-typed (e.g. `(0010,`); a missing group/element is -1. */
  incomplete?: boolean;
}

/** One step of a SEQ path: sequence attribute and (for all but the last step) an item index. */
export interface SeqStep {
  /** The attribute at this level; group/element given as bare hex in `SEQ(...)`. */
  tag: TagNode;
  /** 0-based item number of the sequence `tag`; undefined for the final (leaf) attribute. */
  item?: ItemIndexNode;
}

export interface ItemIndexNode extends NodeBase {
  kind: 'ItemIndex';
  value: number;
  text: string;
}

/**
 * `SEQ(g1,e1, item1, g2,e2 [, item2, g3,e3 ...])`: attribute (g2,e2) inside item `item1` of
 * sequence (g1,e1). `steps` lists sequences with their items; `leaf` is the final attribute.
 * The synthesised TagNodes of the steps have ranges covering `g,e` in the source.
 */
export interface SeqNode extends NodeBase {
  kind: 'Seq';
  steps: SeqStep[];
  leaf: TagNode;
  /** Range of the `SEQ` keyword itself. */
  keywordRange: Range;
}

/** `USER(fieldName)` — a site-defined database field. */
export interface UserFieldNode extends NodeBase {
  kind: 'User';
  field: string;
  fieldRange: Range;
}

/** `$(name)`, or a control variable `$(@PROCESS)` / `$(@STUDYLEVELCOMMANDS)`. */
export interface VariableNode extends NodeBase {
  kind: 'Variable';
  /** Name without `$(` `)`; control variables keep their `@`, e.g. `@PROCESS`. */
  name: string;
  nameRange: Range;
  isControl: boolean;
}

export type LValue = TagNode | SeqNode | UserFieldNode | VariableNode;

/** `"..."` with escapes resolved in `value`. */
export interface QuotedStringNode extends NodeBase {
  kind: 'String';
  quoted: true;
  /** Value with `\n`, `\\`, `\"` resolved. */
  value: string;
  /** Source text including the quotes. */
  text: string;
}

/** A contiguous run of letters and digits used as a literal string, e.g. `ABC123`. */
export interface UnquotedStringNode extends NodeBase {
  kind: 'String';
  quoted: false;
  value: string;
  text: string;
}

export type StringNode = QuotedStringNode | UnquotedStringNode;

/** `name(arg, ...)`. `name` keeps the case the user typed; lookup is case-insensitive. */
export interface CallNode extends NodeBase {
  kind: 'Call';
  name: string;
  nameRange: Range;
  args: Expression[];
  /** Range of `(`; undefined when missing. */
  openParenRange?: Range;
  /** Range of `)`; undefined when missing (a quick fix adds it). */
  closeParenRange?: Range;
  /** Ranges of the commas between arguments, in order (for signature help). */
  commaRanges: Range[];
}

/**
 * Retired split form `(gggg,eeee),"d",n`: n-th field of the attribute's value split on d.
 * Only valid as the whole right-hand side of a rule.
 */
export interface RetiredSplitNode extends NodeBase {
  kind: 'RetiredSplit';
  source: TagNode;
  delimiter: StringNode;
  index: StringNode;
}

/** Placeholder where an expression was required but the source had none (or garbage). */
export interface MissingNode extends NodeBase {
  kind: 'Missing';
  recovered: true;
}

export type Expression =
  | TagNode
  | SeqNode
  | UserFieldNode
  | VariableNode
  | StringNode
  | CallNode
  | RetiredSplitNode
  | MissingNode;

export interface SyntaxErrorInfo {
  range: Range;
  message: string;
  /** Stable code, e.g. `syntax` or `split-rule` (diagnosticCodes.ts, docs/diagnostics.md). */
  code: SyntaxCode;
  /** What a quick fix needs, e.g. `{ insert: ')', at: Position }` for `missing-paren`. */
  data?: unknown;
}

/** `lvalue = expression` on one line. */
export interface RuleNode extends NodeBase {
  kind: 'Rule';
  /** An unquoted word as target (e.g. `PatientName=...`) is kept so that validation can offer
   *  the tag for a keyword instead of a bare syntax error. */
  target: LValue | UnquotedStringNode | MissingNode;
  equalsRange?: Range;
  value: Expression;
}

/** `# ...` — a whole-line comment (eRAD 7.3 and later). */
export interface CommentNode extends NodeBase {
  kind: 'Comment';
  text: string;
}

/** A line that holds only white space. */
export interface BlankNode extends NodeBase {
  kind: 'Blank';
}

/** A line the parser could not make into a rule at all (e.g. no `=`); errors say why. */
export interface InvalidLineNode extends NodeBase {
  kind: 'Invalid';
  text: string;
}

export type LineNode = RuleNode | CommentNode | BlankNode | InvalidLineNode;

export interface RuleFileNode {
  kind: 'RuleFile';
  /** One entry per physical line, index = 0-based line number. */
  lines: LineNode[];
  /** Syntax errors of all lines, in source order. */
  errors: SyntaxErrorInfo[];
}

/** All rules of a file, in order. */
export function rulesOf(file: RuleFileNode): RuleNode[] {
  return file.lines.filter((l): l is RuleNode => l.kind === 'Rule');
}
