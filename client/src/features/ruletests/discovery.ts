/**
 * The Test Explorer's tree of rule tests: one item per `*.coerce-test` file of the workspace,
 * one child per case at its `case` line. Kept current as files are created, changed, deleted,
 * and as an open test file is edited (before it is saved).
 */
import * as vscode from 'vscode';
import { parseRuleTest } from '../../../../core/src/ruletest/parser';

export const TEST_FILE_GLOB = '**/*.coerce-test';

/** Test items know what they are: a file, or a case of a file (by name). */
export interface ItemInfo {
  file: vscode.Uri;
  caseName?: string;
}

export class RuleTestTree implements vscode.Disposable {
  readonly info = new WeakMap<vscode.TestItem, ItemInfo>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly controller: vscode.TestController) {
    const watcher = vscode.workspace.createFileSystemWatcher(TEST_FILE_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.update(uri)),
      watcher.onDidChange((uri) => this.update(uri)),
      watcher.onDidDelete((uri) => this.remove(uri)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Only edits: a change of state alone (dirty, or the file deleted under an open document)
        // must not bring a deleted file's cases back.
        if (e.contentChanges.length === 0 || !e.document.uri.path.endsWith('.coerce-test')) return;
        void this.update(e.document.uri, e.document.getText()); // reads nothing: cannot fail
      }),
    );
  }

  /** Finds every test file of the workspace (the explorer asks when it first shows). */
  async discover(): Promise<void> {
    const found = await vscode.workspace.findFiles(TEST_FILE_GLOB, '**/node_modules/**');
    await Promise.all(found.map((uri) => this.update(uri)));
  }

  /** Re-reads one test file and replaces its cases. */
  async update(uri: vscode.Uri, text?: string): Promise<void> {
    let source = text;
    if (source === undefined) {
      // A watcher's event may arrive after the file is gone, and a closed document can stay in
      // textDocuments a while: the disk decides whether the file is still there.
      let bytes: Uint8Array;
      try {
        bytes = await vscode.workspace.fs.readFile(uri);
      } catch {
        return this.remove(uri);
      }
      source = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText() ?? Buffer.from(bytes).toString('utf8');
    }
    const id = uri.toString();
    let fileItem = this.controller.items.get(id);
    if (!fileItem) {
      fileItem = this.controller.createTestItem(id, vscode.workspace.asRelativePath(uri), uri);
      this.info.set(fileItem, { file: uri });
      this.controller.items.add(fileItem);
    }
    const { file } = parseRuleTest(source);
    const children: vscode.TestItem[] = [];
    const seen = new Set<string>();
    for (const c of file.cases) {
      if (seen.has(c.name)) continue; // a duplicate name is an error the editor shows
      seen.add(c.name);
      const child = this.controller.createTestItem(`${id}#${c.name}`, c.name, uri);
      child.range = new vscode.Range(c.range.start.line, c.range.start.character, c.lastLine, Number.MAX_SAFE_INTEGER);
      this.info.set(child, { file: uri, caseName: c.name });
      children.push(child);
    }
    fileItem.children.replace(children);
  }

  remove(uri: vscode.Uri): void {
    this.controller.items.delete(uri.toString());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
