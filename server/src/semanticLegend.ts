/**
 * One semantic-token legend for the whole server: LSP allows a single legend per server, so
 * every language (coercion now, devices later) encodes against these lists.
 */
import type { SemanticTokensLegend } from 'vscode-languageserver/node';

export const TOKEN_TYPES = ['tag', 'function', 'variable', 'controlVariable', 'string', 'keyword', 'comment'] as const;
export const TOKEN_MODIFIERS = ['deprecated'] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: [...TOKEN_TYPES],
  tokenModifiers: [...TOKEN_MODIFIERS],
};

export const tokenTypeIndex = (t: TokenType): number => TOKEN_TYPES.indexOf(t);
export const modifierBits = (mods: readonly TokenModifier[]): number =>
  mods.reduce((bits, m) => bits | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);
