/**
 * The PACS Devices view and its commands, inside VS Code, against real DICOM peers on
 * 127.0.0.1: DCMTK storescp (plain and TLS), a closed port and a silent listener. The peers run
 * as child processes of the extension host. What the view shows is read through the
 * `pacsWorkbench.devices.testState` command, which walks the real TreeDataProvider.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { TreeSnapshot } from '../../../client/src/features/treeSnapshot';
import { validateDeviceText } from '../../../core/src/devices';
import { freePort, startEchoLab, stopAllPeers, stopEchoLab, type EchoLab } from '../../integration/peers';
import { labTable } from '../../labTable';
import { activeApi, workspaceRoot } from './helpers';

const CMD = 'pacsWorkbench.devices.';
const FILE = 'devices/e2e-lab.pacs';

/** What the view shows, as the command returns it. */
type Node = TreeSnapshot;
interface State {
  tree: Node[];
  results: Record<string, { echo?: { ok: boolean; outcome: string; ms: number; reason: string }; ping?: unknown }>;
  log: string[];
}

const state = async () => (await vscode.commands.executeCommand<State>(CMD + 'testState'))!;
const fileUri = () => vscode.Uri.joinPath(workspaceRoot(), FILE);
const diskText = () => fs.readFileSync(fileUri().fsPath, 'utf8');
const settings = () => vscode.workspace.getConfiguration('pacsWorkbench');

function find(nodes: Node[], label: string): Node | undefined {
  for (const n of nodes) {
    if (n.label === label) return n;
    const inner = find(n.children, label);
    if (inner) return inner;
  }
  return undefined;
}

/** The device node `id` under the LAB server (other files may use the same IDs). */
async function labDevice(id: string): Promise<Node | undefined> {
  const lab = (await state()).tree.find((n) => n.label === 'LAB');
  return lab && find(lab.children, id);
}

