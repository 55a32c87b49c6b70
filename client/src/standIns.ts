/**
 * Stand-ins for commands whose code is in a bundle not loaded yet (launcher.ts for
 * dist/extension-main.js, features/lazy.ts for dist/extension-features.js): each is registered
 * under the command's id; its first call runs `load`, which must dispose the stand-ins and
 * register the real commands under the same ids, and then runs the real command.
 */
import * as vscode from 'vscode';

/**
 * The returned Disposable disposes every stand-in once, however often it is called: after the
 * real commands have taken the ids, disposing a stand-in again must not touch them.
 */
export function registerStandIns(ids: Iterable<string>, load: () => unknown): vscode.Disposable {
  const standIns: vscode.Disposable[] = [];
  for (const id of ids) {
    standIns.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => {
        load();
        // Runs in this extension host, so the arguments (tree nodes, webview panels) pass as they are.
        return vscode.commands.executeCommand(id, ...args);
      }),
    );
  }
  return { dispose: () => standIns.splice(0).forEach((standIn) => standIn.dispose()) };
}
