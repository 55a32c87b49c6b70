/**
 * The Traffic view's Forward queue section in a real VS Code, against a real node and real
 * peers on 127.0.0.1: Start Receiver (Devices view) on a table with two AutoFwd destinations on
 * ports nothing listens on, DCMTK `storescu` sending two objects, the queue depth per
 * destination with the next retry time and the last error; then a real `storescp` for ARCHIVE
 * and Retry on its row: the queue drains and the files arrive, before the retry time the node
 * had announced (so it was Retry that sent them, not the backoff running out); Drop on BACKUP's
 * pending entries removes them, and `pacsw queue` (the CLI, another process) says the same.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { validateDeviceText } from '../../../core/src/devices';
import { filesUnder, storescu } from '../../integration/serve-helpers';
import { freePort, startStorescp, stopAllPeers, type StorescpPeer } from '../../integration/peers';
import { activeApi, EXTENSION_ID, pollUntil as until, workspaceRoot } from './helpers';

interface Node {
  label: string;
  description?: string;
  contextValue?: string;
  readonly element?: unknown;
  children: Node[];
}

interface Destination {
  id: string;
  pending: number;
  failed: number;
  consecutiveFailures: number;
  nextRetryAt?: string;
  lastError?: string;
  deliveredSinceStart: number;
}

interface TrafficState {
  running: string | null;
  listening: { tcpPort?: number; store: string } | null;
  queue: Destination[];
  tree: Node[];
}

const FILE = 'devices/e2e-forward.pacs';

const traffic = () => vscode.commands.executeCommand<TrafficState>('pacsWorkbench.receiver.state');
const devicesTree = async () => (await vscode.commands.executeCommand<{ tree: Node[] }>('pacsWorkbench.devices.testState')).tree;

const queueSection = (s: TrafficState) => s.tree.find((n) => n.label === 'Forward queue');
const row = (s: TrafficState, id: string) => queueSection(s)?.children.find((n) => n.label === id);
const status = (s: TrafficState, id: string) => s.queue.find((d) => d.id === id);

/** `pacsw queue --json` on the node's store: what the CLI, another process, reads from the spool. */
function pacswQueue(table: string, store: string): Promise<Array<{ destination: string; pending: number; failed: number }>> {
  const cli = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'dist', 'pacsw.js').fsPath;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, 'queue', '--devices', table, '--store', store, '--json'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (error, stdout, stderr) => {
      // Exit status 1 only says a destination has failed entries; the JSON is what counts.
      try {
        resolve(JSON.parse(stdout) as Array<{ destination: string; pending: number; failed: number }>);
      } catch {
        reject(new Error(`pacsw queue: ${error?.message ?? ''} ${stderr} ${stdout}`));
      }
    });
  });
}

