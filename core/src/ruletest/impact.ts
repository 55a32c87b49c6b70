/**
 * Change impact: the same object through the old and the new rules, reduced to what differs —
 * attributes whose result changed, objects newly (no longer) stopped, newly failing.
 */
import { formatRef, refKey, type AttributeRef } from '../coercion/datasetAccess';
import type { EvaluationResult, Value } from '../coercion/evaluate';

export interface AttributeImpact {
  ref: AttributeRef;
  /** `(0008,0050)` or `SEQ(...)`. */
  path: string;
  /** The value the object arrived with (null: absent). */
  original: Value;
  /** The result under the old rules and under the new ones (null: absent). */
  old: Value;
  new: Value;
}

export type StopChange = 'newly stopped' | 'no longer stopped';
export type FailureChange = 'newly failing' | 'no longer failing';

export interface ObjectImpact {
  attributes: AttributeImpact[];
  stop?: StopChange;
  failure?: FailureChange;
  /** With `failure`: the rule errors of the failing side, as `target: reason`. */
  errors?: string[];
}

/** Final value of every attribute a result changed, keyed by refKey. */
function finals(result: EvaluationResult): Map<string, { ref: AttributeRef; before: Value; after: Value }> {
  return new Map(result.changes.map((c) => [refKey(c.ref), { ref: c.ref, before: c.before, after: c.after }]));
}

/**
 * What differs between two evaluations of the same object; undefined when nothing does.
 * A stopped object is not stored, so its attribute values mean nothing: when either side stopped
 * it, only the stop change (if any) is reported.
 */
export function compareEffects(oldResult: EvaluationResult, newResult: EvaluationResult): ObjectImpact | undefined {
  const o = finals(oldResult);
  const n = finals(newResult);
  const attributes: AttributeImpact[] = [];
  const seen = new Set<string>();
  const stored = !oldResult.stopped && !newResult.stopped;
  for (const [key, entry] of stored ? [...o, ...n] : []) {
    if (seen.has(key)) continue;
    seen.add(key);
    const oldValue = o.has(key) ? o.get(key)!.after : entry.before;
    const newValue = n.has(key) ? n.get(key)!.after : entry.before;
    if (oldValue !== newValue) attributes.push({ ref: entry.ref, path: formatRef(entry.ref), original: entry.before, old: oldValue, new: newValue });
  }
  const impact: ObjectImpact = { attributes };
  if (oldResult.stopped !== newResult.stopped) impact.stop = newResult.stopped ? 'newly stopped' : 'no longer stopped';
  const oldFails = oldResult.errors > 0;
  const newFails = newResult.errors > 0;
  if (oldFails !== newFails) {
    impact.failure = newFails ? 'newly failing' : 'no longer failing';
    const failing = newFails ? newResult : oldResult;
    impact.errors = failing.trace.filter((t) => t.outcome === 'error').map((t) => `${t.target} (${t.ruleSet}, line ${t.line + 1}): ${t.reason}`);
  }
  return attributes.length || impact.stop || impact.failure ? impact : undefined;
}
