/**
 * The receiving node in a real VS Code: Start Receiver on a server of the Devices view (a lab
 * table written into the test workspace, everything on 127.0.0.1), DCMTK `storescu` sending to
 * it, and the Traffic view as its own TreeDataProvider gives it (the association, the objects
 * and what the rules changed, a rejected caller with the reason); a click on an object shows it
 * before and after in the preview's rendering (measured in the page), Compare opens the diff
 * editor, the DICOM viewer opens the stored object, Save as Sample copies it into the workspace
 * only once the user confirms (and the preview lists it), Stop Receiver stops it (the port is
 * closed).
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { validateDeviceText } from '../../../core/src/devices';
import { storescu } from '../../integration/serve-helpers';
import { freePort } from '../../integration/peers';
import { labTable } from '../../labTable';
import { activeApi, diffTabOpened, openFile, pollUntil as until, workspaceRoot } from './helpers';

interface Node {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  command?: { command: string; arguments?: unknown[] };
  readonly element?: unknown;
  children: Node[];
}

interface PageReport {
  samples: number;
  links: number;
  layout?: { viewportWidth: number; scrollWidth: number };
  marks?: Array<{ sample: string; path: string; side: 'before' | 'after'; text: string | null; marked: string[] }>;
}

interface TrafficState {
  running: string | null;
  listening: { tcpPort?: number; store: string } | null;
  devices: Array<{ name: string; objects: Array<{ sopInstanceUid: string; file?: string; original?: string; status: string }> }>;
  tree: Node[];
  received?: { title: string; object: string; allAttributes: boolean; rendered?: PageReport };
}

const FILE = 'devices/e2e-receiver.pacs';
const CT_UID = '1.2.826.0.1.3680043.10.1082.1.1.1';

const preview = (options: object) => vscode.commands.executeCommand<{ samples: Array<{ name: string; status: string }> }>('pacsWorkbench.preview.lastResult', options);
const traffic = () => vscode.commands.executeCommand<TrafficState>('pacsWorkbench.receiver.state');
const devicesTree = async () => (await vscode.commands.executeCommand<{ tree: Node[] }>('pacsWorkbench.devices.testState')).tree;

const child = (node: Node | undefined, label: string | RegExp): Node | undefined =>
  node?.children.find((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)));
const device = (s: TrafficState, name: string) => s.tree.find((n) => n.label === name);

/** True when nothing listens on the port (the connection is refused). */
const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });

