/**
 * The rule evaluator: runs rule sets against one data set with the semantics of eRAD's coercion
 * language (docs/rule-engine.md lists every decision taken where the public help is silent).
 *
 * - NULL (`null`) and "" are different; a condition is true when it is not NULL.
 * - Rules run top to bottom, rule set after rule set (Preceding Global, device, Trailing Global);
 *   a later rule sees what earlier ones did.
 * - A rule whose target sequence or item is absent is skipped; a SEQ value that is absent is NULL.
 * - `$(@PROCESS)=NULL()` stops the object: no later rule runs, and the object is not stored.
 * - Only string attributes are written; anything else is skipped with the reason in the trace.
 * - A rule that has a syntax error, or whose evaluation fails, is skipped (outcome `error`); the
 *   rules after it still run.
 */
import { AccessRefusal, formatRef, refKey, type AttributeRef, type DatasetAccess } from './datasetAccess';
import type { CallNode, Expression, LValue, RuleFileNode, RuleNode, SeqNode, TagNode } from './ast';
import { rulesOf } from './ast';
import { lookupFunction } from './functions';
import { IMPLEMENTATIONS, RuleEvaluationError, type FunctionContext, type Impl, type Value } from './evaluateFunctions';

export { IMPLEMENTATIONS } from './evaluateFunctions';
export type { Value } from './evaluateFunctions';

export interface RuleSetInput {
  /** Shown in the trace, e.g. "Preceding Global", "CT_SCANNER", or a file name. */
  name: string;
  file: RuleFileNode;
  uri?: string;
}

export interface EvaluateOptions {
  /** Values of USER(field) database fields; absent fields read as NULL. */
  userFields?: Record<string, string>;
  /** Makes codenumber/codestring output site-specific; same key and input, same output. */
  pseudonymKey?: string;
}

export type TraceOutcome = 'assigned' | 'deleted' | 'skipped' | 'stopped' | 'unchanged' | 'error';

export interface TraceEntry {
  ruleSet: string;
  uri?: string;
  /** 0-based line in the rule file (as in the syntax tree and LSP ranges). */
  line: number;
  /** The target as the language writes it: `(0010,0010)`, `SEQ(...)`, `$(name)`, `USER(f)`. */
  target: string;
  /** The value the rule computed (NULL for a deletion); null when evaluation failed. */
  value: Value;
  outcome: TraceOutcome;
  reason?: string;
}

export interface AttributeChange {
  ref: AttributeRef;
  /** `formatRef(ref)`, e.g. `(0010,0010)`. */
  path: string;
  /** Value before the first rule ran (null: absent). */
  before: Value;
  /** Value after the last rule (null: deleted). */
  after: Value;
  /** The last rule that changed the attribute. */
  ruleSet: string;
  uri?: string;
  line: number;
}

export interface EvaluationResult {
  stopped: boolean;
  /** The rule that set $(@PROCESS) to NULL. */
  stoppedBy?: { ruleSet: string; uri?: string; line: number };
  /** Attributes whose final value differs from the original, in order of first change. */
  changes: AttributeChange[];
  trace: TraceEntry[];
  /** Temporary and control variables at the end (never written to the object). */
  variables: Record<string, Value>;
  /** Number of trace entries with outcome `error`. */
  errors: number;
}

/** Rule sets in the order the server runs them; absent sets are left out. */
export function orderedRuleSets(sets: { preceding?: RuleSetInput; device?: RuleSetInput; trailing?: RuleSetInput }): RuleSetInput[] {
  return [sets.preceding, sets.device, sets.trailing].filter((s): s is RuleSetInput => s !== undefined);
}

const PROCESS = '@PROCESS';

/** Why a rule is not run as written: a node the parser stood in for, or a half-typed tag. */
function brokenNode(node: Expression | LValue | RuleNode['target']): boolean {
  if (node.recovered) return true;
  switch (node.kind) {
    case 'Tag': return node.incomplete === true || node.group < 0 || node.element < 0;
    case 'Seq': return node.leaf.incomplete === true || node.steps.some((s) => s.tag.incomplete || s.item === undefined || s.item.recovered);
    case 'Call': return node.closeParenRange === undefined || node.args.some(brokenNode);
    case 'RetiredSplit': return brokenNode(node.source) || node.delimiter.recovered === true || node.index.recovered === true;
    default: return false;
  }
}

/** References by syntax node, made once: a batch runs the same rules on every file. */
const refs = new WeakMap<TagNode | SeqNode, AttributeRef>();
const refKeys = new WeakMap<AttributeRef, string>();

/** refKey, remembered for the (per-rule) reference objects. */
function keyOf(ref: AttributeRef): string {
  let key = refKeys.get(ref);
  if (key === undefined) refKeys.set(ref, (key = refKey(ref)));
  return key;
}

function tagRef(t: TagNode): AttributeRef {
  let ref = refs.get(t);
  if (!ref) refs.set(t, (ref = { sequence: [], group: t.group, element: t.element }));
  return ref;
}

