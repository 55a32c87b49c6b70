/**
 * "Apply to Folder...": the rules of the preview run on every file of a folder with the engine
 * of `pacsw apply` (core/src/dicom/coerceFile.ts: written atomically, stopped and failed
 * objects not written), one file at a time in the extension host with a progress notification
 * that can be cancelled. Cancelling stops before the next file; no file is left half written.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RuleSetInput } from '../../../../core/src/coercion/evaluate';
import { coerceFile, collectInputs, type FileStatus } from '../../../../core/src/dicom/coerceFile';

export interface ApplyOptions {
  /** The folder (or file) to read; asked when absent. */
  input?: vscode.Uri;
  /** The folder to write to; asked when absent. */
  output?: vscode.Uri;
}

export interface ApplySummary {
  input: string;
  output: string;
  files: number;
  counts: Record<FileStatus, number>;
  /** Files not processed because the user cancelled. */
  cancelled: number;
  /** `input: reason` of each stopped or failed file. */
  problems: string[];
}

async function pickFolder(title: string, openLabel: string): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title, openLabel });
  return picked?.[0];
}

export async function applyToFolder(ruleSets: RuleSetInput[], log: vscode.OutputChannel, options: ApplyOptions = {}): Promise<ApplySummary | undefined> {
  const input = options.input ?? (await pickFolder('Apply the previewed rules to the DICOM files of which folder?', 'Use This Folder'));
  if (!input) return undefined;
  const output = options.output ?? (await pickFolder('Write the results into which folder? (inputs are never changed)', 'Write Results Here'));
  if (!output) return undefined;
  if (input.scheme !== 'file' || output.scheme !== 'file') {
    void vscode.window.showErrorMessage('PACS Workbench: Apply to Folder works on local folders only.');
    return undefined;
  }
  const inDir = input.fsPath;
  const outDir = output.fsPath;
  if (path.resolve(inDir) === path.resolve(outDir)) {
    void vscode.window.showErrorMessage('PACS Workbench: the results must go to another folder than the inputs (inputs are never modified).');
    return undefined;
  }
  const inputs = collectInputs([inDir], outDir);
  const summary: ApplySummary = { input: inDir, output: outDir, files: inputs.length, counts: { changed: 0, unchanged: 0, stopped: 0, failed: 0, skipped: 0 }, cancelled: 0, problems: [] };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Applying ${ruleSets.map((r) => r.name).join(' + ')}`, cancellable: true },
    async (progress, token) => {
      for (let i = 0; i < inputs.length; i++) {
        if (token.isCancellationRequested) {
          summary.cancelled = inputs.length - i;
          break;
        }
        const { file, relative, missing, found } = inputs[i];
        progress.report({ increment: 100 / inputs.length, message: `${i + 1}/${inputs.length} ${relative}` });
        const outcome = missing
          ? { status: 'failed' as const, reason: missing }
          : coerceFile(ruleSets, file, path.join(outDir, relative), { skipNotDicom: found });
        summary.counts[outcome.status]++;
        if (outcome.status === 'failed' || outcome.status === 'stopped') summary.problems.push(`${file}: ${outcome.reason}`);
        // Let the progress notification and a Cancel click through between files.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  );
  const { changed, unchanged, stopped, failed, skipped } = summary.counts;
  const line = `${summary.files} file${summary.files === 1 ? '' : 's'}: ${changed} changed, ${unchanged} unchanged, ${stopped} stopped, ${failed} failed` +
    (skipped ? `, ${skipped} skipped (not DICOM)` : '') +
    (summary.cancelled ? `; cancelled, ${summary.cancelled} not processed` : '');
  log.appendLine(`---- ${new Date().toISOString()} apply ${ruleSets.map((r) => r.uri ?? r.name).join(', ')} to ${inDir} -> ${outDir}`);
  for (const p of summary.problems) log.appendLine(p);
  log.appendLine(line);
  const show = failed || stopped ? 'Show Details' : undefined;
  void vscode.window.showInformationMessage(`Apply to Folder: ${line}. Results in ${outDir}.`, ...(show ? [show] : [])).then((choice) => {
    if (choice) log.show();
  });
  return summary;
}
