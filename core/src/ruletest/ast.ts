/**
 * The syntax tree of a rule-test file (`*.coerce-test`, docs/rule-tests.md). One fact per line:
 * which rules run, then cases; a case starts from a sample and/or attributes given inline and
 * lists what it expects.
 */
import type { AttributeRef } from '../coercion/datasetAccess';
import type { Expression } from '../coercion/ast';
import type { Range } from '../text/range';

/** `rules "file.coerce"` or `rules device CT1 in "devices/hospital.pacs"`. */
export type RulesSource =
  | { kind: 'file'; path: string; pathRange: Range; range: Range }
  | { kind: 'device'; device: string; deviceRange: Range; table: string; tableRange: Range; range: Range };

/** An attribute as written: `(0008,0050)`, `SEQ(0040,0275,0,0040,1001)` or a keyword such as `AccessionNumber`. */
export interface AttributeNode {
  text: string;
  range: Range;
  /** Undefined when the text names no attribute (an unknown keyword); the parser reported it. */
  ref?: AttributeRef;
}

/** A value: `absent`, or a coercion expression (a string, `""`, or e.g. `concat("EXT-",(0008,0050))`). */
export type ValueNode =
  | { kind: 'absent'; range: Range }
  | { kind: 'expression'; text: string; expression: Expression; range: Range };

/** `from "samples/ct.dcm"`: the case starts from this file (relative to the test file). */
export interface SampleLine {
  path: string;
  pathRange: Range;
  range: Range;
}

/** `with AccessionNumber "A123"` or `with (0008,0090) absent`: set before the rules run. */
export interface GivenLine {
  attribute: AttributeNode;
  value: ValueNode;
  range: Range;
}

export type Expectation =
  /** `expect ATTR is VALUE` / `expect ATTR is absent`: the value after the rules. */
  | { kind: 'value'; attribute: AttributeNode; value: ValueNode; range: Range }
  /** `expect ATTR is unchanged`: the rules leave it as the case gave it. */
  | { kind: 'unchanged'; attribute: AttributeNode; range: Range }
  /** `expect stopped` / `expect not stopped`: whether $(@PROCESS) became NULL. */
  | { kind: 'stopped'; stopped: boolean; range: Range }
  /** `expect snapshot`: the same changes as recorded last time (`pacsw test --update`). */
  | { kind: 'snapshot'; range: Range };

export interface TestCase {
  name: string;
  nameRange: Range;
  /** The `case` line. */
  range: Range;
  /** 0-based line of the case's last line (blank lines and comments after it excluded). */
  lastLine: number;
  sample?: SampleLine;
  given: GivenLine[];
  expects: Expectation[];
}

/** What each physical line is, for formatting and editor features. */
export type TestLine =
  | { kind: 'blank' }
  | { kind: 'comment'; text: string }
  | { kind: 'rules'; node: RulesSource }
  | { kind: 'case'; node: TestCase }
  | { kind: 'from'; node: SampleLine }
  | { kind: 'with'; node: GivenLine }
  | { kind: 'expect'; node: Expectation }
  | { kind: 'invalid'; text: string };

export interface RuleTestFile {
  rules?: RulesSource;
  cases: TestCase[];
  /** One entry per physical line, index = 0-based line number. */
  lines: TestLine[];
}
