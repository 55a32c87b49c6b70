/**
 * The read-only custom editor for DICOM files: the extension host reads the file (header by
 * header for Part 10, leaving pixel data and other big values on disk: core/src/dicom/head.ts),
 * dumps it (core/src/dicom/dump.ts) and gives the webview only the rendered tree. Nothing in the
 * page can write: its buttons ask the extension to copy a rule or open the preview.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { assignmentRule } from '../../../../core/src/coercion/literal';
import { clipDump, dumpAccess, dumpPart10, flattenDump, type DatasetDump } from '../../../../core/src/dicom/dump';
import { DicomFileError, loadDatasetBytes } from '../../../../core/src/dicom/files';
import { readPart10Head } from '../../../../core/src/dicom/head';
import { DicomParseError } from '../../../../core/src/dicom/part10';
import { VIEWER_SCRIPT } from './page';
import { renderViewerBody, renderViewerDocument, renderViewerError } from './render';
import { CUSTOM_EDITORS } from '../../../../core/src/contributes';
import { PageRequests } from '../pageRequests';

export const VIEWER_VIEW_TYPE = CUSTOM_EDITORS.dicomViewer;
/** Files read whole (DICOM JSON, files not on disk) must not be larger than this. */
const MAX_WHOLE_READ = 256 * 1024 * 1024;

export interface ViewerReport {
  matches: string[];
  visible: number;
  rows: number;
  viewportWidth: number;
  scrollWidth: number;
}

class DicomDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri, readonly dump: DatasetDump | undefined, readonly size: number, readonly error?: string) {}
  dispose(): void {}
}

type PageMessage =
  | { type: 'ready' }
  | { type: 'copyRule'; path?: string }
  | { type: 'previewRules' }
  | { type: 'state'; id: number } & ViewerReport;

const nameOf = (uri: vscode.Uri): string => uri.path.slice(uri.path.lastIndexOf('/') + 1);

/** Reads a DICOM file for display: Part 10 without its bulk values, DICOM JSON whole. */
export async function readForViewer(uri: vscode.Uri): Promise<{ dump: DatasetDump; size: number }> {
  if (uri.scheme === 'file') {
    try {
      const head = readPart10Head(uri.fsPath);
      return { dump: dumpPart10(head.file, head.skipped), size: head.size };
    } catch (error) {
      // Not Part 10 (no DICM prefix): it may still be DICOM JSON, read below.
      if (!(error instanceof DicomParseError && error.offset === 128)) throw error;
    }
  }
  const size = (await vscode.workspace.fs.stat(uri)).size;
  if (size > MAX_WHOLE_READ) throw new Error(`the file is ${size} bytes; files that are not Part 10 on disk are shown up to ${MAX_WHOLE_READ} bytes`);
  const bytes = await vscode.workspace.fs.readFile(uri);
  return { dump: dumpAccess(loadDatasetBytes(bytes, nameOf(uri)).access), size: bytes.length };
}

function describe(error: unknown): string {
  if (error instanceof DicomFileError) return error.reason;
  if (error instanceof vscode.FileSystemError) return error.code || error.message;
  return error instanceof Error ? error.message : String(error);
}

export class DicomViewerProvider implements vscode.CustomReadonlyEditorProvider<DicomDocument> {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; document: DicomDocument; ready: Promise<void> }>();
  private readonly reports = new PageRequests<ViewerReport>();
  /** Callers of `report` waiting for a viewer being opened. */
  private readonly opened = new Set<() => void>();

  constructor(private readonly previewRules: (uri: vscode.Uri) => Thenable<unknown>) {}

  async openCustomDocument(uri: vscode.Uri): Promise<DicomDocument> {
    try {
      const { dump, size } = await readForViewer(uri);
      return new DicomDocument(uri, dump, size);
    } catch (error) {
      return new DicomDocument(uri, undefined, 0, describe(error));
    }
  }

  resolveCustomEditor(document: DicomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = { enableScripts: true, localResourceRoots: [] };
    const name = nameOf(document.uri);
    const body = document.dump
      ? renderViewerBody({ name, size: document.size, dump: { ...document.dump, meta: clipDump(document.dump.meta), dataset: clipDump(document.dump.dataset) } })
      : renderViewerError(name, document.error ?? 'unknown error');
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const key = document.uri.toString();
    this.panels.set(key, { panel, document, ready });
    for (const waiter of [...this.opened]) waiter();
    panel.onDidDispose(() => {
      if (this.panels.get(key)?.panel === panel) this.panels.delete(key);
    });
    panel.webview.onDidReceiveMessage((message: PageMessage) => {
      switch (message?.type) {
        case 'ready':
          markReady();
          return;
        case 'copyRule':
          if (typeof message.path === 'string') void this.copyAsRule(document, message.path);
          return;
        case 'previewRules':
          void this.previewRules(document.uri);
          return;
        case 'state': {
          const { type: _type, id, ...report } = message;
          this.reports.answer(id, report);
          return;
        }
      }
    });
    panel.webview.html = renderViewerDocument({ nonce: randomBytes(16).toString('base64'), title: name, body, script: VIEWER_SCRIPT });
  }

  /** `(gggg,eeee)="value"` (or `SEQ(...)="value"`) of an attribute, on the clipboard; also returned. */
  async copyAsRule(document: { uri: vscode.Uri } | vscode.Uri, path: string): Promise<string | undefined> {
    const uri = document instanceof vscode.Uri ? document : document.uri;
    const dump = this.panels.get(uri.toString())?.document.dump ?? (await readForViewer(uri)).dump;
    const attribute = flattenDump(dump.dataset).find((a) => a.path === path);
    if (!attribute || attribute.value === undefined) {
      void vscode.window.showWarningMessage(`PACS Workbench: ${path} has no text value to copy as a rule.`);
      return undefined;
    }
    const rule = assignmentRule(attribute.path, attribute.value);
    await vscode.env.clipboard.writeText(rule);
    void vscode.window.setStatusBarMessage(`Copied ${rule.length > 60 ? `${rule.slice(0, 60)}…` : rule}`, 4000);
    return rule;
  }

  private opening(key: string, timeoutMs: number): Promise<{ panel: vscode.WebviewPanel; ready: Promise<void> } | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.opened.delete(check);
        resolve(undefined);
      }, timeoutMs);
      const check = (): void => {
        const entry = this.panels.get(key);
        if (!entry) return;
        clearTimeout(timer);
        this.opened.delete(check);
        resolve(entry);
      };
      this.opened.add(check);
    });
  }

  /** Test hook: what the viewer of `uri` shows, after searching for `search` when given. */
  async report(uri: vscode.Uri, search?: string, timeoutMs = 20_000): Promise<ViewerReport | undefined> {
    // The tab of a file being opened shows before VS Code resolves its editor: wait for that.
    const entry = this.panels.get(uri.toString()) ?? (await this.opening(uri.toString(), timeoutMs));
    if (!entry) return undefined;
    await entry.ready;
    const message = (id: number) => (search === undefined ? { type: 'report', id } : { type: 'search', id, text: search });
    return this.reports.ask(entry.panel.webview, message, timeoutMs, `the DICOM viewer of ${uri.path} did not answer`);
  }
}