describe('device tree and commands', function () {
  let peers: EchoLab;
  let closed: number;
  let text: string;

  before(async () => {
    await activeApi();
    [peers, closed] = await Promise.all([startEchoLab('ORTHANC_E2E'), freePort()]);
    text = labTable({
      comment: 'Written by the e2e test: devices pointing at real peers on 127.0.0.1.',
      server: { name: 'LAB', ae: 'LAB_PACS', tcpPort: 11112 },
      modalities: 2,
      devices: [
        { id: 'STORE', type: 'dicom', ae: 'STORESCP', host: '127.0.0.1', port: peers.store.port, category: 'modalities' },
        { id: 'CLOSED', type: 'dicom', ae: 'NOBODY', host: '127.0.0.1', port: closed, category: 'modalities' },
        { id: 'SECURE', type: 'dicom', ae: 'TLSSCP', host: '127.0.0.1', tcpPort: closed, tlsPort: peers.tlsStore.port },
        { id: 'HUNG', type: 'viewer', ae: 'SILENT', host: '127.0.0.1', port: peers.silent.port, enabled: false },
        {
          id: 'WRONGAE', type: 'dicom', ae: 'NOT_ORTHANC', host: '127.0.0.1', port: peers.orthanc.dicomPort,
          comment: 'Orthanc answers to ORTHANC_E2E only: this row has the wrong AE title.',
        },
        {
          id: 'NAMED', type: 'viewer', ae: 'NAMED', host: 'localhost', port: closed, enabled: false,
          comment: 'Only for Refresh IP Addresses: disabled, so echo all never calls it.',
        },
      ],
    });
    await vscode.workspace.fs.writeFile(fileUri(), Buffer.from(text, 'utf8'));
    await vscode.commands.executeCommand(CMD + 'refresh');
  });

  after(async () => {
    await settings().update('network.timeoutMs', undefined, vscode.ConfigurationTarget.Workspace);
    await settings().update('network.tlsCaFile', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Later suites share the workspace: leave no device table pointing at stopped peers.
    await vscode.workspace.fs.delete(fileUri()).then(undefined, () => undefined);
    await stopEchoLab(peers);
    await stopAllPeers();
  });

  it('shows server → categories → devices, AE@host:port, a type icon, and disabled devices greyed', async () => {
    const { tree } = await state();
    const lab = tree.find((n) => n.label === 'LAB');
    assert.ok(lab, `no LAB server among ${tree.map((n) => n.label).join(', ')}`);
    assert.match(lab.description ?? '', /^LAB_PACS@127\.0\.0\.1:11112/);
    assert.deepEqual(lab.children.map((g) => g.label), ['modalities', '(no category)']);
    const [modalities, none] = lab.children;
    assert.match(modalities.description ?? '', /2 devices · max 2 connections/);
    assert.deepEqual(modalities.children.map((d) => d.label), ['STORE', 'CLOSED']);
    assert.deepEqual(none.children.map((d) => d.label), ['SECURE', 'HUNG', 'WRONGAE', 'NAMED']);

    const [storeNode, closedNode] = modalities.children;
    assert.equal(storeNode.description, `STORESCP@127.0.0.1:${peers.store.port}`);
    assert.equal(closedNode.description, `NOBODY@127.0.0.1:${closed}`);
    assert.equal(storeNode.icon, 'pulse');
    assert.equal(storeNode.contextValue, 'device.enabled');
    assert.match(storeNode.tooltip ?? '', /AE title: STORESCP/);

    // TLS port wins over the TCP port.
    assert.equal(none.children[0].description, `TLSSCP@127.0.0.1:${peers.tlsStore.port} TLS`);

    const hung = none.children[1];
    assert.equal(hung.icon, 'eye');
    assert.equal(hung.contextValue, 'device.disabled');
    assert.equal(hung.iconColor, 'disabledForeground');
    assert.match(hung.description ?? '', /^disabled · /, 'disabled comes first: a narrow sidebar cuts the end off');

    // The example workspace's own table is there too.
    assert.ok(tree.some((n) => n.label === 'PACS_MAIN'), 'the example hospital.pacs is shown');
  });

  it('echo of a listening storescp: ok with milliseconds, in the tree and the output channel', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; outcome: string; ms: number; reason: string }>(
      CMD + 'echo',
      { uri: fileUri().toString(), id: 'STORE' },
    );
    assert.ok(result, 'the echo command returned nothing');
    assert.equal(result.outcome, 'ok', result.reason);
    assert.ok(result.ms > 0);
    const node = await labDevice('STORE');
    assert.match(node?.description ?? '', new RegExp(`^echo ok \\d+(\\.\\d)? ms · STORESCP@127\\.0\\.0\\.1:${peers.store.port}$`), 'the result first, the address after');
    assert.match(node?.tooltip ?? '', /Last echo: ok in [\d.]+ ms at \d\d:\d\d:\d\d/);
    assert.equal(node?.iconColor, 'testing.iconPassed');
    const { log } = await state();
    assert.ok(
      log.some((l) => l.includes(`echo STORE (STORESCP@127.0.0.1:${peers.store.port}, calling LAB_PACS): ok in`)),
      `no echo line in ${JSON.stringify(log)}`,
    );
  });

  it('echo of a closed port: refused, said plainly', async () => {
    const result = await vscode.commands.executeCommand<{ outcome: string; reason: string }>(CMD + 'echo', { uri: fileUri(), id: 'CLOSED' });
    assert.equal(result?.outcome, 'refused', result?.reason);
    const node = await labDevice('CLOSED');
    assert.match(node?.description ?? '', /^echo refused [\d.]+ ms · NOBODY@/);
    assert.equal(node?.iconColor, 'testing.iconFailed');
    const { log } = await state();
    assert.ok(log.some((l) => /echo CLOSED .*refused after .* — connection refused/.test(l)), JSON.stringify(log));
  });

  it('echo with a wrong called AE title: rejected, with the reason', async () => {
    const result = await vscode.commands.executeCommand<{ outcome: string; reason: string }>(CMD + 'echo', { uri: fileUri(), id: 'WRONGAE' });
    assert.equal(result?.outcome, 'rejected', result?.reason);
    const { log } = await state();
    assert.ok(
      log.some((l) => /echo WRONGAE .*rejected after .* — association rejected: called AE title not recognised \(reason 7/.test(l)),
      JSON.stringify(log.slice(-3)),
    );
  });

  it('echo of a silent peer ends at the timeout setting', async () => {
    await settings().update('network.timeoutMs', 1500, vscode.ConfigurationTarget.Workspace);
    try {
      const result = await vscode.commands.executeCommand<{ outcome: string; reason: string }>(CMD + 'echo', { uri: fileUri(), id: 'HUNG' });
      assert.equal(result?.outcome, 'timeout', result?.reason);
      assert.match(result!.reason, /1500 ms/);
      assert.ok(peers.silent.accepted() >= 1, 'the silent listener saw the connection');
      // HUNG is disabled: echoed because it was asked for by name, but not without a word.
      const { log } = await state();
      assert.ok(log.some((l) => l.includes('echo HUNG: the device is disabled in devices/e2e-lab.pacs; checking it anyway')), JSON.stringify(log.slice(-4)));
    } finally {
      await settings().update('network.timeoutMs', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('echo over TLS: fails on an unknown certificate, succeeds with the CA from the settings', async () => {
    const target = { uri: fileUri(), id: 'SECURE' };
    const untrusted = await vscode.commands.executeCommand<{ outcome: string; reason: string }>(CMD + 'echo', target);
    assert.equal(untrusted?.outcome, 'tls-failure', untrusted?.reason);
    await settings().update('network.tlsCaFile', peers.cert.cert, vscode.ConfigurationTarget.Workspace);
    const trusted = await vscode.commands.executeCommand<{ outcome: string; reason: string }>(CMD + 'echo', target);
    assert.equal(trusted?.outcome, 'ok', trusted?.reason);
    const { log } = await state();
    assert.ok(log.some((l) => l.includes(`echo SECURE (TLSSCP@127.0.0.1:${peers.tlsStore.port} over TLS, calling LAB_PACS): ok`)), JSON.stringify(log));
  });

  it('ping: TCP connect to the DICOM port, and ICMP through the system ping', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; tcp?: { outcome: string }; icmp: { outcome: string; reason: string } }>(
      CMD + 'ping',
      { uri: fileUri(), id: 'STORE' },
    );
    assert.equal(result?.tcp?.outcome, 'ok');
    assert.ok(['ok', 'unavailable'].includes(result!.icmp.outcome), `ICMP: ${result!.icmp.outcome} ${result!.icmp.reason}`);
    assert.equal(result?.ok, true);
    const node = await labDevice('STORE');
    assert.match(node?.description ?? '', /· ping ok [\d.]+ ms · STORESCP@/);
    assert.match(node?.tooltip ?? '', /Last ping: TCP ok [\d.]+ ms; ICMP (ok|unavailable)/);
  });

  it('echo all: every enabled device of the server, disabled ones skipped', async () => {
    const results = await vscode.commands.executeCommand<Array<{ id: string; ok: boolean; outcome: string }>>(CMD + 'echoServer', { uri: fileUri() });
    assert.deepEqual(
      results?.map((r) => [r.id, r.outcome]),
      [['STORE', 'ok'], ['CLOSED', 'refused'], ['SECURE', 'ok'], ['WRONGAE', 'rejected']],
    );
    const { log } = await state();
    assert.ok(log.some((l) => l.includes('echo all: skipping disabled device(s) HUNG, NAMED')));
    assert.ok(log.some((l) => l.includes('echo all: 2 ok, 2 failed')), JSON.stringify(log.slice(-5)));
    // The summary names the server and the failures; the status bar keeps the count.
    const { summary } = (await vscode.commands.executeCommand<{ summary?: { notification: string; statusText: string; statusTooltip: string } }>(CMD + 'testState'))!;
    assert.equal(summary?.notification, 'Echo all (LAB): 2 of 4 ok; 2 failed: CLOSED refused, WRONGAE rejected; 2 disabled skipped.');
    assert.equal(summary?.statusText, '$(error) Echo 2/4');
    assert.match(summary?.statusTooltip ?? '', /^Last Echo All \(LAB\) at \d\d:\d\d:\d\d: 2 of 4 ok/);
  });

  it("the server row's batch commands say their scope; the view-wide ones keep Echo All", () => {
    const manifest = vscode.extensions.all.find((e) => e.packageJSON?.name === 'pacs-workbench')!.packageJSON;
    const title = (id: string) => manifest.contributes.commands.find((c: { command: string }) => c.command === CMD + id)?.title;
    const serverRow = manifest.contributes.menus['view/item/context'].filter((m: { when: string }) => m.when.endsWith('viewItem == server')).map((m: { command: string }) => m.command);
    assert.ok(serverRow.includes(CMD + 'echoServer') && !serverRow.includes(CMD + 'echoAll'), JSON.stringify(serverRow));
    assert.equal(title('echoServer'), "Echo This Server's Devices");
    assert.equal(title('echoAll'), 'Echo All Devices');
  });

  it('ping all: TCP and ICMP for every enabled device, in one batch', async () => {
    const results = await vscode.commands.executeCommand<Array<{ id: string; ok: boolean; outcome: string }>>(CMD + 'pingAll', { uri: fileUri() });
    assert.deepEqual(results?.map((r) => r.id), ['STORE', 'CLOSED', 'SECURE', 'WRONGAE']);
    assert.equal(results?.find((r) => r.id === 'STORE')?.ok, true);
    const { log } = await state();
    assert.ok(log.some((l) => /ping TCP CLOSED .*refused after/.test(l)), JSON.stringify(log.slice(-10)));
    assert.ok(log.some((l) => l.startsWith('[') && l.includes('ping all: ')), 'a summary line');
  });

  it('disable edits the file; undo in the editor restores it', async () => {
    const before = diskText();
    const changed = await vscode.commands.executeCommand<boolean>(CMD + 'disable', { uri: fileUri(), id: 'CLOSED' });
    assert.equal(changed, true);
    const closedBlock = /device CLOSED \{[^}]*\}/.exec(diskText())?.[0] ?? '';
    assert.match(closedBlock, /\n  disabled\n\}$/);
    assert.equal((await labDevice('CLOSED'))?.contextValue, 'device.disabled');

    // Undo goes to the editor with focus (the output channel's view is an editor too).
    const document = await vscode.workspace.openTextDocument(fileUri());
    await vscode.window.showTextDocument(document, { preserveFocus: false });
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), fileUri().toString());
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), before);
    assert.equal((await labDevice('CLOSED'))?.contextValue, 'device.enabled');
    await document.save();
    assert.equal(diskText(), before);
  });

  it('enable of a disabled device removes the mark', async () => {
    await vscode.commands.executeCommand(CMD + 'enable', { uri: fileUri(), id: 'HUNG' });
    const block = /device HUNG \{[^}]*\}/.exec(diskText())?.[0] ?? '';
    assert.doesNotMatch(block, /disabled/);
    assert.equal((await labDevice('HUNG'))?.contextValue, 'device.enabled');
  });

  it('add with arguments appends a valid device; an invalid one is refused and the file stays', async () => {
    const id = await vscode.commands.executeCommand<string>(CMD + 'add', { uri: fileUri() }, {
      id: 'CT2',
      type: 'dicom',
      ae: 'CT_SCANNER2',
      host: '127.0.0.1',
      port: 104,
      category: 'modalities',
      services: { roles: { store: { u: true, p: false } }, flags: {} },
    });
    assert.equal(id, 'CT2');
    const after = diskText();
    assert.match(after, /\ndevice CT2 \{\n  type dicom\n  ae "CT_SCANNER2"\n  host 127\.0\.0\.1\n  port 104\n  category modalities\n  services \{\n    store U\n  \}\n\}\n/);
    const { table, diagnostics } = validateDeviceText(after);
    assert.ok(table.devices.some((d) => d.id === 'CT2' && d.ae === 'CT_SCANNER2'));
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal((await labDevice('CT2'))?.description, 'CT_SCANNER2@127.0.0.1:104');
    // The new block is shown, selected, in the file.
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), fileUri().toString());
    assert.equal(editor?.document.lineAt(editor.selection.start.line).text, 'device CT2 {');

    const refused = await vscode.commands.executeCommand(CMD + 'add', { uri: fileUri() }, {
      id: 'BAD',
      type: 'dicom',
      ae: 'AN_AE_TITLE_FAR_TOO_LONG',
      host: '127.0.0.1',
      port: 104,
    });
    assert.equal(refused, undefined);
    assert.equal(diskText(), after);
    const { log } = await state();
    assert.ok(log.some((l) => /Cannot add device BAD: ae: AE title .* at most 16/.test(l)), JSON.stringify(log.slice(-3)));
  });

  it('edit with arguments changes one field', async () => {
    const changed = await vscode.commands.executeCommand<boolean>(CMD + 'edit', { uri: fileUri(), id: 'CT2' }, { ae: 'CT_RENAMED', port: 11112 });
    assert.equal(changed, true, 'the edit command found the device and changed the file');
    const block = /device CT2 \{[^}]*\}[^}]*\}/.exec(diskText())?.[0] ?? '';
    assert.match(block, /ae "CT_RENAMED"\n  host 127\.0\.0\.1\n  port 11112\n/);
  });

  it('delete (confirmation skipped with { confirm: false }) removes the block', async () => {
    const deleted = await vscode.commands.executeCommand<boolean>(CMD + 'delete', { uri: fileUri(), id: 'CT2' }, { confirm: false });
    assert.equal(deleted, true);
    assert.doesNotMatch(diskText(), /device CT2/);
    assert.equal(await labDevice('CT2'), undefined);
  });

  it('refresh IP addresses resolves host names and leaves addresses alone', async () => {
    const resolutions = await vscode.commands.executeCommand<Array<{ host: string; status: string; addresses?: string[] }>>(
      CMD + 'refreshIp',
      { uri: fileUri() },
    );
    const localhost = resolutions?.find((r) => r.host === 'localhost');
    assert.equal(localhost?.status, 'new');
    assert.ok(localhost?.addresses?.some((a) => a === '127.0.0.1' || a === '::1'), JSON.stringify(localhost));
    assert.equal(resolutions?.find((r) => r.host === '127.0.0.1')?.status, 'address');
    const again = await vscode.commands.executeCommand<Array<{ host: string; status: string }>>(CMD + 'refreshIp', { uri: fileUri() });
    assert.equal(again?.find((r) => r.host === 'localhost')?.status, 'unchanged');
  });

  it('follows the file: unsaved edits at once, changes on disk through the watcher', async () => {
    const document = await vscode.workspace.openTextDocument(fileUri());
    const edit = new vscode.WorkspaceEdit();
    const at = document.getText().indexOf('device STORE {');
    edit.replace(fileUri(), new vscode.Range(document.positionAt(at), document.positionAt(at + 'device STORE'.length)), 'device STORE2');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await labDevice('STORE2'), 'the unsaved rename shows');
    assert.equal(await labDevice('STORE'), undefined);
    await document.save();

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.writeFileSync(fileUri().fsPath, diskText().replace('device STORE2 {', 'device STORE3 {'));
    await waitFor(async () => !!(await labDevice('STORE3')), 'the watcher to report STORE3');
    assert.equal(await labDevice('STORE2'), undefined);
  });
});

/** Re-checks `condition` until it holds; fails after `timeoutMs` naming what it waited for. */
async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
