/**
 * Before/after in VS Code's own diff editor: two read-only text documents (scheme `pacs-dump`),
 * one attribute a line in tag order (core/src/dicom/dump.ts), so the diff marks exactly the
 * attributes that differ. Used for a preview sample (the rules applied) and for any two DICOM
 * objects (`pacsWorkbench.compareDatasets`, e.g. a received object and what was stored).
 */
import * as vscode from 'vscode';
import { dumpAccess, dumpLines } from '../../../../core/src/dicom/dump';
import { loadDatasetBytes } from '../../../../core/src/dicom/files';

export const DUMP_SCHEME = 'pacs-dump';

export class DumpDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(DUMP_SCHEME, this);
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A document holding `lines`, named `label` in its tab. */
  document(label: string, lines: string[]): vscode.Uri {
    // The query keeps two comparisons of the same sample apart (VS Code caches by URI).
    const uri = vscode.Uri.from({ scheme: DUMP_SCHEME, path: `/${label.replace(/[\\/]/g, '_')}.txt`, query: String(++this.counter) });
    this.texts.set(uri.toString(), `${lines.join('\n')}\n`);
    // Only the last few comparisons are kept; older tabs show empty once VS Code asks again.
    if (this.texts.size > 40) this.texts.delete(this.texts.keys().next().value as string);
    this.changed.fire(uri);
    return uri;
  }

  async showDiff(title: string, left: { label: string; lines: string[] }, right: { label: string; lines: string[] }): Promise<void> {
    const a = this.document(left.label, left.lines);
    const b = this.document(right.label, right.lines);
    await vscode.commands.executeCommand('vscode.diff', a, b, title, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

/** The text dump of a DICOM file (Part 10 or JSON): meta, then the data set. */
export async function dumpFile(uri: vscode.Uri): Promise<string[]> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  const dump = dumpAccess(loadDatasetBytes(bytes, uri.path.slice(uri.path.lastIndexOf('/') + 1)).access);
  return [...dumpLines(dump.meta), ...dumpLines(dump.dataset)];
}
