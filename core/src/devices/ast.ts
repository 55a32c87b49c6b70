/**
 * Syntax tree of the device-definition language (`*.pacs`, docs/device-language.md).
 *
 * The tree is deliberately generic (blocks of lines of words): what a word means is decided by
 * model.ts and validate.ts, so an unknown field or a misspelt keyword still parses and gets a
 * precise message instead of derailing the rest of the file. Every node carries its exact
 * source range (0-based line, UTF-16 character, same as LSP).
 */
import type { Range } from '../text/range';
import type { DeviceSyntaxCode } from './diagnosticCodes';

/** A word (`dicom`, `104`, `ct1.hospital.local`, `*`) or a quoted string (`"CT SCANNER"`). */
export interface ValueNode {
  /** Source text, quotes included. */
  text: string;
  /** Value with quotes removed and `\"`, `\\` resolved. */
  value: string;
  quoted: boolean;
  range: Range;
}

/** One line of an inline `rules { ... }` block, kept exactly as written. */
export interface RuleLineNode {
  /** 0-based line number in the .pacs file. */
  line: number;
  /** Full text of the line (indentation included, so columns stay absolute). */
  text: string;
  range: Range;
}

/** `rules {` ... `}` where each inner line is one coercion rule, untouched. */
export interface InlineRulesNode {
  kind: 'InlineRules';
  openRange: Range;
  /** Undefined when the closing `}` line is missing. */
  closeRange?: Range;
  lines: RuleLineNode[];
  range: Range;
}

/** `{ store U  qr P }` or the same spread over several lines: a flat list of words. */
export interface ListBlockNode {
  kind: 'ListBlock';
  openRange: Range;
  closeRange?: Range;
  items: ValueNode[];
  range: Range;
}

/** One field: a key and its values on one line, optionally followed by a block. */
export interface FieldNode {
  kind: 'Field';
  key: string;
  keyRange: Range;
  values: ValueNode[];
  block?: ListBlockNode | InlineRulesNode;
  /** From the key to the end of the field (the closing brace for multi-line blocks). */
  range: Range;
}

/** `server NAME {`, `category NAME {`, `device ID {` ... `}`. */
export interface BlockNode {
  kind: 'Block';
  keyword: string;
  keywordRange: Range;
  /** Undefined when the name is missing (an error says so). */
  name?: ValueNode;
  openRange?: Range;
  closeRange?: Range;
  fields: FieldNode[];
  range: Range;
}

export interface DeviceSyntaxError {
  range: Range;
  message: string;
  /** Stable code (diagnosticCodes.ts), documented in docs/device-language.md. */
  code: DeviceSyntaxCode;
}

export interface DeviceFileNode {
  kind: 'DeviceFile';
  uri?: string;
  blocks: BlockNode[];
  /** Number of physical lines, for edits that append at the end. */
  lineCount: number;
  /** End-of-line sequence the file uses (edits reuse it). */
  eol: string;
}
