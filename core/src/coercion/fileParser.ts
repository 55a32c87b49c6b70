/**
 * A whole rule file from its lines: each physical line parsed on its own (lineParser.ts), then
 * the file-level check that a rule is not split over lines.
 */
import { range as mkRange } from '../text/range';
import type { LineNode, RuleFileNode, SyntaxErrorInfo } from './ast';
import type { SplitRuleData } from './diagnosticCodes';
import { parseLineResult, relocate, type LineResult } from './lineParser';

/** Splits text into physical lines (`\n`, `\r\n`, `\r`), without the line breaks. */

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Marks lines that continue a rule broken over lines: a line starting with `,` or `)` right after
 * a rule line, or a line without `=` after a line that left parentheses open or ended in `=`.
 * Such a line becomes an Invalid line with one `split-rule` error (its own errors are noise).
 */
function markSplitRules(texts: string[], results: LineResult[], lines: LineNode[], errorsByLine: SyntaxErrorInfo[][]): void {
  let open = 0; // parentheses left open by the rule being continued
  let pendingValue = false; // the rule being continued ended with '='
  for (let i = 0; i < lines.length; i++) {
    const shape = results[i].shape;
    if (!shape) {
      open = 0;
      pendingValue = false;
      continue;
    }
    const prev = i > 0 ? lines[i - 1] : undefined;
    const continuing = (open > 0 || pendingValue) && !shape.hasEquals;
    const startsOdd = shape.startsWithContinuation && prev !== undefined && (prev.kind === 'Rule' || prev.kind === 'Invalid');
    if (continuing || startsOdd) {
      const text = texts[i];
      const start = text.length - text.trimStart().length;
      const range = mkRange(i, start, text.trimEnd().length);
      lines[i] = { kind: 'Invalid', text, range };
      errorsByLine[i] = [
        {
          range,
          code: 'split-rule',
          message: `A rule must be on one line; join this line to line ${i}`,
          data: { joinTo: i - 1 } satisfies SplitRuleData,
        },
      ];
      open = Math.max(0, (continuing ? open : 0) + shape.openParens);
      pendingValue = false;
    } else {
      open = Math.max(0, shape.openParens);
      pendingValue = shape.endsWithEquals;
    }
  }
}

export function assemble(texts: string[], results: LineResult[]): RuleFileNode {
  const lines = results.map((r) => r.node);
  const errorsByLine = results.map((r) => r.errors);
  markSplitRules(texts, results, lines, errorsByLine);
  const errors: SyntaxErrorInfo[] = [];
  for (const list of errorsByLine) for (const e of list) errors.push(e);
  return { kind: 'RuleFile', lines, errors };
}

/** Parses a whole rule file: one LineNode per physical line, errors of all lines in order. */
export function parseRuleFile(text: string): RuleFileNode {
  const texts = splitLines(text);
  // A line repeated in the file is parsed once and copied (copying is ~2x cheaper than parsing).
  const seen = new Map<string, LineResult>();
  const results = texts.map((t, i) => {
    const earlier = seen.get(t);
    if (earlier !== undefined) return relocate(earlier, i);
    const r = parseLineResult(t, i);
    seen.set(t, r);
    return r;
  });
  return assemble(texts, results);
}
