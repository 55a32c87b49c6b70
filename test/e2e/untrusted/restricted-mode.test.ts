/**
 * The extension in a workspace VS Code does not trust (restricted mode): editing and checking
 * still work, and no command reaches the network. Echo, Ping and the deploy dry run are
 * pointed at real listeners on 127.0.0.1 that this test starts and that count every
 * connection; each command must return with none having arrived.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { formatDevice } from '../../../core/src/devices/format';
import { labTable } from '../../labTable';
import { activeApi, isError, openNewFile, waitForDiagnostics, workspaceRoot } from '../suite/helpers';
import { startHttpCounter, startTcpCounter, type CountingPeer } from './listeners';

const DEVICES = 'pacsWorkbench.devices.';

interface Node {
  label: string;
  description?: string;
  children: Node[];
}
interface State {
  tree: Node[];
  results: Record<string, { echo?: unknown; ping?: unknown }>;
  log: string[];
}

const state = async () => (await vscode.commands.executeCommand<State>(DEVICES + 'testState'))!;

describe('restricted mode (untrusted workspace)', function () {
  let dicomPeer: CountingPeer;
  let httpPeer: CountingPeer;
  const deviceFile = () => vscode.Uri.joinPath(workspaceRoot(), 'devices', 'test-untrusted.pacs');
  const deployFile = () => vscode.Uri.joinPath(workspaceRoot(), 'devices', 'test-untrusted-deploy.pacs');

  before(async () => {
    [dicomPeer, httpPeer] = await Promise.all([startTcpCounter(), startHttpCounter()]);
    const devices = labTable({
      server: { name: 'UNTRUSTED', tcpPort: dicomPeer.port },
      devices: [{ id: 'TRAP', type: 'dicom', ae: 'TRAP', host: '127.0.0.1', port: dicomPeer.port }],
    });
    const deploy = [
      'server UNTRUSTED_DEPLOY {',
      '  ae "UNTRUSTED_DEPLOY"',
      `  deploy orthanc "http://127.0.0.1:${httpPeer.port}"`,
      '}',
      '',
      formatDevice({ id: 'CT1', type: 'dicom', ae: 'CT_SCANNER', host: '10.0.0.11', port: 104 }),
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(deviceFile(), Buffer.from(devices, 'utf8'));
    await vscode.workspace.fs.writeFile(deployFile(), Buffer.from(deploy, 'utf8'));
  });

  after(async () => {
    await dicomPeer?.close();
    await httpPeer?.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs in a workspace VS Code does not trust', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is trusted: this suite proves nothing there');
  });

  it('activates, and the language server still reports a broken rule and clears it once fixed', async () => {
    const api = await activeApi();
    assert.equal(api.client.isRunning(), true);
    const broken = await openNewFile('test-untrusted.coerce', '(0010,0010)=concat("A",(0010,0010)\n');
    const [error] = (await waitForDiagnostics(broken.uri, (ds) => ds.some(isError), 'an error')).filter(isError);
    assert.equal(error.range.start.line, 0, error.message);
    const editor = await vscode.window.showTextDocument(broken);
    assert.ok(await editor.edit((edit) => edit.insert(broken.lineAt(0).range.end, ')')));
    await waitForDiagnostics(broken.uri, (ds) => !ds.some(isError), 'the error to go away after the fix');
  });

  it('shows the device table (so the refusals below are not a missing device)', async () => {
    await vscode.commands.executeCommand(DEVICES + 'refresh');
    const server = (await state()).tree.find((n) => n.label === 'UNTRUSTED');
    assert.ok(server, 'the UNTRUSTED server is in the device tree');
    const labels = JSON.stringify(server.children);
    assert.ok(labels.includes('"TRAP"'), `TRAP under UNTRUSTED: ${labels}`);
    assert.ok(labels.includes(`TRAP@127.0.0.1:${dicomPeer.port}`), labels);
  });

  for (const kind of ['echo', 'ping'] as const) {
    it(`${kind} of a device on a live 127.0.0.1 listener is refused: no connection reaches it`, async () => {
      const result = await vscode.commands.executeCommand(DEVICES + kind, { uri: deviceFile().toString(), id: 'TRAP' });
      assert.deepEqual(await dicomPeer.connectionsBefore(), { connections: 0, requests: 0 }, `${kind} reached the listener`);
      assert.equal(result, undefined, `the ${kind} command ran: ${JSON.stringify(result)}`);
      const { results, log } = await state();
      const recorded = Object.entries(results).filter(([, r]) => r[kind] !== undefined);
      assert.deepEqual(recorded, [], `a ${kind} result was recorded`);
      assert.deepEqual(log.filter((line) => line.includes('TRAP')), [], 'the devices log mentions TRAP');
    });
  }

  it('deploy dry run against a live 127.0.0.1 HTTP server is refused: no request reaches it', async () => {
    const report = await vscode.commands.executeCommand('pacsWorkbench.deploy.dryRun', deployFile());
    assert.deepEqual(await httpPeer.connectionsBefore(), { connections: 0, requests: 0 }, 'the dry run reached the HTTP server');
    assert.equal(report, undefined, `the dry run ran: ${JSON.stringify(report)}`);
    assert.equal(
      vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'pacs-deploy'),
      false,
      'a deploy plan document was opened',
    );
  });
});