function seqRef(s: SeqNode): AttributeRef {
  let ref = refs.get(s);
  if (!ref) {
    ref = {
      sequence: s.steps.map((step) => ({ group: step.tag.group, element: step.tag.element, item: step.item?.value ?? 0 })),
      group: s.leaf.group,
      element: s.leaf.element,
    };
    refs.set(s, ref);
  }
  return ref;
}

/** What a call resolves to: if(), another function's implementation, or why it cannot run. */
const IF: Impl = () => null;
const calls = new WeakMap<CallNode, Impl | string>();

/** The function a call names and its argument count checked, worked out once per call in the rule (not per object). */
function resolvedCall(e: CallNode): Impl | string {
  let call = calls.get(e);
  if (call === undefined) {
    const info = lookupFunction(e.name);
    if (!info) call = `unknown function ${e.name}()`;
    else if (e.args.length < info.minArgs || e.args.length > info.maxArgs) {
      const expected = info.maxArgs === Infinity ? `at least ${info.minArgs}` : info.minArgs === info.maxArgs ? `${info.minArgs}` : `${info.minArgs} to ${info.maxArgs}`;
      call = `${info.name}() takes ${expected} argument${expected === '1' ? '' : 's'}, not ${e.args.length}`;
    } else call = info.name === 'if' ? IF : IMPLEMENTATIONS[info.name] ?? `${info.name}() has no implementation`;
    calls.set(e, call);
  }
  return call;
}

/** The skip reason of a rule whose sequence item is absent, made once per target. */
const absentReasons = new WeakMap<SeqNode, string>();
function absentItemReason(target: SeqNode): string {
  let reason = absentReasons.get(target);
  if (reason === undefined) absentReasons.set(target, (reason = `sequence item ${describeContainer(target)} is absent, so the rule is skipped`));
  return reason;
}

class Evaluation {
  readonly variables = new Map<string, Value>([[PROCESS, 'true']]);
  readonly userFields: Map<string, Value>;
  readonly trace: TraceEntry[] = [];
  readonly touched = new Map<string, AttributeChange>();
  readonly ctx: FunctionContext;
  stoppedBy?: EvaluationResult['stoppedBy'];

  constructor(readonly dataset: DatasetAccess, options: EvaluateOptions) {
    this.userFields = new Map(Object.entries(options.userFields ?? {}));
    this.ctx = { pseudonymKey: options.pseudonymKey ?? 'pacsw' };
  }

  run(set: RuleSetInput): void {
    for (const step of planOf(set.file)) {
      if (this.stoppedBy) return;
      const entry: TraceEntry = { ruleSet: set.name, line: step.line, target: step.target, value: null, outcome: 'error' };
      if (set.uri !== undefined) entry.uri = set.uri;
      this.trace.push(entry);
      if (step.notRun !== undefined) {
        entry.reason = step.notRun;
        continue;
      }
      try {
        this.runRule(step.rule, set, entry);
      } catch (error) {
        if (!(error instanceof RuleEvaluationError)) throw error;
        entry.outcome = 'error';
        entry.reason = error.message;
      }
    }
  }

  private runRule(rule: RuleNode, set: RuleSetInput, entry: TraceEntry): void {
    const target = rule.target;
    if (target.kind === 'String') throw new RuleEvaluationError(`"${target.text}" is not an assignment target; write the tag, e.g. (0010,0010)`);
    if (target.kind === 'Missing') throw new RuleEvaluationError('the rule has no target');
    if (target.kind === 'Seq' && !this.dataset.hasContainer(seqRef(target))) {
      // Checked before evaluating the value: the whole rule is skipped (eRAD help).
      entry.outcome = 'skipped';
      entry.reason = absentItemReason(target);
      return;
    }
    const value = this.evaluate(rule.value);
    entry.value = value;
    switch (target.kind) {
      case 'Variable': {
        if (target.name === PROCESS && value === null) {
          this.variables.set(PROCESS, null);
          this.stoppedBy = { ruleSet: set.name, line: entry.line };
          if (set.uri !== undefined) this.stoppedBy.uri = set.uri;
          entry.outcome = 'stopped';
          entry.reason = '$(@PROCESS) is NULL: processing of this object stops; it is not stored or forwarded';
          return;
        }
        const before = this.variables.has(target.name) ? this.variables.get(target.name)! : null;
        this.variables.set(target.name, value);
        entry.outcome = before === value ? 'unchanged' : value === null ? 'deleted' : 'assigned';
        entry.reason = target.isControl ? 'control variable: read by the PACS, never written to the object' : 'variable: kept for later rules, never written to the object';
        return;
      }
      case 'User': {
        const before = this.userFields.get(target.field) ?? null;
        this.userFields.set(target.field, value);
        entry.outcome = before === value ? 'unchanged' : value === null ? 'deleted' : 'assigned';
        entry.reason = 'USER field: a PACS database field (dcfields.conf); the object itself is not changed';
        return;
      }
      case 'Tag':
      case 'Seq':
        this.assign(target.kind === 'Tag' ? tagRef(target) : seqRef(target), value, set, entry);
    }
  }

