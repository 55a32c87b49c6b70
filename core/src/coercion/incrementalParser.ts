/**
 * Re-parsing for an editor: only the lines whose text changed are parsed again; unchanged lines
 * keep their nodes, copied to their new line number when lines above them were added or removed.
 */
import type { LineNode, RuleFileNode } from './ast';
import { assemble, splitLines } from './fileParser';
import { parseLineResult, relocate, type LineResult } from './lineParser';

/** Re-parses only what changed since the previous call (see createIncrementalParser). */
export interface IncrementalRuleParser {
  parse(text: string): RuleFileNode;
}

/** Node a moved line was copied from, by the incremental parser: the first parse of its text. */
const origins = new WeakMap<LineNode, LineNode>();

/**
 * The line node `node` was copied from when the incremental parser moved an unchanged line to
 * another line number, or `node` itself. Lets a cache keyed on line nodes (validation) reuse
 * what it knew about the line before it moved.
 */
export function lineOrigin(node: LineNode): LineNode {
  return origins.get(node) ?? node;
}

/**
 * A parser for an editor that re-parses on every keystroke, with a cache keyed on line text:
 * a line whose text is unchanged reuses its nodes (trees are immutable, so results share them),
 * copied to its new line number when lines were inserted or deleted above it. Typing inside a
 * line re-parses that line only; split-rule errors are recomputed over the whole file.
 * A tree returned earlier is never changed by a later call.
 */
export function createIncrementalParser(): IncrementalRuleParser {
  let prevTexts: string[] = [];
  let prevResults: LineResult[] = [];
  let byText = new Map<string, LineResult>();
  return {
    parse(text: string): RuleFileNode {
      const texts = splitLines(text);
      const nextByText = new Map<string, LineResult>();
      const results = texts.map((t, i) => {
        let r: LineResult;
        if (prevTexts[i] === t) {
          r = prevResults[i]; // same text on the same line: the common case while typing
        } else {
          const moved = byText.get(t);
          if (moved === undefined) {
            r = parseLineResult(t, i);
          } else {
            r = relocate(moved, i);
            origins.set(r.node, lineOrigin(moved.node));
          }
        }
        nextByText.set(t, r);
        return r;
      });
      prevTexts = texts;
      prevResults = results;
      byText = nextByText;
      return assemble(texts, results);
    },
  };
}
