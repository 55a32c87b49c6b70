/**
 * The live preview of coercion rules on sample data sets: commands, code lens and panel.
 * Evaluation runs in the extension host with the core rule engine; nothing goes to the network,
 * so the preview also works in untrusted workspaces.
 */
import * as vscode from 'vscode';
import type { Feature } from '../feature';
import { OPEN_PREVIEW_COMMAND, registerPreviewCodeLens } from './codeLens';
import { PREVIEW_VIEW_TYPE, PreviewController, type WaitOptions } from './previewPanel';
import { pickSamples } from './samplePicker';
import { SampleSet } from './samples';

export { OPEN_PREVIEW_COMMAND } from './codeLens';
export const PICK_SAMPLES_COMMAND = 'pacsWorkbench.preview.pickSamples';
/** Test hook: the preview's current evaluation summary (see PreviewState), or undefined. */
export const LAST_RESULT_COMMAND = 'pacsWorkbench.preview.lastResult';
/** What a rule link in the page runs; also callable by tests. */
export const REVEAL_RULE_COMMAND = 'pacsWorkbench.preview.revealRule';
/** What the webview serializer does with a restored panel; also callable by tests. */
export const RESTORE_PANEL_COMMAND = 'pacsWorkbench.preview.restorePanel';

export function register(context: vscode.ExtensionContext): void {
  const samples = new SampleSet(context.workspaceState);
  const controller = new PreviewController(samples);
  context.subscriptions.push(
    samples,
    controller,
    registerPreviewCodeLens(samples),
    vscode.commands.registerCommand(OPEN_PREVIEW_COMMAND, (uri?: unknown) =>
      controller.open(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(PICK_SAMPLES_COMMAND, (uris?: unknown) =>
      pickSamples(samples, Array.isArray(uris) ? (uris as (vscode.Uri | string)[]) : undefined),
    ),
    vscode.commands.registerCommand(LAST_RESULT_COMMAND, (options?: WaitOptions) => controller.state(options ?? {})),
    vscode.commands.registerCommand(REVEAL_RULE_COMMAND, async (uri: string, line: number) => {
      await controller.revealRule(uri, line);
    }),
    // After a window reload VS Code gives back the panel and what its page remembered.
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => controller.restore(panel, state),
    }),
    vscode.commands.registerCommand(RESTORE_PANEL_COMMAND, (panel: vscode.WebviewPanel, state: unknown) => controller.restore(panel, state)),
  );
}

export const preview: Feature = { name: 'preview', register: (context) => register(context) };
