/**
 * Workspace trust gate for actions that reach out to the network (C-ECHO, ping, deploy).
 * Editing and checking rules is always allowed; talking to a PACS only in a trusted workspace,
 * because an untrusted folder could point us at arbitrary hosts.
 */
import * as vscode from 'vscode';

/**
 * Returns true when `action` may run. In an untrusted workspace it tells the user why the
 * action was refused (without waiting for them to answer) and returns false.
 */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(
      `PACS Workbench: "${action}" talks to the network and is disabled in an untrusted workspace.`,
      manage,
    )
    .then((choice) => {
      if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
