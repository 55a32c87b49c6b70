/**
 * Read-only text documents of one URI scheme whose text the extension sets (the deploy plan and
 * report, the preview's before/after dumps): VS Code asks for the text and is told when it changes.
 */
import * as vscode from 'vscode';

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  /** `keep`: how many documents are kept; the oldest is dropped first (its tab shows empty once VS Code asks again). */
  constructor(readonly scheme: string, private readonly keep = Infinity) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Sets the text of the document `uri` (of this scheme) and tells VS Code it changed. */
  protected setText(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    if (this.texts.size > this.keep) this.texts.delete(this.texts.keys().next().value as string);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
