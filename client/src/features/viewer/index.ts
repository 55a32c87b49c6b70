/**
 * The DICOM file viewer: `.dcm` / `.dicom` files open in a read-only custom editor, and so does
 * any file with the DICM prefix at byte 128 whatever its name (a tab VS Code opens as text or
 * binary is swapped for the viewer). Commands: open a file in the viewer (the entry point for
 * other views, e.g. a received object in the Traffic view), Copy as Rule, Preview Rules on This
 * File.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { DicomViewerProvider, VIEWER_VIEW_TYPE } from './viewerProvider';
import { COMMANDS, INTERNAL_COMMANDS } from '../../../../core/src/contributes';

export { VIEWER_VIEW_TYPE } from './viewerProvider';
/** `(uri?: Uri)`: opens a DICOM file (Part 10 or DICOM JSON) in the viewer. */
export const OPEN_VIEWER_COMMAND = COMMANDS.dicom.open;
/** `(uri: Uri, path: string)`: copies `path="value"` of that attribute; resolves to the rule text. */
export const COPY_AS_RULE_COMMAND = INTERNAL_COMMANDS.dicomCopyAsRule;
/** `(uri?: Uri)`: the rule preview with this file as its only sample. */
export const PREVIEW_RULES_ON_FILE_COMMAND = COMMANDS.dicom.previewRules;
/** Test hook `(uri: Uri, { search?: string })`: what the viewer shows (rows, matches of a search). */
export const VIEWER_STATE_COMMAND = INTERNAL_COMMANDS.dicomViewerState;

const toUri = (u: unknown): vscode.Uri | undefined => (u instanceof vscode.Uri ? u : typeof u === 'string' ? vscode.Uri.parse(u) : undefined);

/** The file of the active tab (text editor or our viewer). */
function activeFile(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) return input.uri;
  return undefined;
}

/** True when the file has "DICM" at byte 128 (reads 4 bytes). */
async function hasDicmPrefix(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return false;
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(uri.fsPath, 'r');
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 128);
    return bytesRead === 4 && buffer.toString('latin1') === 'DICM';
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

async function pickRuleFile(): Promise<vscode.Uri | undefined> {
  const visible = vscode.window.visibleTextEditors.map((e) => e.document).find((d) => d.languageId === 'pacs-coercion');
  if (visible) return visible.uri;
  const files = (await vscode.workspace.findFiles('**/*.coerce', '**/node_modules/**', 200)).sort((a, b) => a.path.localeCompare(b.path));
  if (files.length === 0) {
    void vscode.window.showInformationMessage('PACS Workbench: there is no rule file (.coerce) in the workspace to preview on this file.');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const pick = await vscode.window.showQuickPick(files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { title: 'Preview which rule file on this DICOM file?' });
  return pick?.uri;
}

export async function previewRulesOnFile(file: vscode.Uri): Promise<void> {
  const rules = await pickRuleFile();
  if (!rules) return;
  await vscode.commands.executeCommand(COMMANDS.preview.pickSamples, [file]);
  await vscode.commands.executeCommand(COMMANDS.preview.open, rules);
}

/**
 * Registers the viewer's commands and returns its custom editor provider, which VS Code reaches
 * through the one registered at activation (../lazy.ts).
 */
export function registerViewer(context: vscode.ExtensionContext): DicomViewerProvider {
  const provider = new DicomViewerProvider((uri) => previewRulesOnFile(uri));
  const swapping = new Set<string>();
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_VIEWER_COMMAND, async (uri?: unknown) => {
      const target = toUri(uri) ?? activeFile() ?? (await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Open a DICOM file', openLabel: 'Open in DICOM Viewer' }))?.[0];
      if (target) await vscode.commands.executeCommand('vscode.openWith', target, VIEWER_VIEW_TYPE);
    }),
    vscode.commands.registerCommand(COPY_AS_RULE_COMMAND, (uri: unknown, path: unknown) => {
      const target = toUri(uri);
      if (!target || typeof path !== 'string') throw new Error(`${COPY_AS_RULE_COMMAND} takes a file URI and an attribute path such as (0010,0010)`);
      return provider.copyAsRule(target, path);
    }),
    vscode.commands.registerCommand(PREVIEW_RULES_ON_FILE_COMMAND, async (uri?: unknown) => {
      const target = toUri(uri) ?? activeFile();
      if (target) await previewRulesOnFile(target);
    }),
    vscode.commands.registerCommand(VIEWER_STATE_COMMAND, (uri: unknown, options?: { search?: string }) => {
      const target = toUri(uri);
      return target ? provider.report(target, options?.search) : undefined;
    }),
    // A DICOM file without a .dcm name opens as text or "binary": swap that tab for the viewer.
    vscode.window.tabGroups.onDidChangeTabs(async (event) => {
      for (const tab of event.opened) {
        if (!(tab.input instanceof vscode.TabInputText)) continue;
        const uri = tab.input.uri;
        const key = uri.toString();
        if (swapping.has(key) || !(await hasDicmPrefix(uri))) continue;
        swapping.add(key);
        try {
          await vscode.commands.executeCommand('vscode.openWith', uri, VIEWER_VIEW_TYPE, tab.group.viewColumn);
          const stale = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key);
          if (stale) await vscode.window.tabGroups.close(stale);
        } finally {
          swapping.delete(key);
        }
      }
    }),
  );
  return provider;
}
