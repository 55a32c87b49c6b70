/**
 * Which sample data sets the preview runs on, and their bytes. By default every file that the
 * `pacsWorkbench.preview.samples` globs find in the workspace folders; once the user has chosen
 * samples with the picker, exactly those (kept per workspace until they choose "all" again).
 * Bytes are read once and kept until a file watcher says the file changed.
 */
import * as vscode from 'vscode';
import type { SampleInput } from './model';
import { NAMESPACE, settingId, SETTINGS } from '../../../../core/src/contributes';

export const SAMPLES_SETTING = SETTINGS.previewSamples;
export const DEFAULT_SAMPLE_GLOBS = ['samples/**/*.dcm', 'samples/**/*.json'];
/** More than this many matches are cut off: the preview is for a handful of test objects. */
export const MAX_SAMPLES = 50;
const SELECTION_KEY = `${NAMESPACE}.preview.selection`;
const EXCLUDE = '**/{node_modules,.git}/**';

export function sampleGlobs(): string[] {
  const value = vscode.workspace.getConfiguration(NAMESPACE).get<unknown>(SAMPLES_SETTING);
  if (!Array.isArray(value)) return DEFAULT_SAMPLE_GLOBS;
  return value.filter((g): g is string => typeof g === 'string' && g.trim() !== '');
}

/** `samples/ct.dcm` for a file of the workspace, the full path otherwise. */
export function sampleName(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

export class SampleSet implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the set of samples or the content of one of them may have changed. */
  readonly onDidChange = this.changed.event;
  private readonly bytes = new Map<string, Promise<SampleInput>>();
  private matches: Promise<vscode.Uri[]> | undefined;
  private watchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly state: vscode.Memento) {
    this.subscriptions.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(settingId(SAMPLES_SETTING))) this.invalidate();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate()),
    );
    this.watch();
  }

  /** Files the user chose with the picker, or undefined when the globs decide. */
  get selection(): vscode.Uri[] | undefined {
    const saved = this.state.get<string[]>(SELECTION_KEY);
    return saved ? saved.map((s) => vscode.Uri.parse(s)) : undefined;
  }

  async setSelection(uris: vscode.Uri[] | undefined): Promise<void> {
    await this.state.update(SELECTION_KEY, uris?.map((u) => u.toString()));
    this.watch();
    this.changed.fire();
  }

  /** Every file the globs find, sorted by path (cached until something changes). */
  matchingFiles(): Promise<vscode.Uri[]> {
    this.matches ??= findSamples(sampleGlobs());
    return this.matches;
  }

  /** The samples the preview runs on. */
  async current(): Promise<vscode.Uri[]> {
    return this.selection ?? (await this.matchingFiles());
  }

  /** The sample's bytes, or why they could not be read. */
  read(uri: vscode.Uri): Promise<SampleInput> {
    const key = uri.toString();
    let entry = this.bytes.get(key);
    if (!entry) {
      entry = Promise.resolve(vscode.workspace.fs.readFile(uri)).then(
        (bytes): SampleInput => ({ name: sampleName(uri), uri: key, bytes }),
        (error: unknown): SampleInput => ({ name: sampleName(uri), uri: key, readError: `cannot read the file: ${describeReadError(error)}` }),
      );
      this.bytes.set(key, entry);
    }
    return entry;
  }

  private invalidate(): void {
    this.matches = undefined;
    this.bytes.clear();
    this.watch();
    this.changed.fire();
  }

  /** Watches the globs (new, changed and deleted samples) and the chosen files. */
  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    const onFile = (uri: vscode.Uri, setChanged: boolean) => {
      this.bytes.delete(uri.toString());
      if (setChanged) this.matches = undefined;
      this.changed.fire();
    };
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const glob of sampleGlobs()) {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob));
        this.watchers.push(
          watcher,
          watcher.onDidCreate((uri) => onFile(uri, true)),
          watcher.onDidDelete((uri) => onFile(uri, true)),
          watcher.onDidChange((uri) => onFile(uri, false)),
        );
      }
    }
    // Chosen files may lie outside the globs: watch each of them too.
    for (const uri of this.selection ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.slice(uri.path.lastIndexOf('/') + 1)));
      this.watchers.push(watcher, watcher.onDidChange((changed) => onFile(changed, false)), watcher.onDidDelete((changed) => onFile(changed, false)), watcher.onDidCreate((changed) => onFile(changed, false)));
    }
  }

  dispose(): void {
    for (const w of this.watchers) w.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

async function findSamples(globs: string[]): Promise<vscode.Uri[]> {
  const found = new Map<string, vscode.Uri>();
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const glob of globs) {
      for (const uri of await vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), EXCLUDE, MAX_SAMPLES)) {
        found.set(uri.toString(), uri);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path)).slice(0, MAX_SAMPLES);
}

function describeReadError(error: unknown): string {
  if (error instanceof vscode.FileSystemError) return error.code || error.message;
  return error instanceof Error ? error.message : String(error);
}
