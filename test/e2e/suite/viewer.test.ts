/**
 * The DICOM file viewer in a real VS Code: a .dcm sample opens in the custom editor (not as
 * binary), a search in the page finds an attribute (also inside a sequence), Copy as Rule puts
 * the rule on the clipboard, a DICOM file without a .dcm name opens in the viewer too, and
 * Preview Rules on This File opens the preview on it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ViewerReport } from '../../../client/src/features/viewer/viewerProvider';
import { activeApi, openFile, workspaceRoot } from './helpers';

const VIEW_TYPE = 'pacsWorkbench.dicomViewer';

function viewerTabs(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === VIEW_TYPE && t.input.uri.toString() === uri.toString());
}

/** Resolves once a viewer tab for `uri` is open (checked now and on every tab change). */
function viewerOpened(uri: vscode.Uri, timeoutMs = 30_000): Promise<vscode.Tab> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const tab = viewerTabs(uri)[0];
      if (!tab) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(tab);
    };
    const sub = vscode.window.tabGroups.onDidChangeTabs(check);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no DICOM viewer tab for ${uri.path}; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`));
    }, timeoutMs);
    check();
  });
}

const report = (uri: vscode.Uri, search?: string) => vscode.commands.executeCommand<ViewerReport>('pacsWorkbench.dicom.viewerState', uri, search === undefined ? {} : { search });

describe('DICOM file viewer', () => {
  const ct = () => vscode.Uri.joinPath(workspaceRoot(), 'samples', 'ct-outside.dcm');

  before(async () => {
    await activeApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    await vscode.commands.executeCommand('pacsWorkbench.preview.pickSamples', []);
  });

  it('opens a .dcm file in the viewer and finds an attribute by search', async () => {
    const opened = viewerOpened(ct());
    await vscode.commands.executeCommand('vscode.open', ct());
    await opened;
    const all = await report(ct(), '');
    assert.ok(all.rows > 25, `the page lists the attributes: ${JSON.stringify(all)}`);
    const found = await report(ct(), 'accession');
    assert.deepEqual(found.matches, ['(0008,0050)']);
    assert.equal(found.visible, 1, 'only the match is left');
    const nested = await report(ct(), 'RP77');
    assert.deepEqual(nested.matches, ['SEQ(0040,0275,0,0040,1001)'], 'a value inside a sequence item is found, its sequence opened');
    const byKeyword = await report(ct(), 'pixeldata');
    assert.deepEqual(byKeyword.matches, ['(7FE0,0010)']);
    assert.ok(byKeyword.scrollWidth <= byKeyword.viewportWidth, 'no horizontal scroll bar');
    await report(ct(), '');
  });

  it('copies an attribute as a rule', async () => {
    const rule = await vscode.commands.executeCommand<string>('pacsWorkbench.dicom.copyAsRule', ct(), '(0008,0080)');
    assert.equal(rule, '(0008,0080)="Outside Clinic & Imaging <North>"');
    assert.equal(await vscode.env.clipboard.readText(), rule);
    assert.equal(await vscode.commands.executeCommand('pacsWorkbench.dicom.copyAsRule', ct(), 'SEQ(0040,0275,0,0040,1001)'), 'SEQ(0040,0275,0,0040,1001)="RP77"');
  });

  it('opens a DICOM file whose name does not end in .dcm in the viewer too', async () => {
    const plain = vscode.Uri.joinPath(workspaceRoot(), 'test-IM0001');
    await vscode.workspace.fs.copy(ct(), plain, { overwrite: true });
    try {
      const opened = viewerOpened(plain);
      await vscode.commands.executeCommand('vscode.open', plain);
      await opened;
      const found = await report(plain, 'DOE,JOHN');
      assert.deepEqual(found.matches, ['(0010,0010)']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(plain);
    }
  });

  it('previews rules on the file', async () => {
    await openFile('outside-ct-import.coerce');
    await vscode.commands.executeCommand('pacsWorkbench.dicom.previewRules', ct());
    const state = await vscode.commands.executeCommand<{ samples: Array<{ name: string; status: string }> }>('pacsWorkbench.preview.lastResult', { sampleCount: 1, rendered: true });
    assert.deepEqual(state.samples.map((s) => [s.name, s.status]), [['samples/ct-outside.dcm', 'changed']]);
  });
});
