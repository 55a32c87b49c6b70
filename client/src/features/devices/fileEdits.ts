/**
 * Applies core's device-file edits (enable/disable, add, edit, delete) to a .pacs file as one
 * WorkspaceEdit, so Undo in the editor reverts the whole command, and saves the file so the
 * change is on disk (where the CLI and deploy read it).
 */
import * as vscode from 'vscode';
import type { TextEdit } from '../../../../core/src/devices';

/**
 * Computes edits against the document's current text (unsaved changes included) and applies
 * them. Returns false when there was nothing to change.
 */
export async function applyDeviceEdits(uri: vscode.Uri, compute: (text: string) => TextEdit[], label: string): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(uri);
  const edits = compute(document.getText());
  if (edits.length === 0) return false;
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    const range = new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character);
    edit.replace(uri, range, e.newText, { label, needsConfirmation: false });
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit (${label}); is the file read-only?`);
  // save() answers false (it does not throw) when VS Code could not write, e.g. the file changed on disk
  // meanwhile: the edit would then be only in the editor while the command said it was done.
  if (!(await document.save())) throw new Error(`${label}: the change is in the editor but VS Code could not save ${vscode.workspace.asRelativePath(uri)}; save it (File > Save) to write it to disk`);
  return true;
}
