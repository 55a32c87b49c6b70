/**
 * The preview panel: one webview beside the editor that shows what the rule file being edited
 * does to each sample. It follows the active coercion-rule editor, re-evaluates 150 ms after
 * the last keystroke (in the rule file or in a global rules file), when the samples change, and
 * when the settings do. Evaluation is local: no network, so it also runs in untrusted folders.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parseRuleFile } from '../../../../core/src/coercion/fileParser';
import type { RuleSetInput } from '../../../../core/src/coercion/evaluate';
import { buildImpact, type ImpactModel } from './impact';
import { buildPreview, keywordOfTag, summarize, type PreviewModel, type PreviewSummary } from './model';
import { parseUriList } from './addedPaths';
import { renderBody, renderDocument } from './render';
import { renderImpactBody } from './renderImpact';
import { MAX_SAMPLES, type SampleSet } from './samples';
import { COMMANDS, NAMESPACE, settingId, SETTINGS, WEBVIEW_PANELS } from '../../../../core/src/contributes';
import { PageRequests } from '../pageRequests';

export const PREVIEW_VIEW_TYPE = WEBVIEW_PANELS.preview;
export const COERCION_LANGUAGE = 'pacs-coercion';
export const PREVIEW_OPEN_CONTEXT = `${NAMESPACE}.previewOpen`;
export const GLOBAL_RULES_SETTING = SETTINGS.previewGlobalRules;
/** No local resources at all: the page is one self-contained document. */
const PANEL_OPTIONS: vscode.WebviewPanelOptions & vscode.WebviewOptions = { enableScripts: true, localResourceRoots: [] };
/** Long enough to skip most keystrokes of a word, short enough to feel live. */
export const DEBOUNCE_MS = 150;

/** What the test hook (`pacsWorkbench.preview.lastResult`) returns. */
export interface PreviewState extends PreviewSummary {
  /** Increases with every evaluation. */
  generation: number;
  /** The last generation the webview page acknowledged showing; -1 before the first. */
  renderedGeneration: number;
  /** What the page reported for that render: sections and rule links it holds, its layout, the marks in values. */
  rendered?: PageReport;
  /** Samples with "show all attributes" on. */
  expanded: string[];
  title: string;
  /** While the panel compares with a committed version: what it shows instead of the preview. */
  impact?: ImpactModel;
}

/**
 * The panel shows the effect of a change instead of the preview: the rule file's committed
 * rules (read by whoever starts the comparison, see compareWithHead.ts) against its rules now.
 */
export interface Comparison {
  /** What is compared with, e.g. `HEAD`. */
  against: string;
  /** The rule file's rules as they were; may be read again when the committed version moves. */
  committedRules(): Promise<RuleSetInput['file']>;
}

export interface WaitOptions {
  /** Resolve only once the preview shows this version (or a later one) of the rule document. */
  documentVersion?: number;
  /** ... of this rule document (its URI as a string, or the end of it, e.g. `/rules.coerce`). */
  document?: string;
  /** ... from an evaluation later than this generation. */
  generationAfter?: number;
  /** ... on this many samples. */
  sampleCount?: number;
  /** Also wait until the webview page has shown that evaluation. */
  rendered?: boolean;
  timeoutMs?: number;
}

/** What the page reports about what it shows (see page.ts `measure`). */
export interface PageReport {
  samples: number;
  links: number;
  layout?: { viewportWidth: number; scrollWidth: number; widestRow: number; stacked?: boolean };
  marks?: Array<{ sample: string; path: string; side: 'before' | 'after'; text: string | null; marked: string[] }>;
  visibleRows?: string[];
  /** After a synthesised drop: whether the page showed itself as a drop target while dragged over. */
  dropTarget?: boolean;
}

