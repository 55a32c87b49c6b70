/**
 * Formatting of .pacs files through core's formatDeviceFile (indentation and trailing white
 * space only). As a guard the result is parsed again and compared with the original: if the
 * blocks, fields, values, list items or rule lines differ in any way, nothing is changed.
 */
import type { FormattingOptions, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatDeviceFile } from '../../../core/src/devices/format';
import { parseDeviceFile } from '../../../core/src/devices/parser';

export function formatDevices(doc: TextDocument, options: FormattingOptions): TextEdit[] {
  const text = doc.getText();
  const indent = options.insertSpaces === false ? '\t' : ' '.repeat(Math.max(1, Math.min(8, options.tabSize || 2)));
  const formatted = formatDeviceFile(text, indent);
  if (formatted === text || !sameMeaning(text, formatted)) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}

/** Everything the parser reads from a text, without positions and outer white space. */
export function meaningOf(text: string): string {
  const { ast, errors } = parseDeviceFile(text);
  return JSON.stringify({
    blocks: ast.blocks.map((b) => ({
      keyword: b.keyword,
      name: b.name?.text,
      closed: !!b.closeRange,
      fields: b.fields.map((f) => ({
        key: f.key,
        values: f.values.map((v) => v.text),
        block: f.block?.kind === 'ListBlock'
          ? { list: f.block.items.map((i) => i.text), closed: !!f.block.closeRange }
          : f.block ? { rules: f.block.lines.map((l) => ruleLineMeaning(l.text)), closed: !!f.block.closeRange } : undefined,
      })),
    })),
    errors: errors.map((e) => e.code),
  });
}

export function sameMeaning(a: string, b: string): boolean {
  return meaningOf(a) === meaningOf(b);
}

/**
 * A rule line without the white space around it, except that trailing white space inside a
 * string left open at the end of the line is part of that string.
 */
function ruleLineMeaning(line: string): string {
  const t = line.trimStart();
  if (t.startsWith('#')) return t.trimEnd();
  let inString = false;
  for (let i = 0; i < t.length; i++) {
    if (inString && t[i] === '\\') i++;
    else if (t[i] === '"') inString = !inString;
  }
  return inString ? t : t.trimEnd();
}
