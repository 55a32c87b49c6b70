/** Folding of .pacs files: every multi-line block, list, inline rule block and run of comments. */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { DeviceAnalysis } from './documents';

export function foldingRangesDevices(a: DeviceAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  // The closing `}` stays visible: fold up to the line before it.
  const add = (start: number, close: number | undefined, last: number) => {
    const end = close !== undefined ? close - 1 : last;
    if (end > start) out.push({ startLine: start, endLine: end });
  };
  for (const block of a.parsed.ast.blocks) {
    add(block.keywordRange.start.line, block.closeRange?.start.line, block.range.end.line);
    for (const f of block.fields) {
      if (f.block) add(f.block.openRange.start.line, f.block.closeRange?.start.line, f.block.range.end.line);
    }
  }
  // Runs of two or more comment lines.
  let start = -1;
  for (let i = 0; i <= a.lines.length; i++) {
    const isComment = i < a.lines.length && /^\s*#/.test(a.lines[i]) && !a.inlineRulesAt(i);
    if (isComment && start < 0) start = i;
    if (!isComment && start >= 0) {
      if (i - 1 > start) out.push({ startLine: start, endLine: i - 1, kind: FoldingRangeKind.Comment });
      start = -1;
    }
  }
  return out.sort((x, y) => x.startLine - y.startLine);
}
