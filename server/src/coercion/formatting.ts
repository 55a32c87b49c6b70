/**
 * Document formatting through core's formatter, which only changes white space and spelling
 * that never changes meaning. One edit replacing the whole text, or none when already tidy.
 */
import type { TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatRuleFile } from '../../../core/src/coercion/format';

export function formatCoercion(doc: TextDocument): TextEdit[] {
  const text = doc.getText();
  const formatted = formatRuleFile(text);
  if (formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}