describe('Traffic view: a receiver started from the Devices view, fed by storescu', () => {
  let port: number;
  const samples = () => ['ct-outside.dcm', 'mg-for-processing.dcm'].map((f) => vscode.Uri.joinPath(workspaceRoot(), 'samples', f).fsPath);

  before(async () => {
    await activeApi();
    port = await freePort();
    const table = labTable({
      comment: 'A lab receiver for the e2e test: everything on this machine.',
      server: { name: 'RECV_LAB', tcpPort: port },
      devices: [{
        id: 'CT_LAB', type: 'dicom', ae: 'CT_LAB', host: '127.0.0.1', port: 104, services: { roles: { store: { u: true, p: false } }, flags: {} },
        inlineRules: ['(0008,0050)=concat("LAB-",(0008,0050))'], enabled: true,
      }],
    });
    assert.deepEqual(validateDeviceText(table).diagnostics.filter((d) => d.severity === 'error'), []);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), FILE), Buffer.from(table, 'utf8'));
    await until(devicesTree, (tree) => tree.some((n) => n.label === 'RECV_LAB'), 'the Devices view shows the lab server');
  });

  after(async () => {
    await vscode.commands.executeCommand('pacsWorkbench.receiver.stop');
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), FILE));
  });

  it('starts from the server\'s Start Receiver and says where it listens', async () => {
    const server = (await devicesTree()).find((n) => n.label === 'RECV_LAB')!;
    // The Start Receiver button and menu entry show on `viewItem == server`; VS Code passes them the element.
    assert.equal(server.contextValue, 'server');
    assert.ok(server.element, 'the snapshot carries the tree element');
    await vscode.commands.executeCommand('pacsWorkbench.receiver.start', server.element);
    const s = await until(traffic, (t) => t.tree[0]?.label === `Receiving as RECV_LAB on 127.0.0.1:${port}`, 'the Traffic view says the receiver listens');
    assert.match(s.running ?? '', /e2e-receiver\.pacs$/);
    assert.equal(s.tree[0].contextValue, 'traffic.status.running');
    assert.ok(!(await refused(port)), 'the port accepts connections');
  });

  it('shows the association and the objects storescu sends, with what the rules changed', async () => {
    const sent = await storescu('CT_LAB', 'RECV_LAB', port, samples());
    assert.equal(sent.code, 0, sent.output);
    const s = await until(traffic, (t) => (device(t, 'CT_LAB')?.children.length ?? 0) === 2, 'both objects are listed under CT_LAB');
    const lab = device(s, 'CT_LAB')!;
    assert.match(lab.description ?? '', /^1 accepted, 0 rejected · .* · 2 stored, 0 stopped, 0 failed$/);
    const ct = child(lab, CT_UID);
    assert.ok(ct, `the CT is listed by its SOP Instance UID: ${lab.children.map((c) => c.label).join(', ')}`);
    assert.match(ct.description ?? '', /^stored, \d+ changes?$/);
    assert.equal(ct.contextValue, 'traffic.object.stored.original');
    const accession = child(ct, '(0008,0050)');
    assert.match(accession?.description ?? '', /^"A123" → "LAB-A123" \(e2e-receiver\.pacs:\d+\)$/);
  });

  it('lists a caller that is not a registered device as rejected, with the reason', async () => {
    const sent = await storescu('INTRUDER', 'RECV_LAB', port, samples().slice(0, 1));
    assert.notEqual(sent.code, 0, 'storescu reports the rejection');
    const s = await until(traffic, (t) => !!child(device(t, 'unknown INTRUDER'), /^Rejected associations/), 'the rejected caller is listed');
    const rejections = child(device(s, 'unknown INTRUDER'), 'Rejected associations (1)');
    assert.ok(rejections);
    assert.match(rejections.children[0].label, /^INTRUDER → RECV_LAB from 127\.0\.0\.1/);
    assert.match(rejections.children[0].description ?? '', /calling AE "INTRUDER" is not a registered device/);
  });

  it('one click on an object shows it before and after the rules, as the preview renders a sample', async () => {
    const ct = child(device(await traffic(), 'CT_LAB'), CT_UID)!;
    assert.equal(ct.command?.command, 'pacsWorkbench.receiver.showChanges');
    await vscode.commands.executeCommand(ct.command.command, ...(ct.command.arguments ?? []));
    const shown = (await traffic()).received;
    assert.ok(shown?.rendered, `the page rendered: ${JSON.stringify(shown)}`);
    assert.equal(shown.title, `Received: CT_LAB ${CT_UID}`);
    const after = shown.rendered.marks?.find((m) => m.path === '(0008,0050)' && m.side === 'after');
    assert.deepEqual([after?.text, after?.marked], ['LAB-A123', ['LAB-']], 'exactly the added characters are marked');
    assert.ok(shown.rendered.links >= 1, 'the rule that changed it is a link');
    assert.ok(shown.rendered.layout!.scrollWidth <= shown.rendered.layout!.viewportWidth, `no horizontal scroll: ${JSON.stringify(shown.rendered.layout)}`);
  });

  it('compares before and after in the diff editor and opens the stored object in the DICOM viewer', async () => {
    const ct = child(device(await traffic(), 'CT_LAB'), CT_UID)!;
    const diff = diffTabOpened();
    await vscode.commands.executeCommand('pacsWorkbench.receiver.compare', ct.element);
    const input = (await diff).input as vscode.TabInputTextDiff;
    const [left, right] = await Promise.all([vscode.workspace.openTextDocument(input.original), vscode.workspace.openTextDocument(input.modified)]);
    assert.ok(left.getText().includes('(0008,0050) SH AccessionNumber "A123"\n'), left.getText());
    assert.ok(right.getText().includes('(0008,0050) SH AccessionNumber "LAB-A123"\n'), right.getText());

    await vscode.commands.executeCommand('pacsWorkbench.receiver.openInViewer', ct.element);
    const stored = (await traffic()).devices.find((d) => d.name === 'CT_LAB')!.objects.find((o) => o.sopInstanceUid === CT_UID)!.file!;
    const found = await until(
      () => vscode.commands.executeCommand<{ matches: string[] } | undefined>('pacsWorkbench.dicom.viewerState', vscode.Uri.file(stored), { search: 'LAB-A123' }),
      (r) => r !== undefined, 'the DICOM viewer opens the stored object',
    );
    assert.deepEqual(found!.matches, ['(0008,0050)']);
  });

  it('Save as Sample copies a received object into the samples only after the user confirms, and the preview then lists it', async () => {
    const ct = child(device(await traffic(), 'CT_LAB'), CT_UID)!;
    const original = (await traffic()).devices.find((d) => d.name === 'CT_LAB')!.objects.find((o) => o.sopInstanceUid === CT_UID)!.original!;
    const target = vscode.Uri.joinPath(workspaceRoot(), 'samples', 'received', `${CT_UID}.dcm`);
    const copied = () => Promise.resolve(vscode.workspace.fs.stat(target)).then(() => true, () => false);
    await openFile('outside-ct-import.coerce');
    await vscode.commands.executeCommand('pacsWorkbench.preview.open');
    const samplesBefore = (await preview({ document: '/outside-ct-import.coerce', rendered: true })).samples;
    assert.ok(!samplesBefore.some((x) => x.name.includes(CT_UID)), 'not a sample yet');

    // As its menu entry runs it: VS Code is asked for a modal dialog that says what is at stake.
    // A test workbench refuses every dialog (nobody would click), so the command fails with the
    // dialog's own text, and nothing is copied.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('pacsWorkbench.receiver.saveAsSample', ct.element)),
      (error: Error) => /refused to show dialog/.test(error.message) && /Copy the received object .* may hold patient data/s.test(error.message),
    );
    assert.equal(await copied(), false, 'nothing is written while the question is unanswered');
    // Dismissed (Escape: no answer) or any answer but the confirming button: nothing copied.
    for (const answer of ['', 'Cancel']) await vscode.commands.executeCommand('pacsWorkbench.receiver.saveAsSample', ct.element, answer);
    assert.equal(await copied(), false, 'a dismissed question copies nothing');

    await vscode.commands.executeCommand('pacsWorkbench.receiver.saveAsSample', ct.element, 'Copy into Workspace');
    assert.ok(Buffer.from(await vscode.workspace.fs.readFile(target)).equals(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(original)))),
      'the copy is the object as received, byte for byte');
    const after = await preview({ document: '/outside-ct-import.coerce', sampleCount: samplesBefore.length + 1, rendered: true });
    const sample = after.samples.find((x) => x.name.includes(CT_UID));
    assert.ok(sample, `the preview lists the saved sample: ${after.samples.map((x) => x.name).join(', ')}`);
    assert.equal(sample.status, 'changed', 'and runs the rules on it');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(target, '..'), { recursive: true });
  });

  it('Stop Receiver stops it: the view says so and the port is closed', async () => {
    await vscode.commands.executeCommand('pacsWorkbench.receiver.stop');
    const s = await until(traffic, (t) => t.running === null && t.tree[0]?.label === 'Receiver stopped', 'the Traffic view says the receiver stopped');
    assert.equal(s.tree[0].contextValue, 'traffic.status.stopped');
    assert.ok(await refused(port), `nothing listens on ${port} any more`);
    assert.ok(device(s, 'CT_LAB'), 'what was received stays listed');
  });
});
