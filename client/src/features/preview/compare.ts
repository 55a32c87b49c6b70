/**
 * Before/after in VS Code's own diff editor: two read-only text documents (scheme `pacs-dump`),
 * one attribute a line in tag order (core/src/dicom/dump.ts), so the diff marks exactly the
 * attributes that differ. Used for a preview sample (the rules applied) and for any two DICOM
 * objects (`pacsWorkbench.compareDatasets`, e.g. a received object and what was stored).
 */
import * as vscode from 'vscode';
import { dumpAccess, dumpLines } from '../../../../core/src/dicom/dump';
import { loadDatasetBytes } from '../../../../core/src/dicom/files';
import { ReadOnlyDocuments } from '../readOnlyDocuments';

export const DUMP_SCHEME = 'pacs-dump';

export class DumpDocuments extends ReadOnlyDocuments {
  private counter = 0;

  constructor() {
    // Only the last few comparisons are kept.
    super(DUMP_SCHEME, 40);
  }

  /** A document holding `lines`, named `label` in its tab. */
  document(label: string, lines: string[]): vscode.Uri {
    // The query keeps two comparisons of the same sample apart (VS Code caches by URI).
    const uri = vscode.Uri.from({ scheme: DUMP_SCHEME, path: `/${label.replace(/[\\/]/g, '_')}.txt`, query: String(++this.counter) });
    this.setText(uri, `${lines.join('\n')}\n`);
    return uri;
  }

  async showDiff(title: string, left: { label: string; lines: string[] }, right: { label: string; lines: string[] }): Promise<void> {
    const a = this.document(left.label, left.lines);
    const b = this.document(right.label, right.lines);
    await vscode.commands.executeCommand('vscode.diff', a, b, title, { preview: true });
  }
}

/** The text dump of a DICOM file (Part 10 or JSON): meta, then the data set. */
export async function dumpFile(uri: vscode.Uri): Promise<string[]> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  const dump = dumpAccess(loadDatasetBytes(bytes, uri.path.slice(uri.path.lastIndexOf('/') + 1)).access);
  return [...dumpLines(dump.meta), ...dumpLines(dump.dataset)];
}
