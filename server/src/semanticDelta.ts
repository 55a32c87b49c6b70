/**
 * Semantic-token deltas for any language: the previous answer per document is kept, and the
 * next one is sent as a single edit (common prefix and suffix left out). A one-character edit
 * in a 10,000-rule file then sends a few numbers instead of half a million.
 */
import type { SemanticTokens, SemanticTokensDelta, SemanticTokensEdit } from 'vscode-languageserver/node';

/** Numbers per token in LSP's encoding. */
const TOKEN_SIZE = 5;

export class SemanticTokenHistory {
  private readonly last = new Map<string, { resultId: string; data: number[] }>();
  private counter = 0;

  /** A full answer, remembered for the next delta request. */
  full(uri: string, data: number[]): SemanticTokens {
    const resultId = String(++this.counter);
    this.last.set(uri, { resultId, data });
    return { resultId, data };
  }

  /** A delta against `previousResultId`, or a full answer when that result is not the last one. */
  delta(uri: string, previousResultId: string, data: number[]): SemanticTokens | SemanticTokensDelta {
    const previous = this.last.get(uri);
    const next = this.full(uri, data);
    if (!previous || previous.resultId !== previousResultId) return next;
    return { resultId: next.resultId, edits: diff(previous.data, data) };
  }

  forget(uri: string): void {
    this.last.delete(uri);
  }
}

/** One edit replacing the middle part that differs, on token boundaries; none when equal. */
export function diff(before: number[], after: number[]): SemanticTokensEdit[] {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before[prefix] === after[prefix]) prefix++;
  prefix -= prefix % TOKEN_SIZE;
  if (prefix === before.length && prefix === after.length) return [];
  let suffix = 0;
  while (suffix < max - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  suffix -= suffix % TOKEN_SIZE;
  return [{ start: prefix, deleteCount: before.length - prefix - suffix, data: after.slice(prefix, after.length - suffix) }];
}
