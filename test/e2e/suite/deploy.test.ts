/**
 * Deploy commands inside VS Code against a real Orthanc on 127.0.0.1: the dry run shows the
 * plan document and changes nothing, Deploy to Server applies (confirmation skipped with
 * `{ confirm: false }`, the modal cannot be answered from a test), Import writes a table back.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';
import type { DeployReport } from '../../../core/src/deploy/deploy';
import { startOrthanc, stopAllPeers, type OrthancPeer } from '../../integration/peers';
import { activeApi, workspaceRoot } from './helpers';

function modalities(orthanc: OrthancPeer): Promise<Record<string, Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    http.get(`${orthanc.url}/modalities?expand`, { agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(JSON.parse(text)));
    }).on('error', reject);
  });
}

describe('deploy commands', function () {
  let orthanc: OrthancPeer;
  const fileUri = (): vscode.Uri => vscode.Uri.joinPath(workspaceRoot(), 'devices', 'test-deploy.pacs');
  const importedUri = (): vscode.Uri => vscode.Uri.joinPath(workspaceRoot(), 'devices', 'test-imported.pacs');
  const outUri = (): vscode.Uri => vscode.Uri.joinPath(workspaceRoot(), 'devices', 'test-deploy-out');

  before(async () => {
    await activeApi();
    orthanc = await startOrthanc();
    const text = [
      'server E2E_DEPLOY {',
      '  ae "E2E_DEPLOY"',
      `  deploy orthanc "${orthanc.url}"`,
      '  deploy folder "test-deploy-out"',
      '}',
      '',
      'device CT1 {',
      '  type dicom',
      '  ae "CT_SCANNER"',
      '  host 10.0.0.11',
      '  port 104',
      '  services {',
      '    store U',
      '  }',
      '  rules {',
      '    (0008,0050)=concat("CT",(0008,0050))',
      '  }',
      '}',
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(fileUri(), Buffer.from(text, 'utf8'));
  });

  after(async () => {
    await stopAllPeers();
    for (const uri of [fileUri(), importedUri(), outUri()]) await vscode.workspace.fs.delete(uri, { recursive: true }).then(undefined, () => undefined);
  });

  it('dry run: the plan opens in the diff editor, the report lists the difference, Orthanc unchanged', async () => {
    const report = await vscode.commands.executeCommand<DeployReport>('pacsWorkbench.deploy.dryRun', fileUri());
    assert.ok(report, 'the command returns its report');
    assert.equal(report.dryRun, true);
    assert.deepEqual(report.targets.map((t) => [t.kind, t.outcome]), [['orthanc', 'dry-run'], ['folder', 'dry-run']]);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'pacs-deploy' && d.uri.path.endsWith('.deploy.md'));
    assert.ok(doc, 'report document open');
    assert.match(doc.getText(), /^ {2}\+ CT1$/m);
    assert.match(doc.getText(), /result: dry run: nothing was changed/);
    // Orthanc: one modality added with one PUT; the folder: one device, written as three files.
    assert.match(doc.getText(), /^ {2}1 added, 0 changed, 0 removed, 0 unchanged: 1 change in 1 operation$/m);
    assert.match(doc.getText(), /^ {2}1 added, 0 changed, 0 removed, 0 unchanged: 1 change in 3 operations$/m);
    const diff = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === 'pacs-deploy');
    assert.ok(diff, 'the plan is shown in the diff editor');
    assert.match(diff.label, /Deploy plan test-deploy\.pacs: 2 changes \(2 added, 0 changed, 0 removed\) in 4 operations/);
    const input = diff.input as vscode.TabInputTextDiff;
    const [now, after] = await Promise.all([vscode.workspace.openTextDocument(input.original), vscode.workspace.openTextDocument(input.modified)]);
    assert.ok(!/^CT1 /m.test(now.getText()), 'the server holds no CT1 yet');
    assert.match(after.getText(), /^CT1 {2}.*"CT_SCANNER"/m);
    assert.match(after.getText(), /^device CT1 {2}/m);
    assert.deepEqual(await modalities(orthanc), {});
  });

  it('deploy to server: Orthanc holds the device, the export folder its rules', async () => {
    const report = await vscode.commands.executeCommand<DeployReport>('pacsWorkbench.deploy.toServer', fileUri(), { confirm: false });
    assert.equal(report.ok, true, JSON.stringify(report.targets));
    assert.deepEqual(report.targets.map((t) => t.outcome), ['applied', 'applied']);
    const m = await modalities(orthanc);
    assert.deepEqual(Object.keys(m), ['CT1']);
    assert.equal(m.CT1.AET, 'CT_SCANNER');
    const rules = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(outUri(), 'E2E_DEPLOY', 'rules', 'CT1.txt'));
    assert.equal(Buffer.from(rules).toString('utf8'), '(0008,0050)=concat("CT",(0008,0050))\n');
  });

  it('import from server writes a device table that deploys back with no change', async () => {
    const result = await vscode.commands.executeCommand<{ file: string; devices: number }>('pacsWorkbench.deploy.import', { url: orthanc.url, out: importedUri().fsPath });
    assert.equal(result.devices, 1);
    const text = Buffer.from(await vscode.workspace.fs.readFile(importedUri())).toString('utf8');
    assert.match(text, /device CT1 \{\n {2}type dicom\n {2}ae "CT_SCANNER"\n {2}host 10\.0\.0\.11\n {2}port 104\n {2}services \{\n {4}store U\n {2}\}\n\}/);
    const again = await vscode.commands.executeCommand<DeployReport>('pacsWorkbench.deploy.toServer', importedUri(), { confirm: false });
    assert.deepEqual(again.targets.map((t) => t.outcome), ['unchanged']);
  });
});
