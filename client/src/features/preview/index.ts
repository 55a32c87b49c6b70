/**
 * The live preview of coercion rules on sample data sets: commands, code lens and panel.
 * Evaluation runs in the extension host with the core rule engine; nothing goes to the network,
 * so the preview also works in untrusted workspaces.
 */
import * as vscode from 'vscode';
import type { Feature } from '../feature';
import { addSamples } from './addSamples';
import { applyToFolder, type ApplyOptions } from './applyToFolder';
import { OPEN_PREVIEW_COMMAND, registerPreviewCodeLens } from './codeLens';
import { DumpDocuments, dumpFile } from './compare';
import { compareWithHead, COMPARE_WITH_HEAD_COMMAND } from './compareWithHead';
import { ChangedRuleFiles } from './gitHead';
import { exportPreview, type ExportFormat } from './export';
import { sampleDumps } from './model';
import { PAGE_COMMANDS, PreviewController, type WaitOptions } from './previewPanel';
import { pickSamples } from './samplePicker';
import { SampleSet } from './samples';
import { INTERNAL_COMMANDS } from '../../../../core/src/contributes';

export { OPEN_PREVIEW_COMMAND } from './codeLens';
export { COMPARE_WITH_HEAD_COMMAND } from './compareWithHead';
/** Test hook: the rule files *Compare Rule Effect with HEAD* is offered on now (URIs as strings). */
export const CHANGED_RULES_COMMAND = INTERNAL_COMMANDS.previewRulesChangedSinceHead;
export const PICK_SAMPLES_COMMAND = PAGE_COMMANDS.pickSamples;
export const ADD_SAMPLES_COMMAND = PAGE_COMMANDS.addSamples;
export const EXPORT_COMMAND = PAGE_COMMANDS.export;
export const APPLY_TO_FOLDER_COMMAND = PAGE_COMMANDS.applyToFolder;
export const COMPARE_SAMPLE_COMMAND = PAGE_COMMANDS.compare;
/** Entry point for other views (Traffic, viewer): `(before: Uri, after: Uri, title?)` opens the diff editor on their dumps. */
export const COMPARE_DATASETS_COMMAND = INTERNAL_COMMANDS.compareDatasets;
export const SHOW_ALL_ATTRIBUTES_COMMAND = INTERNAL_COMMANDS.previewShowAllAttributes;
/** Test hook: the preview's current evaluation summary (see PreviewState), or undefined. */
export const LAST_RESULT_COMMAND = INTERNAL_COMMANDS.previewLastResult;
/** Test hook: what the page shows now (layout, marks, rows left by a filter). */
export const MEASURE_PAGE_COMMAND = INTERNAL_COMMANDS.previewMeasurePage;
/** What a rule link in the page runs; also callable by tests. */
export const REVEAL_RULE_COMMAND = INTERNAL_COMMANDS.previewRevealRule;
/** What the webview serializer does with a restored panel; also callable by tests. */
export const RESTORE_PANEL_COMMAND = INTERNAL_COMMANDS.previewRestorePanel;

const toUri = (u: unknown): vscode.Uri | undefined => (u instanceof vscode.Uri ? u : typeof u === 'string' ? vscode.Uri.parse(u) : undefined);

