/**
 * Status bar item that shows which coercion dialect (strict eRAD or extended) the rules are
 * checked against, and a command that toggles the `pacsWorkbench.coercion.dialect` setting.
 * The server picks the change up through configuration synchronisation.
 */
import * as vscode from 'vscode';
import type { Feature } from './feature';
import { LANGUAGE_IDS } from '../serverClient';
import { COMMANDS, NAMESPACE, settingId, SETTINGS } from '../../../core/src/contributes';

export const DIALECT_SETTING = SETTINGS.dialect;
export const TOGGLE_DIALECT_COMMAND = COMMANDS.toggleDialect;

export type Dialect = 'strict' | 'extended';

export function currentDialect(scope?: vscode.ConfigurationScope): Dialect {
  const value = vscode.workspace.getConfiguration(NAMESPACE, scope).get<string>(DIALECT_SETTING);
  return value === 'extended' ? 'extended' : 'strict';
}

/** Writes the other dialect where the user is most likely to expect it: the workspace if one is open. */
export async function toggleDialect(): Promise<Dialect> {
  const next: Dialect = currentDialect() === 'strict' ? 'extended' : 'strict';
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(NAMESPACE).update(DIALECT_SETTING, next, target);
  return next;
}

export const dialectStatus: Feature = {
  name: 'dialect status',
  register(context) {
    const item = vscode.window.createStatusBarItem(`${NAMESPACE}.dialect`, vscode.StatusBarAlignment.Right, 100);
    item.name = 'PACS Coercion Dialect';
    item.command = TOGGLE_DIALECT_COMMAND;

    const refresh = () => {
      const dialect = currentDialect();
      item.text = `$(law) eRAD ${dialect}`;
      item.tooltip =
        dialect === 'strict'
          ? 'Coercion rules are checked against what eRAD PACS documents. Click to allow extension functions.'
          : 'Extension functions are allowed and flagged as not portable. Click to check strictly.';
      const language = vscode.window.activeTextEditor?.document.languageId;
      if (language && (LANGUAGE_IDS as readonly string[]).includes(language)) item.show();
      else item.hide();
    };

    context.subscriptions.push(
      item,
      vscode.commands.registerCommand(TOGGLE_DIALECT_COMMAND, toggleDialect),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(settingId(DIALECT_SETTING))) refresh();
      }),
      vscode.window.onDidChangeActiveTextEditor(refresh),
    );
    refresh();
  },
};