type PageMessage =
  | { type: 'ready' }
  | ({ type: 'rendered'; generation: number } & PageReport)
  | ({ type: 'measured'; id: number } & PageReport)
  | { type: 'reveal'; uri: string; line: number }
  | { type: 'pickSamples' | 'addSamples' | 'applyToFolder' }
  | { type: 'showPreview' }
  | { type: 'toggleAll' | 'compare'; uri?: string }
  | { type: 'export'; format?: string }
  | { type: 'drop'; uriList?: string; files?: string[] };

/** Commands the page's buttons run (registered in index.ts). */
export const PAGE_COMMANDS = {
  pickSamples: COMMANDS.preview.pickSamples,
  addSamples: COMMANDS.preview.addSamples,
  applyToFolder: COMMANDS.preview.applyToFolder,
  export: COMMANDS.preview.export,
  compare: COMMANDS.preview.compareBeforeAfter,
} as const;

interface GlobalRules {
  preceding?: string;
  trailing?: string;
}

export class PreviewController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private documentUri: vscode.Uri | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private model: PreviewModel | undefined;
  /** Set while the panel compares the document with its committed version. */
  private comparison: { document: string; with: Comparison } | undefined;
  private impact: ImpactModel | undefined;
  private modelGeneration = 0;
  private rendered: { generation: number } & PageReport = { generation: -1, samples: 0, links: 0 };
  /** Samples whose "show all attributes" is on (by sample URI). */
  private readonly expanded = new Set<string>();
  private readonly measures = new PageRequests<PageReport>();
  /** Rule files of the last evaluation: the only files a rule link may open. */
  private ruleFiles = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly samples: SampleSet) {
    this.subscriptions.push(
      samples.onDidChange(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.panel && this.watches(event.document.uri)) this.schedule();
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const document = editor?.document;
        if (this.panel && document?.languageId === COERCION_LANGUAGE && document.uri.toString() !== this.documentUri?.toString()) {
          this.follow(document.uri);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(settingId(GLOBAL_RULES_SETTING))) this.schedule();
      }),
    );
  }

  /** Opens (or reveals) the panel on `uri`, or on the active coercion-rule editor. */
  async open(uri?: vscode.Uri): Promise<void> {
    this.comparison = undefined;
    await this.show(uri);
  }

  /** Opens the panel on `uri` showing the effect of its change since `comparison` instead of the preview. */
  async compare(uri: vscode.Uri, comparison: Comparison): Promise<void> {
    this.comparison = { document: uri.toString(), with: comparison };
    await this.show(uri);
  }

  private async show(uri?: vscode.Uri): Promise<void> {
    const target = uri ?? activeRuleDocument();
    if (!target) {
      void vscode.window.showInformationMessage('PACS Workbench: open a coercion rule file (.coerce) to preview it on sample data sets.');
      return;
    }
    if (!this.panel) {
      this.adopt(
        vscode.window.createWebviewPanel(PREVIEW_VIEW_TYPE, 'Preview', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, PANEL_OPTIONS),
        target,
      );
    } else {
      this.panel.reveal(undefined, true);
    }
    this.follow(target);
    // Opening waits for the first evaluation, so a caller can read the result straight away.
    await this.update();
  }

  /**
   * Takes over a panel that VS Code restores after a reload (the webview serializer), on the
   * rule file the page remembered, or else the active rule editor. One preview at a time: a
   * second restored panel is closed.
   */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = (state as { document?: unknown } | undefined)?.document;
    const target = typeof saved === 'string' ? vscode.Uri.parse(saved) : activeRuleDocument();
    if (this.panel || !target) {
      panel.dispose();
      return;
    }
    panel.webview.options = PANEL_OPTIONS;
    this.adopt(panel, target);
    this.follow(target);
    await this.update();
  }

  private adopt(panel: vscode.WebviewPanel, target: vscode.Uri): void {
    this.panel = panel;
    panel.onDidDispose(() => this.closed(), null, this.subscriptions);
    panel.webview.onDidReceiveMessage((message: PageMessage) => this.onMessage(message), null, this.subscriptions);
    this.documentUri = target;
    this.setPage();
    // Palette entries of the panel's actions (export, compare, apply) show while it is open.
    void vscode.commands.executeCommand('setContext', PREVIEW_OPEN_CONTEXT, true);
  }

  /** Reveals a rule's line, as a rule link in the page asks. */
  async revealRule(uri: string, line: number): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const lineNumber = Math.max(0, Math.min(line, document.lineCount - 1));
    const range = document.lineAt(lineNumber).range;
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === document.uri.toString());
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Selection(range.start, range.end),
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  /** The test hook: the current preview, once it matches `options`. */
  state(options: WaitOptions = {}): Promise<PreviewState | undefined> {
    const ready = (): boolean => {
      if (!this.panel) return true;
      if (!this.model) return false;
      const { uri, version } = this.model.document;
      if (options.document !== undefined && !uri.endsWith(options.document)) return false;
      if (options.documentVersion !== undefined && (version ?? -1) < options.documentVersion) return false;
      if (options.generationAfter !== undefined && this.modelGeneration <= options.generationAfter) return false;
      if (options.sampleCount !== undefined && this.model.samples.length !== options.sampleCount) return false;
      if (options.rendered && this.rendered.generation < this.modelGeneration) return false;
      return true;
    };
    if (ready()) return Promise.resolve(this.snapshot());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(this.snapshot());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`the preview did not reach ${JSON.stringify(options)}; it shows ${JSON.stringify(this.snapshot())}`));
      }, options.timeoutMs ?? 30_000);
      this.waiters.add(check);
    });
  }

  private snapshot(): PreviewState | undefined {
    if (!this.panel || !this.model) return undefined;
    const state: PreviewState = {
      ...summarize(this.model),
      generation: this.modelGeneration,
      renderedGeneration: this.rendered.generation,
      title: this.panel.title,
      expanded: [...this.expanded],
    };
    if (this.impact) state.impact = this.impact;
    if (this.rendered.generation >= 0) {
      const { generation: _generation, ...report } = this.rendered;
      state.rendered = report;
    }
    return state;
  }

  private follow(uri: vscode.Uri): void {
    const changed = uri.toString() !== this.documentUri?.toString();
    this.documentUri = uri;
    // A comparison is of one file: following another one ends it.
    if (this.comparison && this.comparison.document !== uri.toString()) this.comparison = undefined;
    if (this.panel) this.panel.title = `Preview: ${basename(uri)}`;
    if (changed) this.schedule();
  }

  private watches(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return key === this.documentUri?.toString() || this.ruleFiles.has(key);
  }

  private schedule(): void {
    if (!this.panel) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), DEBOUNCE_MS);
  }

  /** The rule sets the preview runs now (unsaved edits included) and the rule document's version. */
  async currentRuleSets(notes: string[] = []): Promise<{ ruleSets: RuleSetInput[]; device: RuleSetInput; version: number } | undefined> {
    const documentUri = this.documentUri;
    if (!documentUri) return undefined;
    const document = await vscode.workspace.openTextDocument(documentUri);
    const globals = globalRuleFiles(documentUri);
    const [preceding, trailing] = await Promise.all([
      readRuleSet('Preceding Global', globals.preceding, documentUri, notes),
      readRuleSet('Trailing Global', globals.trailing, documentUri, notes),
    ]);
    // Text and version are taken together, after the last await: what is shown is this version.
    const device: RuleSetInput = { name: basename(documentUri), uri: documentUri.toString(), file: parseRuleFile(document.getText()) };
    const ruleSets = [preceding, device, trailing].filter((s): s is RuleSetInput => s !== undefined);
    return { ruleSets, device, version: document.version };
  }

  /** The model shown now, if the panel is open (export, compare). */
  get current(): PreviewModel | undefined {
    return this.panel ? this.model : undefined;
  }

  /** Turns a sample's "show all attributes" on or off and re-renders. */
  async showAllAttributes(sampleUri: string, on?: boolean): Promise<void> {
    const want = on ?? !this.expanded.has(sampleUri);
    if (want) this.expanded.add(sampleUri);
    else this.expanded.delete(sampleUri);
    await this.update();
  }

  /**
   * Test hook: asks the page what it shows now (layout, marks), optionally after setting the
   * filter, or after the page dispatched to itself the drag events of a drop of `drop` (a URI list).
   */
  measurePage(options: { filter?: string; drop?: string; timeoutMs?: number } = {}): Promise<PageReport | undefined> {
    const panel = this.panel;
    if (!panel) return Promise.resolve(undefined);
    const message = (id: number) =>
      options.drop !== undefined ? { type: 'synthesizeDrop', id, uriList: options.drop } : options.filter === undefined ? { type: 'measure', id } : { type: 'setFilter', id, text: options.filter };
    return this.measures.ask(panel.webview, message, options.timeoutMs ?? 10_000, 'the preview page did not answer a measure request');
  }

  private async update(): Promise<void> {
    clearTimeout(this.timer);
    const documentUri = this.documentUri;
    if (!this.panel || !documentUri) return;
    const generation = ++this.generation;
    const notes: string[] = [];
    let model: PreviewModel;
    let impact: ImpactModel | undefined;
    let ruleFiles = [documentUri.toString()];
    const comparison = this.comparison?.document === documentUri.toString() ? this.comparison.with : undefined;
    try {
      const sampleUris = await this.samples.current();
      const inputs = await Promise.all(sampleUris.map((uri) => this.samples.read(uri)));
      const rules = await this.currentRuleSets(notes);
      const committed = comparison ? await comparison.committedRules().catch((error: unknown) => {
        // E.g. the file was removed from HEAD since: say so and show the preview.
        notes.push(`Cannot compare with ${comparison.against}: ${error instanceof Error ? error.message : String(error)}`);
        this.comparison = undefined;
        return undefined;
      }) : undefined;
      if (generation !== this.generation) return; // a newer update has started
      const { ruleSets, device, version } = rules!;
      ruleFiles = ruleSets.map((s) => s.uri!);
      model = buildPreview({ uri: device.uri!, name: device.name, version }, ruleSets, inputs, notes, this.expanded);
      if (comparison && committed) {
        // The same chain with the file's committed rules in its place: the effect of this file's change.
        const oldSets = ruleSets.map((s) => (s === device ? { ...device, file: committed } : s));
        impact = buildImpact(model.document, comparison.against, oldSets, ruleSets, inputs);
      }
    } catch (error) {
      if (generation !== this.generation) return;
      model = buildPreview({ uri: documentUri.toString(), name: basename(documentUri) }, [], [], [
        `The rule file could not be read: ${error instanceof Error ? error.message : String(error)}`,
      ]);
    }
    if (!this.panel) return; // closed while evaluating
    this.model = model;
    this.impact = impact;
    this.modelGeneration = generation;
    this.ruleFiles = new Set(ruleFiles);
    await this.panel?.webview.postMessage({ type: 'render', html: this.body(), generation, document: model.document.uri });
    this.notifyWaiters();
  }

  /** What the page shows: the effect of the change while comparing, else the preview. */
  private body(): string {
    if (this.impact) return renderImpactBody(this.impact);
    return this.model ? renderBody(this.model, keywordOfTag) : '<p class="quiet">Evaluating…</p>';
  }

  private setPage(): void {
    if (!this.panel) return;
    this.panel.webview.html = renderDocument({
      nonce: randomBytes(16).toString('base64'),
      title: this.panel.title,
      body: this.body(),
      generation: this.model ? this.modelGeneration : 0,
    });
  }

  private onMessage(message: PageMessage): void {
    switch (message?.type) {
      case 'ready':
        // The page (re)loaded, e.g. after being hidden: give it the latest evaluation.
        if (this.model) void this.panel?.webview.postMessage({ type: 'render', html: this.body(), generation: this.modelGeneration, document: this.model.document.uri });
        return;
      case 'rendered':
        if (typeof message.generation === 'number' && message.generation >= this.rendered.generation) {
          const { type: _type, ...report } = message;
          this.rendered = report;
          this.notifyWaiters();
        }
        return;
      case 'measured': {
        const { type: _type, id, ...report } = message;
        this.measures.answer(id, report);
        return;
      }
      case 'reveal':
        // Only lines of the rule files being previewed: the page is not trusted to open anything else.
        if (typeof message.uri === 'string' && this.ruleFiles.has(message.uri) && Number.isInteger(message.line)) {
          void this.revealRule(message.uri, message.line);
        }
        return;
      case 'showPreview':
        this.comparison = undefined;
        void this.update();
        return;
      case 'pickSamples':
      case 'addSamples':
      case 'applyToFolder':
        void vscode.commands.executeCommand(PAGE_COMMANDS[message.type]);
        return;
      case 'export':
        void vscode.commands.executeCommand(PAGE_COMMANDS.export, message.format === 'json' ? 'json' : 'csv');
        return;
      case 'toggleAll':
      case 'compare':
        // Only samples of the current preview: the page names them, it does not choose files.
        if (typeof message.uri === 'string' && this.model?.samples.some((s) => s.uri === message.uri)) {
          if (message.type === 'toggleAll') void this.showAllAttributes(message.uri);
          else void vscode.commands.executeCommand(PAGE_COMMANDS.compare, message.uri);
        }
        return;
      case 'drop': {
        const uris = parseUriList(typeof message.uriList === 'string' ? message.uriList : '').slice(0, MAX_SAMPLES);
        if (uris.length === 0) {
          void vscode.window.showInformationMessage('PACS Workbench: drop files from the Explorer (hold Shift while dropping onto the preview) to add them as samples.');
          return;
        }
        void vscode.commands.executeCommand(PAGE_COMMANDS.addSamples, uris.map((u) => vscode.Uri.parse(u)));
        return;
      }
    }
  }

  private notifyWaiters(): void {
    for (const check of [...this.waiters]) check();
  }

  private closed(): void {
    clearTimeout(this.timer);
    this.panel = undefined;
    this.model = undefined;
    this.impact = undefined;
    this.comparison = undefined;
    this.rendered = { generation: -1, samples: 0, links: 0 };
    this.ruleFiles.clear();
    this.expanded.clear();
    void vscode.commands.executeCommand('setContext', PREVIEW_OPEN_CONTEXT, false);
    this.notifyWaiters();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function activeRuleDocument(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document?.languageId === COERCION_LANGUAGE ? document.uri : undefined;
}

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

function globalRuleFiles(scope: vscode.Uri): GlobalRules {
  const value = vscode.workspace.getConfiguration(NAMESPACE, scope).get<unknown>(GLOBAL_RULES_SETTING);
  if (typeof value !== 'object' || value === null) return {};
  const { preceding, trailing } = value as Record<string, unknown>;
  return {
    preceding: typeof preceding === 'string' && preceding.trim() ? preceding.trim() : undefined,
    trailing: typeof trailing === 'string' && trailing.trim() ? trailing.trim() : undefined,
  };
}

/** A global rules file, with its unsaved edits when it is open; a note when it cannot be read. */
async function readRuleSet(name: string, file: string | undefined, document: vscode.Uri, notes: string[]): Promise<RuleSetInput | undefined> {
  if (!file) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(document) ?? vscode.workspace.workspaceFolders?.[0];
  const uri = /^(\/|[a-zA-Z]:[\\/])/.test(file) || !folder ? vscode.Uri.file(file) : vscode.Uri.joinPath(folder.uri, file);
  // The file being previewed is not run twice when it is also a global rules file.
  if (uri.toString() === document.toString()) return undefined;
  try {
    const text = await vscode.workspace.openTextDocument(uri);
    return { name, uri: uri.toString(), file: parseRuleFile(text.getText()) };
  } catch (error) {
    notes.push(`${name} rules (${file}, setting ${settingId(GLOBAL_RULES_SETTING)}) could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
