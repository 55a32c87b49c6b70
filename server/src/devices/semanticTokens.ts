/**
 * Semantic tokens for .pacs files: only the inline `rules { }` blocks get them, from the
 * coercion language (tags, functions, variables, retired forms), so rules read the same inline
 * as in a .coerce file. Everything else keeps the TextMate colouring.
 */
import type { SemanticTokens } from 'vscode-languageserver/node';
import { semanticTokensCoercion } from '../coercion/semanticTokens';
import type { DeviceAnalysis } from './documents';

export function semanticTokensDevices(a: DeviceAnalysis): SemanticTokens {
  const data: number[] = [];
  let prevLine = 0;
  let prevStart = 0;
  for (const { rules } of a.inlineRules()) {
    // Each block's tokens are encoded relative to line 0 of its padded rule text: decode to
    // absolute positions (they are already .pacs positions) and append.
    const own = semanticTokensCoercion(a.ruleTree(rules)).data;
    let line = 0;
    let start = 0;
    for (let i = 0; i + 4 < own.length; i += 5) {
      line += own[i];
      start = own[i] === 0 ? start + own[i + 1] : own[i + 1];
      data.push(line - prevLine, line === prevLine ? start - prevStart : start, own[i + 2], own[i + 3], own[i + 4]);
      prevLine = line;
      prevStart = start;
    }
  }
  return { data };
}