export function register(context: vscode.ExtensionContext): void {
  const samples = new SampleSet(context.workspaceState);
  const controller = new PreviewController(samples);
  const dumps = new DumpDocuments();
  const log = vscode.window.createOutputChannel('PACS Preview');
  const changedRules = new ChangedRuleFiles();

  async function compareSample(sample?: unknown): Promise<void> {
    const model = controller.current;
    if (!model) {
      void vscode.window.showInformationMessage('PACS Workbench: open the rule preview first (Preview Rules on Samples).');
      return;
    }
    let uri = toUri(sample)?.toString();
    if (!uri) {
      const pick = await vscode.window.showQuickPick(model.samples.map((s) => ({ label: s.name, uri: s.uri })), { title: 'Compare which sample before and after the rules?' });
      uri = pick?.uri;
    }
    const chosen = model.samples.find((s) => s.uri === uri);
    if (!uri || !chosen) return;
    const rules = await controller.currentRuleSets();
    if (!rules) return;
    const input = await samples.read(vscode.Uri.parse(uri));
    const name = chosen.name.slice(chosen.name.lastIndexOf('/') + 1);
    try {
      const { before, after, stopped } = sampleDumps(rules.ruleSets, input);
      await dumps.showDiff(
        `${name}: before ↔ after ${rules.device.name}${stopped ? ' (stopped: not stored)' : ''}`,
        { label: `${name} (before)`, lines: before },
        { label: `${name} (after ${rules.device.name})`, lines: after },
      );
    } catch (error) {
      void vscode.window.showErrorMessage(`PACS Workbench: cannot compare ${chosen.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function exportResult(format?: unknown, target?: unknown): Promise<vscode.Uri | undefined> {
    const model = controller.current;
    if (!model) {
      void vscode.window.showInformationMessage('PACS Workbench: open the rule preview first; the export saves what it shows.');
      return undefined;
    }
    const kind: ExportFormat | undefined = format === 'json' || format === 'csv' ? format : (await vscode.window.showQuickPick(
      [{ label: 'CSV', description: 'one row per changed attribute per sample', format: 'csv' as const }, { label: 'JSON', description: 'the whole preview summary', format: 'json' as const }],
      { title: 'Export the rule preview as' },
    ))?.format;
    if (!kind) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const base = model.document.name.replace(/\.coerce$/, '');
    const file = toUri(target) ?? (await vscode.window.showSaveDialog({
      title: 'Save the preview (it holds the samples\' values, which may be patient data)',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}-preview.${kind}`) : undefined,
      filters: kind === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    }));
    if (!file) return undefined;
    await vscode.workspace.fs.writeFile(file, Buffer.from(exportPreview(model, kind), 'utf8'));
    if (!target) void vscode.window.showInformationMessage(`PACS Workbench: preview saved to ${vscode.workspace.asRelativePath(file)}.`);
    return file;
  }

  async function apply(options?: ApplyOptions): Promise<unknown> {
    const rules = controller.current ? await controller.currentRuleSets() : undefined;
    if (!rules) {
      void vscode.window.showInformationMessage('PACS Workbench: open the rule preview on a rule file first; Apply to Folder runs the rules it shows.');
      return undefined;
    }
    return applyToFolder(rules.ruleSets, log, { input: toUri(options?.input), output: toUri(options?.output) });
  }

  context.subscriptions.push(
    samples,
    controller,
    dumps,
    log,
    changedRules,
    registerPreviewCodeLens(samples),
    vscode.commands.registerCommand(OPEN_PREVIEW_COMMAND, (uri?: unknown) =>
      controller.open(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(PICK_SAMPLES_COMMAND, (uris?: unknown) =>
      pickSamples(samples, Array.isArray(uris) ? (uris as (vscode.Uri | string)[]) : undefined),
    ),
    vscode.commands.registerCommand(ADD_SAMPLES_COMMAND, (uris?: unknown) =>
      addSamples(samples, Array.isArray(uris) ? uris.map(toUri).filter((u): u is vscode.Uri => u !== undefined) : undefined),
    ),
    vscode.commands.registerCommand(EXPORT_COMMAND, exportResult),
    vscode.commands.registerCommand(APPLY_TO_FOLDER_COMMAND, apply),
    vscode.commands.registerCommand(COMPARE_SAMPLE_COMMAND, compareSample),
    vscode.commands.registerCommand(COMPARE_WITH_HEAD_COMMAND, (uri?: unknown) => compareWithHead(controller, toUri(uri))),
    vscode.commands.registerCommand(CHANGED_RULES_COMMAND, () => changedRules.files),
    vscode.commands.registerCommand(COMPARE_DATASETS_COMMAND, async (before: unknown, after: unknown, title?: unknown) => {
      const a = toUri(before);
      const b = toUri(after);
      if (!a || !b) throw new Error(`${COMPARE_DATASETS_COMMAND} takes two file URIs`);
      const name = (u: vscode.Uri) => u.path.slice(u.path.lastIndexOf('/') + 1);
      await dumps.showDiff(typeof title === 'string' ? title : `${name(a)} ↔ ${name(b)}`, { label: name(a), lines: await dumpFile(a) }, { label: `${name(b)} `, lines: await dumpFile(b) });
    }),
    vscode.commands.registerCommand(SHOW_ALL_ATTRIBUTES_COMMAND, (sample: unknown, on?: unknown) => {
      const uri = toUri(sample);
      return uri ? controller.showAllAttributes(uri.toString(), typeof on === 'boolean' ? on : undefined) : undefined;
    }),
    vscode.commands.registerCommand(LAST_RESULT_COMMAND, (options?: WaitOptions) => controller.state(options ?? {})),
    vscode.commands.registerCommand(MEASURE_PAGE_COMMAND, (options?: { filter?: string; drop?: string }) => controller.measurePage(options ?? {})),
    vscode.commands.registerCommand(REVEAL_RULE_COMMAND, async (uri: string, line: number) => {
      await controller.revealRule(uri, line);
    }),
    // The serializer (VS Code's window reload) is registered at activation (../lazy.ts) and hands over here.
    vscode.commands.registerCommand(RESTORE_PANEL_COMMAND, (panel: vscode.WebviewPanel, state: unknown) => controller.restore(panel, state)),
  );
}

/** What the preview's webview serializer does with a panel VS Code restored. */
export function restorePreviewPanel(panel: vscode.WebviewPanel, state: unknown): Thenable<void> {
  return vscode.commands.executeCommand(RESTORE_PANEL_COMMAND, panel, state);
}

export const preview: Feature = { name: 'preview', register: (context) => register(context) };
