/**
 * The device tables of the workspace: every *.pacs file, parsed into a DeviceTable. It follows
 * the files as they change: an open document's text wins (so the tree shows unsaved edits and
 * undo at once), otherwise the text on disk, re-read when a watcher reports a change.
 */
import * as vscode from 'vscode';
import { buildDeviceTable, parseDeviceFile, type DeviceModel, type DeviceTable } from '../../../../core/src/devices';

export const DEVICES_LANGUAGE_ID = 'pacs-devices';
const PACS_GLOB = '**/*.pacs';

export interface DeviceFile {
  uri: vscode.Uri;
  table: DeviceTable;
}

export class DeviceFiles implements vscode.Disposable {
  private readonly files = new Map<string, DeviceFile>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private pending: Promise<void> = Promise.resolve();
  private disposed = false;

  /** Fires after any table was added, changed or removed. */
  readonly onDidChange = this.changed.event;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(PACS_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.track(this.load(uri))),
      watcher.onDidChange((uri) => this.track(this.load(uri))),
      watcher.onDidDelete((uri) => this.forget(uri)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (isPacs(event.document)) this.setText(event.document.uri, event.document.getText());
      }),
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (isPacs(document)) this.setText(document.uri, document.getText());
      }),
      // A closed document may have been left unsaved: the disk is the truth again. A file
      // from outside the workspace was only shown while it was open.
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!isPacs(document)) return;
        if (vscode.workspace.getWorkspaceFolder(document.uri)) this.track(this.load(document.uri));
        else this.forget(document.uri);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.track(this.reloadAll())),
    );
    this.track(this.reloadAll());
  }

  /** Every file, sorted by path, so the tree's order is stable. */
  all(): DeviceFile[] {
    return [...this.files.values()].sort((a, b) => a.uri.path.localeCompare(b.uri.path));
  }

  get(uri: vscode.Uri | string): DeviceFile | undefined {
    return this.files.get(typeof uri === 'string' ? uri : uri.toString());
  }

  device(uri: vscode.Uri | string, id: string): { file: DeviceFile; device: DeviceModel } | undefined {
    const file = this.get(uri);
    const device = file?.table.devices.find((d) => d.id === id);
    return file && device ? { file, device } : undefined;
  }

  /** Resolves once every load started so far has finished. */
  async settled(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.pending;
      await seen;
    } while (seen !== this.pending);
  }

  /** Finds every .pacs file again (the Refresh button, and the start). */
  async reloadAll(): Promise<void> {
    const uris = await vscode.workspace.findFiles(PACS_GLOB, '**/node_modules/**');
    const found = new Set(uris.map((u) => u.toString()));
    for (const key of [...this.files.keys()]) if (!found.has(key)) this.files.delete(key);
    await Promise.all(uris.map((uri) => this.load(uri, false)));
    this.fire();
  }

  /** Re-reads one file from its open document, else from disk. */
  async load(uri: vscode.Uri, notify = true): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.setText(uri, open.getText(), notify);
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      // Deleted between the event and the read.
      return this.forget(uri);
    }
    this.setText(uri, text, notify);
  }

  private setText(uri: vscode.Uri, text: string, notify = true): void {
    if (this.disposed) return;
    const { ast } = parseDeviceFile(text, uri.toString());
    this.files.set(uri.toString(), { uri, table: buildDeviceTable(ast) });
    if (notify) this.fire();
  }

  private forget(uri: vscode.Uri): void {
    if (this.files.delete(uri.toString())) this.fire();
  }

  private track(work: Promise<void>): void {
    this.pending = Promise.all([this.pending, work.catch(() => undefined)]).then(() => undefined);
  }

  private fire(): void {
    if (!this.disposed) this.changed.fire();
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
  }
}

/** Real files only: a `git:` or diff view of a .pacs file is not another device table. */
function isPacs(document: vscode.TextDocument): boolean {
  if (document.uri.scheme !== 'file') return false;
  return document.languageId === DEVICES_LANGUAGE_ID || document.uri.path.endsWith('.pacs');
}
