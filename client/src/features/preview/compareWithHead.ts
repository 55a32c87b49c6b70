/**
 * *Compare Rule Effect with HEAD*: the preview panel shows what the uncommitted change of a rule
 * file does to the preview's samples (committed rules → rules now, unsaved edits included),
 * not what the whole rule set does. The committed text comes from the built-in Git extension.
 */
import * as vscode from 'vscode';
import { parseRuleFile } from '../../../../core/src/coercion/fileParser';
import { committedVersion, NoCommittedVersion, type CommittedVersion } from './gitHead';
import { COERCION_LANGUAGE, type PreviewController, type PreviewState } from './previewPanel';
import { COMMANDS } from '../../../../core/src/contributes';

export const COMPARE_WITH_HEAD_COMMAND = COMMANDS.preview.compareWithHead;

/** Runs the command on `uri` (or the active rule editor); resolves to what the panel shows. */
export async function compareWithHead(controller: PreviewController, uri?: vscode.Uri): Promise<PreviewState | undefined> {
  const editor = vscode.window.activeTextEditor;
  const target = uri ?? (editor?.document.languageId === COERCION_LANGUAGE ? editor.document.uri : undefined);
  if (!target) {
    void vscode.window.showInformationMessage('PACS Workbench: open a coercion rule file (.coerce) to compare its effect with the committed version.');
    return undefined;
  }
  let committed: CommittedVersion;
  try {
    committed = await committedVersion(target);
  } catch (error) {
    if (!(error instanceof NoCommittedVersion)) throw error;
    void vscode.window.showWarningMessage(`PACS Workbench: cannot compare with HEAD: ${error.message}`);
    return undefined;
  }
  let rules = parseRuleFile(committed.text);
  await controller.compare(target, {
    against: 'HEAD',
    // Read again only when HEAD has moved (a commit, a checkout) since.
    committedRules: async () => {
      const commit = committed.repository.state.HEAD?.commit;
      if (commit !== committed.commit) {
        committed = await committedVersion(target);
        rules = parseRuleFile(committed.text);
      }
      return rules;
    },
  });
  return controller.state({ document: target.toString(), rendered: true });
}
