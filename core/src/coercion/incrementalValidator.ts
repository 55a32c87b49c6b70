/**
 * Validation for an editor that validates on every keystroke: the findings of a line that did
 * not change are reused, those of a line that only moved are shifted to its new line number.
 */
import type { CoreDiagnostic } from '../diagnostics';
import type { Position, Range } from '../text/range';
import type { LineNode, RuleFileNode } from './ast';
import { lineOrigin } from './incrementalParser';
import { checkRule, validateLines, type CoercionDialect, type LineFindings, type ValidateOptions, type VariableRead } from './validate';

/** Validates every version of one document; unchanged lines are not checked again. */
export interface IncrementalValidator {
  /** Same result as validateRuleFile(file, options). */
  validate(file: RuleFileNode, options?: ValidateOptions): CoreDiagnostic[];
}

/**
 * A validator for an editor that validates on every keystroke. Almost every finding depends on
 * its own line only, so the findings of a rule line are kept per line node (trees are immutable)
 * and, for a line the incremental parser moved to another line number, per the node it was
 * copied from (lineOrigin), shifted to the new line. What reaches across lines — variables read
 * before they are assigned, rules after an unconditional stop, split rules — is recomputed over
 * the whole file each time, from the cached per-line summaries. Findings of unchanged lines come
 * back as the same objects, so a caller may cache what it derives from them.
 */
export function createIncrementalValidator(): IncrementalValidator {
  // One cache per dialect: the dialect changes the findings of extension functions.
  const caches = new Map<CoercionDialect, WeakMap<LineNode, LineFindings>>();
  return {
    validate(file, options) {
      const dialect = options?.dialect ?? 'strict';
      let cache = caches.get(dialect);
      if (!cache) caches.set(dialect, (cache = new WeakMap()));
      const byNode = cache;
      return validateLines(file, (line) => {
        let hit = byNode.get(line);
        if (hit) return hit;
        const origin = lineOrigin(line);
        const moved = origin === line ? undefined : byNode.get(origin);
        hit = moved ? shiftFindings(moved, line.range.start.line) : checkRule(line, dialect);
        byNode.set(line, hit);
        return hit;
      });
    },
  };
}

/** The findings of a line moved to `line`: same findings, ranges on the new line. */
function shiftFindings(f: LineFindings, line: number): LineFindings {
  const positions: Position[] = [];
  const P = (p: Position): Position => positions[p.character] ?? (positions[p.character] = { line, character: p.character });
  const R = (r: Range): Range => ({ start: P(r.start), end: P(r.end) });
  const items = f.items.map((item): CoreDiagnostic | VariableRead => {
    if ('read' in item) {
      const v = item.read;
      return { read: { kind: 'Variable', name: v.name, nameRange: R(v.nameRange), isControl: v.isControl, range: R(v.range) } };
    }
    const d: CoreDiagnostic = { range: R(item.range), severity: item.severity, code: item.code, message: item.message };
    if (item.tags) d.tags = item.tags;
    if (item.data !== undefined) d.data = item.data; // semantic data holds no positions
    return d;
  });
  return { items, hasReads: f.hasReads, assigns: f.assigns, stops: f.stops };
}

