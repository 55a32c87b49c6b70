/**
 * "Add Samples...": files or folders (from the open dialog, a drop on the panel or a script)
 * become preview samples. Inside a workspace folder they are added to the
 * `pacsWorkbench.preview.samples` globs (a folder as `folder/**\/*.dcm` and `.json`), so the
 * choice is in the settings for everyone working on the folder; files outside every workspace
 * folder go into the picker's selection, as the picker's own button does.
 */
import * as vscode from 'vscode';
import { globsFor } from './addedPaths';
import { MAX_SAMPLES, SAMPLES_SETTING, sampleGlobs, type SampleSet } from './samples';
import { NAMESPACE } from '../../../../core/src/contributes';

export interface AddedSamples {
  /** Globs appended to the setting. */
  globs: string[];
  /** Files outside the workspace folders, added to the picker's selection. */
  outside: string[];
}

/** Adds `uris` (or what the user picks) as samples; resolves with what was added. */
export async function addSamples(samples: SampleSet, uris?: readonly vscode.Uri[]): Promise<AddedSamples | undefined> {
  const chosen = uris ?? (await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    openLabel: 'Add Samples',
    title: 'Add DICOM files or folders to the preview samples',
    filters: { 'DICOM (Part 10 or JSON)': ['dcm', 'dicom', 'json'], 'All files': ['*'] },
  }));
  if (!chosen || chosen.length === 0) return undefined;
  const globs: string[] = [];
  const outside: vscode.Uri[] = [];
  /** The files added, for a hand-picked selection (where the globs do not decide). */
  const files: vscode.Uri[] = [];
  for (const uri of chosen) {
    let isFolder = false;
    try {
      isFolder = ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
    } catch {
      void vscode.window.showWarningMessage(`PACS Workbench: ${uri.fsPath || uri.toString()} does not exist; not added to the samples.`);
      continue;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder) {
      const relative = uri.path.slice(folder.uri.path.length).replace(/^\/+/, '');
      globs.push(...globsFor(relative, isFolder));
      files.push(...(isFolder ? await vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*.{dcm,json}'), '**/{node_modules,.git}/**', MAX_SAMPLES) : [uri]));
    } else if (!isFolder) {
      outside.push(uri);
      files.push(uri);
    } else {
      void vscode.window.showWarningMessage(`PACS Workbench: ${uri.fsPath} is outside the workspace folders; add its files (not the folder) to preview them.`);
    }
  }
  const current = sampleGlobs();
  const newGlobs = globs.filter((g, i) => !current.includes(g) && globs.indexOf(g) === i);
  if (newGlobs.length > 0) {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(NAMESPACE).update(SAMPLES_SETTING, [...current, ...newGlobs], target);
  }
  const selection = samples.selection;
  if (selection || outside.length > 0) {
    // Outside files need a selection; a selection made before gets the new files too.
    const base = selection ?? (await samples.current());
    const keys = new Set(base.map((u) => u.toString()));
    const added = files.filter((u) => !keys.has(u.toString()) && (keys.add(u.toString()), true));
    await samples.setSelection([...base, ...added]);
  }
  return { globs: newGlobs, outside: outside.map((u) => u.toString()) };
}
