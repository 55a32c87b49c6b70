/**
 * "Choose Preview Samples": a multi-select list of the files the sample globs find (plus any
 * chosen earlier), a button to add files from elsewhere, and "all" to go back to the globs.
 */
import * as vscode from 'vscode';
import { sampleName, SAMPLES_SETTING, type SampleSet } from './samples';
import { settingId } from '../../../../core/src/contributes';

interface SampleItem extends vscode.QuickPickItem {
  uri: vscode.Uri;
}

/**
 * Lets the user choose samples. With `uris` (from a keybinding, a script or a test) it sets
 * the selection without asking; an empty array means "all files the globs find".
 */
export async function pickSamples(samples: SampleSet, uris?: readonly (vscode.Uri | string)[]): Promise<void> {
  if (uris) {
    const chosen = uris.map((u) => (typeof u === 'string' ? vscode.Uri.parse(u) : u));
    await samples.setSelection(chosen.length ? chosen : undefined);
    return;
  }
  const matching = await samples.matchingFiles();
  const selected = samples.selection;
  const byKey = new Map<string, vscode.Uri>();
  for (const uri of [...matching, ...(selected ?? [])]) byKey.set(uri.toString(), uri);
  const items: SampleItem[] = [...byKey.values()].map((uri) => ({
    label: sampleName(uri),
    description: matching.some((m) => m.toString() === uri.toString()) ? undefined : 'outside the sample globs',
    uri,
  }));

  const pick = vscode.window.createQuickPick<SampleItem>();
  pick.title = 'Preview samples';
  pick.placeholder = items.length
    ? 'Choose the data sets to preview the rules on'
    : `No files match ${settingId(SAMPLES_SETTING)}; add files with the button`;
  pick.canSelectMany = true;
  pick.items = items;
  const chosenKeys = new Set((selected ?? matching).map((u) => u.toString()));
  pick.selectedItems = items.filter((i) => chosenKeys.has(i.uri.toString()));
  const browse: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: 'Add files…' };
  pick.buttons = [browse];

  const result = await new Promise<SampleItem[] | undefined>((resolve) => {
    let done = false;
    // The open dialog hides the list; that is not the user dismissing it.
    let browsing = false;
    const finish = (value: SampleItem[] | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidAccept(() => finish([...pick.selectedItems]));
    pick.onDidHide(() => {
      if (!browsing) finish(undefined);
    });
    pick.onDidTriggerButton(async () => {
      browsing = true;
      const files = await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: 'Add to preview samples',
        filters: { 'DICOM (Part 10 or JSON)': ['dcm', 'dicom', 'json'], 'All files': ['*'] },
      });
      browsing = false;
      if (!files?.length) {
        pick.show();
        return;
      }
      const added = files.map((uri) => ({ label: sampleName(uri), description: 'added', uri }));
      const known = new Set(pick.items.map((i) => i.uri.toString()));
      pick.items = [...pick.items, ...added.filter((a) => !known.has(a.uri.toString()))];
      const keep = new Set([...pick.selectedItems, ...added].map((i) => i.uri.toString()));
      pick.selectedItems = pick.items.filter((i) => keep.has(i.uri.toString()));
      pick.show();
    });
    pick.show();
  });
  if (!result) return;
  const chosen = result.map((i) => i.uri);
  // Choosing exactly what the globs find means "follow the globs", also as files come and go.
  const sameAsGlobs = chosen.length === matching.length && chosen.every((c) => matching.some((m) => m.toString() === c.toString()));
  await samples.setSelection(sameAsGlobs ? undefined : chosen);
}
