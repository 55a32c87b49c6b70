/**
 * Helpers for tests that run inside VS Code: open files of the test workspace (a temporary
 * copy of examples/workspace) and wait for the language server's answers on events, never on
 * fixed sleeps.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'pacs-workbench.pacs-workbench';

export interface PacsWorkbenchApi {
  client: { isRunning(): boolean };
  readonly ready: Promise<void>;
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e run must open a workspace folder');
  return folder.uri;
}

/** Activates the extension (idempotent) and waits until its language server is up. */
export async function activeApi(): Promise<PacsWorkbenchApi> {
  const extension = vscode.extensions.getExtension<PacsWorkbenchApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  await api.ready;
  return api;
}

/** Writes `text` to a new file of the test workspace and opens it in an editor. Name such files
 *  `test-*` so that they are told apart from the example files. */
export async function openNewFile(relativePath: string, text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), relativePath);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return openFile(relativePath);
}

export async function openFile(relativePath: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), relativePath));
  await vscode.window.showTextDocument(document);
  return document;
}

/**
 * Resolves with the diagnostics of `uri` once `predicate` holds for them (checked now and on
 * every change). Rejects after `timeoutMs` with the last diagnostics seen, so a failure says
 * what the server did publish.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  description: string,
  timeoutMs = 60_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!predicate(diagnostics)) return false;
      cleanup();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`);
      reject(new Error(`timed out waiting for ${description} in ${uri.path}; diagnostics: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

export const isError = (d: vscode.Diagnostic) => d.severity === vscode.DiagnosticSeverity.Error;

/** Plain text of hover contents, whatever form (MarkdownString, MarkedString) they take. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

export function completionLabel(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/**
 * Reads a state until `predicate` holds (polling: views follow events as they arrive) and
 * returns it; fails after `timeoutMs` showing the last state seen.
 */
export async function pollUntil<T>(read: () => Thenable<T>, predicate: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!predicate(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling a state, not waiting a fixed time for a result
    value = await read();
  }
  assert.ok(predicate(value), `${what}; last seen: ${JSON.stringify(value, null, 1).slice(0, 3000)}`);
  return value;
}

/** Resolves with the next diff editor tab that opens: call it before the command that opens one. */
export function diffTabOpened(timeoutMs = 30_000): Promise<vscode.Tab> {
  return new Promise((resolve, reject) => {
    const sub = vscode.window.tabGroups.onDidChangeTabs((e) => {
      const tab = e.opened.find((t) => t.input instanceof vscode.TabInputTextDiff);
      if (!tab) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(tab);
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no diff editor opened within ${timeoutMs} ms; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`));
    }, timeoutMs);
  });
}
