/**
 * Rule coverage: per rule line, how often it ran and how often it assigned (changed, deleted or
 * stopped), gathered from the evaluation traces of a test run.
 */
import { rulesOf, type RuleFileNode, type RuleNode } from '../coercion/ast';
import { formatTag } from '../dictionary/tag';
import type { EvaluationResult } from '../coercion/evaluate';

export interface RuleLineCoverage {
  /** 0-based line in the rule file (a .pacs file for inline device rules). */
  line: number;
  /** The rule's target as written, e.g. `(0008,0050)`. */
  target: string;
  /** Evaluations in which the rule ran. */
  ran: number;
  /** Evaluations in which it assigned, deleted or stopped the object. */
  assigned: number;
}

export type RuleLineState = 'assigned' | 'skipped' | 'never ran';

export function stateOf(c: RuleLineCoverage): RuleLineState {
  return c.assigned > 0 ? 'assigned' : c.ran > 0 ? 'skipped' : 'never ran';
}

export class RuleCoverage {
  /** Rule file (its uri as in the rule sets) → line → coverage. */
  private readonly files = new Map<string, Map<number, RuleLineCoverage>>();

  /** Makes the rules of a file known, so that those that never run are reported too. */
  addRules(uri: string, file: RuleFileNode): void {
    let lines = this.files.get(uri);
    if (!lines) this.files.set(uri, (lines = new Map()));
    for (const rule of rulesOf(file)) {
      const line = rule.range.start.line;
      if (!lines.has(line)) lines.set(line, { line, target: targetText(rule.target), ran: 0, assigned: 0 });
    }
  }

  record(result: EvaluationResult): void {
    for (const t of result.trace) {
      if (t.uri === undefined) continue;
      const c = this.files.get(t.uri)?.get(t.line);
      if (!c) continue;
      c.ran++;
      if (t.outcome === 'assigned' || t.outcome === 'deleted' || t.outcome === 'stopped') c.assigned++;
    }
  }

  /** Rule files with their lines in order. */
  entries(): Array<{ uri: string; lines: RuleLineCoverage[] }> {
    return [...this.files].map(([uri, lines]) => ({ uri, lines: [...lines.values()].sort((a, b) => a.line - b.line) }));
  }
}

/** The target as the trace names it; SEQ paths by their leaf, which is enough to find the line. */
function targetText(t: RuleNode['target']): string {
  switch (t.kind) {
    case 'Tag': return formatTag(t.group, t.element);
    case 'Seq': return `SEQ(...,${formatTag(t.leaf.group, t.leaf.element).slice(1, -1)})`;
    case 'Variable': return `$(${t.name})`;
    case 'User': return `USER(${t.field})`;
    case 'String': return t.text;
    case 'Missing': return '';
  }
}