describe('Traffic view: the forward queue of a receiver started from the Devices view', () => {
  let port: number;
  let archivePort: number;
  let backupPort: number;
  let archive: StorescpPeer | undefined;
  const samples = () => ['ct-outside.dcm', 'mg-for-processing.dcm'].map((f) => vscode.Uri.joinPath(workspaceRoot(), 'samples', f).fsPath);

  before(async () => {
    await activeApi();
    [port, archivePort, backupPort] = [await freePort(), await freePort(), await freePort()];
    const destination = (id: string, p: number) => [
      `device ${id} {`, '  type dicom', `  ae "${id}"`, '  host 127.0.0.1', `  port ${p}`,
      '  services {', '    store P', '    autofwd', '  }', '  enabled', '}', '',
    ];
    const table = [
      '# A lab receiver that forwards, for the e2e test: everything on this machine.',
      'server RECV_FWD {', '  ae "RECV_FWD"', '  host 127.0.0.1', `  tcp-port ${port}`, '}', '',
      'device CT_FWD {', '  type dicom', '  ae "CT_FWD"', '  host 127.0.0.1', '  port 104',
      '  services {', '    store U', '  }', '  enabled', '}', '',
      // Nothing listens on either port (yet): both queues wait and retry.
      ...destination('ARCHIVE', archivePort),
      ...destination('BACKUP', backupPort),
    ].join('\n');
    assert.deepEqual(validateDeviceText(table).diagnostics.filter((d) => d.severity === 'error'), []);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), FILE), Buffer.from(table, 'utf8'));
    await until(devicesTree, (tree) => tree.some((n) => n.label === 'RECV_FWD'), 'the Devices view shows the lab server');
  });

  after(async () => {
    await vscode.commands.executeCommand('pacsWorkbench.receiver.stop');
    await stopAllPeers();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), FILE));
  });

  it('shows each destination\'s depth, the last error and the retry time while nothing listens there', async () => {
    const server = (await devicesTree()).find((n) => n.label === 'RECV_FWD')!;
    await vscode.commands.executeCommand('pacsWorkbench.receiver.start', server.element);
    await until(traffic, (t) => t.tree[0]?.label === `Receiving as RECV_FWD on 127.0.0.1:${port}`, 'the receiver listens');

    const sent = await storescu('CT_FWD', 'RECV_FWD', port, samples());
    assert.equal(sent.code, 0, sent.output);
    // Both objects queued for each, nothing being sent between two attempts, the next attempt's
    // time and why the last one failed (the destination's own address in it).
    const waits = (t: TrafficState, id: string, p: number) =>
      new RegExp(`^2 pending, 0 failed · retry at \\d{1,2}:\\d\\d:\\d\\d.* · last error: .*127\\.0\\.0\\.1:${p}`).test(row(t, id)?.description ?? '');
    const s = await until(traffic, (t) => waits(t, 'ARCHIVE', archivePort) && waits(t, 'BACKUP', backupPort),
      'both destinations show 2 pending, a retry time and the last error');
    for (const id of ['ARCHIVE', 'BACKUP']) {
      // Retry is offered on a destination the running node holds back after failures, Drop on any with entries.
      assert.equal(row(s, id)!.contextValue, 'traffic.destination.pending.waiting');
    }
    assert.equal(queueSection(s)!.description, '4 pending, 0 failed');
  });

  it('Retry on a destination that is back sends its queue at once, not at the announced retry time', async () => {
    // Wait for a backoff long enough that the queue draining before it can only be Retry's doing.
    const before = await until(traffic, (t) => Date.parse(status(t, 'ARCHIVE')?.nextRetryAt ?? '') - Date.now() >= 5000,
      'ARCHIVE\'s next retry is at least 5 s away', 60_000);
    const retryAt = Date.parse(status(before, 'ARCHIVE')!.nextRetryAt!);
    archive = await startStorescp({ aet: 'ARCHIVE', port: archivePort });

    await vscode.commands.executeCommand('pacsWorkbench.receiver.queueRetry', row(before, 'ARCHIVE')!.element);
    const drained = await until(traffic, (t) => status(t, 'ARCHIVE')?.pending === 0 && status(t, 'ARCHIVE')?.deliveredSinceStart === 2,
      'ARCHIVE\'s queue drains after Retry', Math.max(1000, retryAt - Date.now() - 300));
    assert.ok(Date.now() < retryAt, 'delivered before the retry time the node had set');
    assert.equal(filesUnder(archive.dir).length, 2, `storescp received both objects: ${filesUnder(archive.dir).join(', ')}`);
    assert.match(row(drained, 'ARCHIVE')!.description ?? '', /^0 pending, 0 failed$/);
    assert.equal(row(drained, 'ARCHIVE')!.contextValue, 'traffic.destination', 'nothing left to retry or drop');
    assert.match(row(drained, 'BACKUP')!.description ?? '', /^2 pending, 0 failed · /, 'BACKUP still waits');
  });

  it('Drop on the pending entries of a destination removes them, and pacsw queue agrees', async () => {
    const s = await traffic();
    // As its menu entry runs it: VS Code is asked for the modal question (a test workbench
    // refuses dialogs, so the command fails with its text) and nothing is dropped meanwhile.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('pacsWorkbench.receiver.queueDrop', row(s, 'BACKUP')!.element)),
      (error: Error) => /refused to show dialog/.test(error.message) && /Drop queued forwards of BACKUP\?/.test(error.message),
    );
    assert.equal(status(await traffic(), 'BACKUP')?.pending, 2, 'nothing dropped while the question is unanswered');
    // Answered with the button that drops pending entries too (what a user picks in the dialog).
    await vscode.commands.executeCommand('pacsWorkbench.receiver.queueDrop', row(s, 'BACKUP')!.element, 'Drop Failed and 2 Pending');
    const dropped = await until(traffic, (t) => status(t, 'BACKUP')?.pending === 0, 'BACKUP\'s queue is empty after Drop');
    assert.match(row(dropped, 'BACKUP')!.description ?? '', /^0 pending, 0 failed/);
    assert.equal(queueSection(dropped)!.description, '0 pending, 0 failed');
    const cli = await pacswQueue(vscode.Uri.joinPath(workspaceRoot(), FILE).fsPath, dropped.listening!.store);
    assert.deepEqual(cli.map((r) => [r.destination, r.pending, r.failed]), [['ARCHIVE', 0, 0], ['BACKUP', 0, 0]]);
    assert.equal(filesUnder(archive!.dir).length, 2, 'the drop did not touch what ARCHIVE has');
  });
});
