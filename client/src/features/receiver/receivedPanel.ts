/**
 * The panel a click on a received object in the Traffic view opens: that object before and
 * after the rules in the rule preview's own rendering (preview/render.ts, preview/page.ts): the
 * changed characters marked, each change with the rule line that made it, all attributes on
 * request, Compare Before/After. One panel, showing the object clicked last. The page names
 * nothing but this object: it cannot make the extension open any other file.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { NAMESPACE } from '../../../../core/src/contributes';
import { clipDump, dumpAccess } from '../../../../core/src/dicom/dump';
import { loadDatasetBytes } from '../../../../core/src/dicom/files';
import { COMPARE_DATASETS_COMMAND } from '../preview';
import { keywordOfTag } from '../preview/model';
import type { PageReport } from '../preview/previewPanel';
import { renderDocument, renderSample } from '../preview/render';
import { escapeHtml } from '../webviewPage';
import { receivedName, receivedSample } from './receivedObject';
import type { ObjectEvent } from './trafficModel';

export const RECEIVED_VIEW_TYPE = `${NAMESPACE}.receivedObject`;

type PageMessage =
  | { type: 'ready' }
  | ({ type: 'rendered'; generation: number } & PageReport)
  | { type: 'reveal'; uri: string; line: number }
  | { type: 'toggleAll' | 'compare'; uri?: string };

export interface ReceivedPanelState {
  title: string;
  object: string;
  allAttributes: boolean;
  /** What the page reported for its last render (layout, marks), as the preview's page does. */
  rendered?: PageReport;
}

async function readDataset(file: string): Promise<ReturnType<typeof dumpAccess>['dataset']> {
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(file));
  return clipDump(dumpAccess(loadDatasetBytes(bytes, file).access).dataset);
}

export class ReceivedPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private event: ObjectEvent | undefined;
  private allAttributes = false;
  private generation = 0;
  private rendered: PageReport | undefined;
  private readonly waiters = new Set<() => void>();

  /** Shows `event` (replacing the object shown before) and resolves once the page has rendered it. */
  async show(event: ObjectEvent, options: { allAttributes?: boolean } = {}): Promise<void> {
    this.event = event;
    this.allAttributes = options.allAttributes === true;
    this.rendered = undefined;
    const title = `Received: ${receivedName(event)}`;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(RECEIVED_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active }, { enableScripts: true, localResourceRoots: [] });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.notify();
      });
      this.panel.webview.onDidReceiveMessage((m: PageMessage) => this.onMessage(m));
    } else {
      this.panel.reveal();
    }
    this.panel.title = title;
    await this.render(true);
  }

  /** Test hook: what the panel shows, once the page has rendered the latest object. */
  state(timeoutMs = 20_000): Promise<ReceivedPanelState | undefined> {
    const snapshot = (): ReceivedPanelState | undefined =>
      this.panel && this.event ? { title: this.panel.title, object: this.event.sopInstanceUid, allAttributes: this.allAttributes, rendered: this.rendered } : undefined;
    if (!this.panel || this.rendered) return Promise.resolve(snapshot());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`the received object's page did not render ${this.event?.sopInstanceUid}`));
      }, timeoutMs);
      const check = (): void => {
        if (this.panel && !this.rendered) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(snapshot());
      };
      this.waiters.add(check);
    });
  }

  private async body(): Promise<string> {
    const e = this.event!;
    let attributes;
    let note = '';
    if (this.allAttributes) {
      if (e.original && e.file) {
        try {
          attributes = { before: await readDataset(e.original), after: await readDataset(e.file) };
        } catch (error) {
          note = `<p class="note">The attributes cannot be listed: ${escapeHtml(error instanceof Error ? error.message : String(error))}</p>`;
        }
      } else {
        note = `<p class="note">All attributes need both the object as it arrived and as it was stored; ${e.file ? 'the original was not kept' : 'nothing was stored'}.</p>`;
      }
    }
    const rules = e.rules.map((r) => r.slice(r.lastIndexOf('/') + 1)).join(' → ') || 'no rule set';
    const header =
      `<header><h1>Received from ${escapeHtml(e.device ?? `unknown caller ${e.callingAe}`)}</h1>` +
      `<p class="quiet">${escapeHtml(e.time)}; SOP class ${escapeHtml(e.sopClassUid)}, transfer syntax ${escapeHtml(e.transferSyntaxUid)}; rules run: ${escapeHtml(rules)}. ` +
      'Before is the object as it arrived, after is what the receiver stored.</p>' +
      note +
      '</header>';
    return header + renderSample(receivedSample(e, attributes), { trace: false }, keywordOfTag);
  }

  private async render(whole: boolean): Promise<void> {
    const panel = this.panel;
    if (!panel || !this.event) return;
    const generation = ++this.generation;
    const html = await this.body();
    if (panel !== this.panel || generation !== this.generation) return;
    if (whole) {
      panel.webview.html = renderDocument({ nonce: randomBytes(16).toString('base64'), title: panel.title, body: html, generation, previewButtons: false });
    } else {
      await panel.webview.postMessage({ type: 'render', html, generation });
    }
  }

  private onMessage(message: PageMessage): void {
    const e = this.event;
    if (!e) return;
    switch (message?.type) {
      case 'rendered':
        if (message.generation === this.generation) {
          const { type: _type, generation: _generation, ...report } = message;
          this.rendered = report;
          this.notify();
        }
        return;
      case 'reveal': {
        // Only the rule files that changed this object.
        const sample = receivedSample(e);
        const change = sample.changes.find((c) => c.uri === message.uri && c.line === message.line);
        if (change?.uri) void vscode.window.showTextDocument(vscode.Uri.parse(change.uri), { selection: new vscode.Range(change.line, 0, change.line, 0), viewColumn: vscode.ViewColumn.One });
        return;
      }
      case 'toggleAll':
        this.allAttributes = !this.allAttributes;
        this.rendered = undefined;
        void this.render(false);
        return;
      case 'compare':
        if (e.original && e.file) void vscode.commands.executeCommand(COMPARE_DATASETS_COMMAND, vscode.Uri.file(e.original), vscode.Uri.file(e.file), `${receivedName(e)}: received ↔ stored`);
        else void vscode.window.showInformationMessage(`PACS Workbench: ${e.file ? 'the object as it arrived was not kept' : 'nothing was stored for this object'}, so there is nothing to compare.`);
        return;
    }
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