  private assign(ref: AttributeRef, value: Value, set: RuleSetInput, entry: TraceEntry): void {
    const current = this.dataset.get(ref);
    if (current === value) {
      entry.outcome = 'unchanged';
      if (value === null) entry.reason = 'already absent';
      return;
    }
    let note: string | void;
    try {
      note = value === null ? this.dataset.delete(ref) : this.dataset.set(ref, value);
    } catch (error) {
      if (!(error instanceof AccessRefusal)) throw error;
      entry.outcome = error.kind === 'skip' ? 'skipped' : 'error';
      entry.reason = error.message;
      return;
    }
    entry.outcome = value === null ? 'deleted' : 'assigned';
    if (note) entry.reason = note;
    const key = keyOf(ref);
    // entry.target is formatRef(ref), cached per rule.
    const change = this.touched.get(key) ?? { ref, path: entry.target, before: current, after: value, ruleSet: set.name, line: entry.line };
    change.after = value;
    change.ruleSet = set.name;
    change.line = entry.line;
    if (set.uri !== undefined) change.uri = set.uri;
    else delete change.uri;
    this.touched.set(key, change);
  }

  evaluate(e: Expression): Value {
    switch (e.kind) {
      case 'String': return e.value;
      case 'Tag': return this.dataset.get(tagRef(e));
      case 'Seq': return this.dataset.get(seqRef(e));
      case 'User': return this.userFields.get(e.field) ?? null;
      case 'Variable': return this.variables.get(e.name) ?? null;
      case 'RetiredSplit': return IMPLEMENTATIONS.split([this.dataset.get(tagRef(e.source)), e.delimiter.value, e.index.value], this.ctx);
      case 'Missing': throw new RuleEvaluationError('missing expression');
      case 'Call': {
        const call = resolvedCall(e);
        if (typeof call === 'string') throw new RuleEvaluationError(call);
        // if() evaluates only the branch it chooses, so an error in the other branch is harmless.
        if (call === IF) return this.evaluate(e.args[0]) !== null ? this.evaluate(e.args[1]) : this.evaluate(e.args[2]);
        const args = new Array<Value>(e.args.length);
        for (let i = 0; i < args.length; i++) args[i] = this.evaluate(e.args[i]);
        return call(args, this.ctx);
      }
    }
  }
}

/** A rule as the evaluator runs it; what does not depend on the data set is worked out once. */
interface PlannedRule {
  rule: RuleNode;
  line: number;
  target: string;
  /** Why the rule is not run (a syntax error), or undefined. */
  notRun?: string;
}

/** Plans by parsed file: a batch runs the same rules on every file. */
const plans = new WeakMap<RuleFileNode, PlannedRule[]>();

function planOf(file: RuleFileNode): PlannedRule[] {
  let plan = plans.get(file);
  if (!plan) {
    const linesWithErrors = new Map<number, string>();
    for (const e of file.errors) if (!linesWithErrors.has(e.range.start.line)) linesWithErrors.set(e.range.start.line, e.message);
    plan = rulesOf(file).map((rule): PlannedRule => {
      const line = rule.range.start.line;
      const syntax = linesWithErrors.get(line);
      const broken = syntax !== undefined || brokenNode(rule.target) || brokenNode(rule.value);
      return { rule, line, target: describeTarget(rule.target), notRun: broken ? `not run: the rule has a syntax error${syntax ? ` (${syntax})` : ''}` : undefined };
    });
    plans.set(file, plan);
  }
  return plan;
}

function describeTarget(t: RuleNode['target']): string {
  switch (t.kind) {
    case 'Tag': return formatRef(tagRef(t));
    case 'Seq': return formatRef(seqRef(t));
    case 'Variable': return `$(${t.name})`;
    case 'User': return `USER(${t.field})`;
    case 'String': return t.text;
    case 'Missing': return '';
  }
}

function describeContainer(s: SeqNode): string {
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
  return s.steps.map((step) => `${step.item?.value ?? 0} of (${hex(step.tag.group)},${hex(step.tag.element)})`).join(' > ');
}

/**
 * Runs the rule sets in the given order (use orderedRuleSets for Preceding Global, device,
 * Trailing Global) against `dataset`, changing it through its set/delete methods.
 */
export function evaluateRules(ruleSets: RuleSetInput[], dataset: DatasetAccess, options: EvaluateOptions = {}): EvaluationResult {
  const ev = new Evaluation(dataset, options);
  for (const set of ruleSets) {
    if (ev.stoppedBy) break;
    ev.run(set);
  }
  const changes = [...ev.touched.values()].filter((c) => c.before !== c.after);
  const result: EvaluationResult = {
    stopped: ev.stoppedBy !== undefined,
    changes,
    trace: ev.trace,
    variables: Object.fromEntries(ev.variables),
    errors: ev.trace.filter((t) => t.outcome === 'error').length,
  };
  if (ev.stoppedBy) result.stoppedBy = ev.stoppedBy;
  return result;
}
