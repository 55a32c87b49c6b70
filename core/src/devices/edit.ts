/**
 * Minimal text edits on a .pacs file for the tree-view commands (enable/disable, add, remove,
 * update a device). Each helper returns edits (range + new text) against the given text, so
 * VS Code can apply them as one undoable step and the rest of the file stays byte for byte.
 */
import { comparePositions, type Position, type Range } from '../text/range';
import type { BlockNode, FieldNode } from './ast';
import { DEVICE_FIELD_ORDER, FIELD_KEYS, formatDevice, formatDeviceField, type DeviceFields, type NewDevice } from './format';
import { parseDeviceFile, splitLines } from './parser';

export interface TextEdit {
  range: Range;
  newText: string;
}

export class DeviceEditError extends Error {}

/** Enables or disables a device; no edit when it already is. */
export function setEnabled(text: string, deviceId: string, enabled: boolean): TextEdit[] {
  const { block, lines, eol } = locate(text, deviceId);
  const flags = block.fields.filter((f) => f.key === 'enabled' || f.key === 'disabled');
  const current = flags.length === 0 ? true : isEnabledField(flags[flags.length - 1]);
  if (current === enabled && flags.length <= 1) return [];
  const word = enabled ? 'enabled' : 'disabled';
  if (flags.length === 0) return [insertField(block, lines, eol, word)];
  const edits: TextEdit[] = [{ range: flags[0].range, newText: word }];
  for (const extra of flags.slice(1)) edits.push(deleteField(extra, lines));
  return edits;
}

/** Appends a new device block after the last device (or at the end of the file). */
export function addDevice(text: string, device: NewDevice): TextEdit[] {
  const { ast } = parseDeviceFile(text);
  if (ast.blocks.some((b) => b.keyword === 'device' && b.name?.value === device.id)) {
    throw new DeviceEditError(`A device with ID ${device.id} already exists.`);
  }
  const { lines, eol } = splitLines(text);
  const devices = ast.blocks.filter((b) => b.keyword === 'device');
  const after = devices.length ? devices[devices.length - 1] : ast.blocks[ast.blocks.length - 1];
  const block = formatDevice(device, eol);
  if (!after) {
    const lastLine = lines.length - 1;
    const end: Position = { line: lastLine, character: lines[lastLine].length };
    const prefix = text.trim() === '' ? '' : lines[lastLine] === '' ? eol : eol + eol;
    return [{ range: { start: end, end }, newText: prefix + block + eol }];
  }
  const endLine = after.range.end.line;
  const end: Position = { line: endLine, character: lines[endLine].length };
  return [{ range: { start: end, end }, newText: eol + eol + block }];
}

/** Removes a device block (and one blank line after it, so no double gap stays behind). */
export function removeDevice(text: string, deviceId: string): TextEdit[] {
  const { block, lines } = locate(text, deviceId);
  const first = block.range.start.line;
  let last = block.range.end.line;
  const blankBefore = first === 0 || lines[first - 1].trim() === '';
  if (blankBefore && last + 1 < lines.length && lines[last + 1].trim() === '') last++;
  if (last + 1 < lines.length) {
    return [{ range: { start: { line: first, character: 0 }, end: { line: last + 1, character: 0 } }, newText: '' }];
  }
  // Block at the very end: remove from the end of the previous line.
  const start: Position = first > 0 ? { line: first - 1, character: lines[first - 1].length } : { line: 0, character: 0 };
  return [{ range: { start, end: { line: last, character: lines[last].length } }, newText: '' }];
}

/**
 * Sets fields of a device: a value replaces the field (or adds it before `}`), `null` removes
 * it. Fields not mentioned are left alone.
 */
