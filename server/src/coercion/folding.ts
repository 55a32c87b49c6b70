/**
 * Folding: each paragraph (lines between blank lines) of two or more lines folds; a paragraph
 * of comments only folds as a comment (so "Fold All Block Comments" catches it).
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { RuleFileNode } from '../../../core/src/coercion/ast';

export function foldingRangesCoercion(file: RuleFileNode): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  let start = -1;
  let allComments = true;
  const close = (end: number): void => {
    if (start >= 0 && end > start) {
      ranges.push({ startLine: start, endLine: end, ...(allComments ? { kind: FoldingRangeKind.Comment } : {}) });
    }
    start = -1;
    allComments = true;
  };
  file.lines.forEach((line, i) => {
    if (line.kind === 'Blank') {
      close(i - 1);
      return;
    }
    if (start < 0) start = i;
    if (line.kind !== 'Comment') allComments = false;
  });
  close(file.lines.length - 1);
  return ranges;
}
