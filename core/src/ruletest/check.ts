/**
 * Running one case: give the attributes, run the rules, compare with what the case expects.
 * Pure: the caller hands over the data set (a sample read from disk, or an empty one) and the
 * recorded snapshot; nothing here reads or writes files.
 */
import { AccessRefusal, formatRef, type AttributeRef, type DatasetAccess } from '../coercion/datasetAccess';
import { evaluateRules, type EvaluationResult, type RuleSetInput, type Value } from '../coercion/evaluate';
import type { RuleFileNode, RuleNode } from '../coercion/ast';
import type { Range } from '../text/range';
import type { AttributeNode, TestCase, ValueNode } from './ast';
import { VALUE_VARIABLE } from './parser';
import { snapshotOf } from './snapshot';

export interface CaseFailure {
  /** The line that failed: an `expect` line, a `with` line, or the `case` line. */
  range: Range;
  message: string;
  /** For a failed comparison: what the case expected and what the rules gave, as displayed. */
  expected?: string;
  actual?: string;
  /** Set for a snapshot failure: expected and actual are whole snapshot texts (show a diff). */
  snapshot?: boolean;
}

export interface CaseResult {
  name: string;
  range: Range;
  passed: boolean;
  failures: CaseFailure[];
  /** Undefined when the case could not run (its data set could not be made). */
  result?: EvaluationResult;
  /** The changes as a snapshot records them (snapshot.ts), for `expect snapshot` and --update. */
  snapshot?: string;
}

/** How a value is shown in a message: `"A123"`, `""` or `absent`. */
export function showValue(v: Value): string {
  return v === null ? 'absent' : JSON.stringify(v);
}

/** A one-rule file `$(v)=EXPR`, made once per value node: evaluating it gives the value. */
const valueFiles = new WeakMap<ValueNode, RuleFileNode>();

/** The value of a `with`/`expect` value, computed on `dataset` as it is now. */
export function valueOf(node: ValueNode, dataset: DatasetAccess): Value {
  if (node.kind === 'absent') return null;
  let file = valueFiles.get(node);
  if (!file) {
    const rule: RuleNode = {
      kind: 'Rule',
      target: { kind: 'Variable', name: VALUE_VARIABLE, isControl: false, range: node.range, nameRange: node.range },
      value: node.expression,
      range: node.range,
    } as RuleNode;
    valueFiles.set(node, (file = { kind: 'RuleFile', lines: [rule], errors: [] }));
  }
  const result = evaluateRules([{ name: 'value', file }], dataset);
  const failed = result.trace.find((t) => t.outcome === 'error');
  if (failed) throw new AccessRefusal(`the value ${node.text} cannot be computed: ${failed.reason}`, 'error');
  return result.variables[VALUE_VARIABLE] ?? null;
}

function describe(attr: AttributeNode): string {
  const ref = attr.ref!;
  const canonical = formatRef(ref);
  return attr.text === canonical ? canonical : `${attr.text} ${canonical}`;
}

/**
 * Runs `testCase` on `dataset` (changed in place). `recorded` is the case's snapshot from the
 * last --update (undefined: none yet). Cases whose lines have syntax errors are not run by the
 * caller; here every attribute is known.
 */
export function runCase(testCase: TestCase, ruleSets: RuleSetInput[], dataset: DatasetAccess, recorded: string | undefined): CaseResult {
  const failures: CaseFailure[] = [];
  const done = (result?: EvaluationResult, snapshot?: string): CaseResult => ({
    name: testCase.name, range: testCase.range, passed: failures.length === 0, failures, result, snapshot,
  });

  for (const given of testCase.given) {
    try {
      const v = valueOf(given.value, dataset);
      if (v === null) dataset.delete(given.attribute.ref!);
      else dataset.set(given.attribute.ref!, v);
    } catch (error) {
      if (!(error instanceof AccessRefusal)) throw error;
      failures.push({ range: given.range, message: `cannot give ${describe(given.attribute)}: ${error.message}` });
    }
  }
  if (failures.length) return done();

  // Expected values and "unchanged" refer to the object as the case gave it, before the rules.
  const expectedBefore = new Map<(typeof testCase.expects)[number], Value>();
  for (const e of testCase.expects) {
    try {
      if (e.kind === 'value') expectedBefore.set(e, valueOf(e.value, dataset));
      else if (e.kind === 'unchanged') expectedBefore.set(e, dataset.get(e.attribute.ref!));
    } catch (error) {
      if (!(error instanceof AccessRefusal)) throw error;
      failures.push({ range: e.range, message: error.message });
    }
  }
  if (failures.length) return done();

  const result = evaluateRules(ruleSets, dataset);
  const snapshot = snapshotOf(result);
  for (const t of result.trace) {
    if (t.outcome !== 'error') continue;
    failures.push({ range: testCase.range, message: `rule ${t.target} (${t.ruleSet}, line ${t.line + 1}) failed: ${t.reason}` });
  }

  const stopExpected = testCase.expects.some((e) => e.kind === 'stopped' && e.stopped);
  const by = result.stoppedBy;
  const stopText = by ? `stopped by the ${by.ruleSet} rules, line ${by.line + 1} ($(@PROCESS) became NULL)` : 'stored';
  let stopReported = false;
  for (const e of testCase.expects) {
    switch (e.kind) {
      case 'stopped':
        if (e.stopped !== result.stopped) {
          failures.push({
            range: e.range,
            message: e.stopped ? 'expected the object to be stopped, but the rules let it through' : `expected the object to be stored, but it was ${stopText}`,
            expected: e.stopped ? 'stopped' : 'stored',
            actual: result.stopped ? 'stopped' : 'stored',
          });
        }
        break;
      case 'snapshot':
        if (recorded === undefined) {
          failures.push({ range: e.range, message: 'no snapshot recorded yet: run `pacsw test --update` (or Update Snapshots in the Test Explorer) and review the .snap file', actual: snapshot, snapshot: true });
        } else if (recorded !== snapshot) {
          failures.push({ range: e.range, message: 'the changes differ from the snapshot; if the new result is right, accept it with `pacsw test --update`', expected: recorded, actual: snapshot, snapshot: true });
        }
        break;
      case 'value':
      case 'unchanged': {
        if (result.stopped && !stopExpected) {
          if (!stopReported) failures.push({ range: e.range, message: `the object was ${stopText}, so it is not stored; add \`expect stopped\` if that is intended`, expected: 'stored', actual: 'stopped' });
          stopReported = true;
          break;
        }
        const expected = expectedBefore.get(e) ?? null;
        const actual = dataset.get(e.attribute.ref!);
        if (actual !== expected) {
          const change = result.changes.find((c) => sameRef(c.ref, e.attribute.ref!));
          const why = change ? ` (changed by the ${change.ruleSet} rules, line ${change.line + 1})` : ' (no rule changed it)';
          const what = e.kind === 'unchanged' ? 'unchanged' : showValue(expected);
          failures.push({ range: e.range, message: `${describe(e.attribute)}: expected ${what}, got ${showValue(actual)}${why}`, expected: showValue(expected), actual: showValue(actual) });
        }
        break;
      }
    }
  }
  return done(result, snapshot);
}

function sameRef(a: AttributeRef, b: AttributeRef): boolean {
  return a.group === b.group && a.element === b.element && a.sequence.length === b.sequence.length
    && a.sequence.every((s, i) => s.group === b.sequence[i].group && s.element === b.sequence[i].element && s.item === b.sequence[i].item);
}