export function updateDevice(text: string, deviceId: string, fields: { [K in keyof DeviceFields]?: DeviceFields[K] | null }): TextEdit[] {
  const { block, lines, eol } = locate(text, deviceId);
  const edits: TextEdit[] = [];
  const inserts: string[] = [];
  for (const key of DEVICE_FIELD_ORDER) {
    if (!(key in fields)) continue;
    const value = fields[key];
    const langKeys = key === 'enabled' ? ['enabled', 'disabled'] : [FIELD_KEYS[key]];
    const existing = block.fields.filter((f) => langKeys.includes(f.key));
    if (value === null || value === undefined) {
      for (const f of existing) edits.push(deleteField(f, lines));
      continue;
    }
    const indent = existing.length ? indentOf(lines[existing[0].range.start.line]) : fieldIndent(block, lines);
    const newText = formatDeviceField(key, value, indent, eol)!;
    if (existing.length) {
      const f = existing[0];
      // Replace from the start of the line so the indentation is written once.
      edits.push({ range: { start: { line: f.range.start.line, character: 0 }, end: f.range.end }, newText });
      for (const extra of existing.slice(1)) edits.push(deleteField(extra, lines));
    } else {
      inserts.push(newText);
    }
  }
  if (inserts.length) edits.push(insertRaw(block, lines, eol, inserts.join(eol)));
  return edits.sort((a, b) => comparePositions(a.range.start, b.range.start));
}

/** Applies non-overlapping edits (any order) to text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const offsets = lineOffsets(text);
  const toOffset = (p: Position) => Math.min(text.length, (offsets[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => toOffset(b.range.start) - toOffset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, toOffset(e.range.start)) + e.newText + out.slice(toOffset(e.range.end));
  return out;
}

// ---- helpers --------------------------------------------------------------------------------

function locate(text: string, deviceId: string): { block: BlockNode; lines: string[]; eol: string } {
  const { ast } = parseDeviceFile(text);
  const block = ast.blocks.find((b) => b.keyword === 'device' && b.name?.value === deviceId);
  if (!block) throw new DeviceEditError(`No device with ID ${deviceId} in this file.`);
  const { lines, eol } = splitLines(text);
  return { block, lines, eol };
}

function isEnabledField(f: FieldNode): boolean {
  if (f.key === 'disabled') return false;
  const v = f.values[0]?.value.toLowerCase();
  return !(v === 'no' || v === 'false' || v === 'off');
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

function fieldIndent(block: BlockNode, lines: string[]): string {
  const f = block.fields.find((x) => x.range.start.line !== block.keywordRange.start.line);
  return f ? indentOf(lines[f.range.start.line]) : indentOf(lines[block.keywordRange.start.line]) + '  ';
}

function insertField(block: BlockNode, lines: string[], eol: string, fieldText: string): TextEdit {
  return insertRaw(block, lines, eol, fieldIndent(block, lines) + fieldText);
}

/** Inserts whole lines (already indented) just before the block's closing brace. */
function insertRaw(block: BlockNode, lines: string[], eol: string, text: string): TextEdit {
  const close = block.closeRange;
  if (close && lines[close.start.line].slice(0, close.start.character).trim() === '') {
    const at: Position = { line: close.start.line, character: 0 };
    return { range: { start: at, end: at }, newText: text + eol };
  }
  if (close) {
    // `}` shares its line with other text (one-line block): break the line before it.
    return { range: { start: close.start, end: close.start }, newText: eol + text + eol };
  }
  const endLine = block.range.end.line;
  const at: Position = { line: endLine, character: lines[endLine].length };
  return { range: { start: at, end: at }, newText: eol + text };
}

/** Deletes a field's whole lines. */
function deleteField(f: FieldNode, lines: string[]): TextEdit {
  const first = f.range.start.line;
  const last = f.range.end.line;
  if (last + 1 < lines.length) {
    return { range: { start: { line: first, character: 0 }, end: { line: last + 1, character: 0 } }, newText: '' };
  }
  return { range: { start: { line: first, character: 0 }, end: { line: last, character: lines[last].length } }, newText: '' };
}

function lineOffsets(text: string): number[] {
  const offsets = [0];
  const re = /\r\n|\n|\r/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) offsets.push(m.index + m[0].length);
  return offsets;
}
