/**
 * Forwarding end to end (issue 12): DCMTK storescu → `pacsw serve` (rules, store, durable queue)
 * → a real archive on 127.0.0.1 (Orthanc, or DCMTK storescp where a test needs a destination
 * that refuses a SOP class). What is checked is what an operator sees: the archive's own
 * `/instances`, the serve --json events, `pacsw queue`, and the data sets as `pacsw apply`
 * predicts them for the same input and rules.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pacsw, tempDir, writeRules } from './dicom-helpers';
import { makePart10, uniqueUid, SECONDARY_CAPTURE } from './forward/part10-maker';
import { hasCommand, startOrthanc, startStorescp, stopAllPeers, type OrthancPeer } from './peers';
import { associationsClosed, datasetBytes, startServe, storescu, type ServeProcess } from './serve-helpers';
import { parsePart10Meta } from '../../core/src/dicom/part10';
import type { ForwardEvent, NodeEvent } from '../../core/src/forward/events';
import { queueText, queueTrouble, TrafficModel } from '../../client/src/features/receiver/trafficModel';

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
type Forwarded = Extract<ForwardEvent, { event: 'forward' }>;
type QueueEvent = Extract<ForwardEvent, { event: 'queue' }>;
type ForwardOf<S extends Forwarded['status']> = Extract<Forwarded, { status: S }>;
const isForward = <S extends Forwarded['status']>(status: S) => (e: NodeEvent): e is ForwardOf<S> => e.event === 'forward' && e.status === status;
const count = (s: ServeProcess, status: Forwarded['status']): number => s.events.filter(isForward(status)).length;
const stored = (s: ServeProcess): string[] => s.events.flatMap((e) => (e.event === 'object' && e.status === 'stored' ? [e.sopInstanceUid] : []));

const PRECEDING = '(0008,0080)="PACSW FORWARD"\n';
const DEVICE = '(0008,0050)=concat("FW",(0008,0050))\n(0010,0020)=concat((0010,0020),"-X")\n';
const TRAILING = '(0008,1030)="forwarded"\n';

interface Dest { id: string; ae: string; port: number; extra?: string[] }

function tableText(dests: Dest[]): string {
  return [
    'server FWD {', '  ae "FWD"', '  host 127.0.0.1', '  tcp-port 11112',
    '  rules preceding "preceding.coerce"', '  rules trailing "trailing.coerce"', '}',
    'device MOD {', '  type dicom', '  ae "MOD"', '  host 127.0.0.1', '  services {', '    store U', '  }', '  rules "device.coerce"', '}',
    ...dests.flatMap((d) => [
      `device ${d.id} {`, '  type dicom', `  ae "${d.ae}"`, '  host 127.0.0.1', `  port ${d.port}`,
      '  services {', '    store P', '    autofwd', '  }', ...(d.extra ?? []).map((l) => `  ${l}`), '}',
    ]),
    '',
  ].join('\n');
}

/** SOP Instance UID → data set of every instance Orthanc holds (from its REST API). */
async function orthancDatasets(o: OrthancPeer): Promise<Map<string, Buffer>> {
  const ids = (await (await fetch(`${o.url}/instances`)).json()) as string[];
  const out = new Map<string, Buffer>();
  for (const id of ids) {
    const bytes = Buffer.from(await (await fetch(`${o.url}/instances/${id}/file`)).arrayBuffer());
    const uid = parsePart10Meta(bytes).text(0x00020003)!;
    assert.ok(!out.has(uid), `Orthanc holds ${uid} twice`);
    out.set(uid, Buffer.from(bytes.subarray(parsePart10Meta(bytes).datasetStart)));
  }
  return out;
}

const orthancCount = async (o: OrthancPeer): Promise<number> => {
  try {
    return ((await (await fetch(`${o.url}/instances`)).json()) as string[]).length;
  } catch {
    return -1; // down
  }
};

async function until(what: string, cond: () => boolean | Promise<boolean>, seen: () => unknown, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}; last seen: ${JSON.stringify(await seen())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('forwarding through pacsw serve: storescu → serve → real archive', function () {
  this.timeout(240000);
  let dir: string;
  let input: string;
  const serves: ServeProcess[] = [];

  before(function () {
    if (!hasCommand('storescu') || !hasCommand('Orthanc')) this.skip();
  });
  beforeEach(() => {
    dir = tempDir('forward-serve');
    input = path.join(dir, 'input');
    fs.mkdirSync(input);
    writeRules(dir, 'preceding.coerce', PRECEDING);
    writeRules(dir, 'device.coerce', DEVICE);
    writeRules(dir, 'trailing.coerce', TRAILING);
  });
  afterEach(async () => {
    await Promise.all(serves.splice(0).map((s) => s.kill()));
    await stopAllPeers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `n` small distinct objects in the input folder (CT or Secondary Capture). */
  function makeInputs(n: number, o: { sopClassUid?: string; prefix?: string; payloadBytes?: number } = {}): string[] {
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      const file = path.join(input, `${o.prefix ?? 'obj'}-${String(i).padStart(4, '0')}.dcm`);
      fs.writeFileSync(file, makePart10({
        sopClassUid: o.sopClassUid ?? CT_IMAGE, sopInstanceUid: uniqueUid(), patientId: `P${i % 7}`, accessionNumber: `A${i}`,
        payloadBytes: o.payloadBytes ?? 1500,
      }));
      files.push(file);
    }
    return files;
  }

  /** SOP Instance UIDs of the files a `storescu -v` run was answered Success for. */
  function acknowledgedBy(output: string): string[] {
    const out: string[] = [];
    let file: string | undefined;
    for (const line of output.split('\n')) {
      const sending = /Sending file: (.+)$/.exec(line);
      if (sending) file = sending[1].trim();
      else if (file && /Received Store Response \(Success\)/.test(line)) {
        out.push(parsePart10Meta(fs.readFileSync(file)).text(0x00020003)!);
        file = undefined;
      }
    }
    return out;
  }

  /** What `pacsw apply` makes of the inputs with the table's rules: SOP Instance UID → data set. */
  function predicted(): Map<string, Buffer> {
    const out = path.join(dir, 'applied');
    const r = pacsw(['apply', '--before', path.join(dir, 'preceding.coerce'), '--rules', path.join(dir, 'device.coerce'), '--after', path.join(dir, 'trailing.coerce'), '--out', out, input]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const map = new Map<string, Buffer>();
    for (const name of fs.readdirSync(out)) {
      const file = path.join(out, name);
      map.set(parsePart10Meta(fs.readFileSync(file)).text(0x00020003)!, datasetBytes(file));
    }
    return map;
  }

  async function serve(dests: Dest[], store = path.join(dir, 'store')): Promise<ServeProcess> {
    const pacs = path.join(dir, 'main.pacs');
    fs.writeFileSync(pacs, tableText(dests));
    const s = await startServe(pacs, store);
    serves.push(s);
    return s;
  }

  function assertSameAsPredicted(got: Map<string, Buffer>, want: Map<string, Buffer>, only?: Set<string>): void {
    for (const [uid, ds] of want) {
      if (only && !only.has(uid)) continue;
      const g = got.get(uid);
      assert.ok(g, `${uid} is not in the archive`);
      assert.ok(g.equals(ds), `${uid}: the archive's data set is not what pacsw apply predicts for the same input and rules`);
    }
  }

  it('delivers a few hundred objects to Orthanc, each with the values pacsw apply predicts, and empties the queue', async () => {
    const orthanc = await startOrthanc({ aet: 'ARCHIVE' });
    const files = makeInputs(300);
    const want = predicted();
    const s = await serve([{ id: 'ARCHIVE', ae: 'ARCHIVE', port: orthanc.dicomPort, extra: ['limits {', '  dicom-out 2', '}'] }]);
    // Two senders at once, as modalities do.
    const runs = await Promise.all([storescu('MOD', 'FWD', s.port, files.slice(0, 150)), storescu('MOD', 'FWD', s.port, files.slice(150))]);
    for (const r of runs) assert.equal(r.code, 0, r.output);
    await associationsClosed(s, 2);
    assert.equal(stored(s).length, 300);
    await until('300 instances in Orthanc', async () => (await orthancCount(orthanc)) === 300, () => orthancCount(orthanc));
    assertSameAsPredicted(await orthancDatasets(orthanc), want);
    // Every stored object was queued for the destination before it was acknowledged.
    const queued = new Set(s.events.filter(isForward('queued')).map((e) => e.sopInstanceUid));
    assert.deepEqual([...want.keys()].filter((u) => !queued.has(u)), []);
    await s.waitFor((e): e is QueueEvent => e.event === 'queue' && e.destinations[0]?.pending === 0 && e.destinations[0].deliveredSinceStart >= 300, 'a queue event with nothing pending');
    const q = pacsw(['queue', '--devices', path.join(dir, 'main.pacs'), '--store', s.store, '--json']);
    assert.equal(q.status, 0, q.stdout + q.stderr);
    assert.deepEqual((JSON.parse(q.stdout) as Array<{ destination: string; pending: number; failed: number }>).map((r) => [r.destination, r.pending, r.failed]), [['ARCHIVE', 0, 0]]);
  });

  it('keeps queuing while Orthanc is down in the middle of a send, says when it retries, and delivers everything once it is back', async () => {
    const orthanc = await startOrthanc({ aet: 'ARCHIVE' });
    const files = makeInputs(200);
    const want = predicted();
    const s = await serve([{ id: 'ARCHIVE', ae: 'ARCHIVE', port: orthanc.dicomPort }]);
    const first = storescu('MOD', 'FWD', s.port, files.slice(0, 100));
    await s.waitFor(() => count(s, 'sent') >= 10, '10 objects forwarded');
    await orthanc.kill();
    const sentBefore = new Set(s.events.filter(isForward('sent')).map((e) => e.sopInstanceUid));
    assert.equal((await first).code, 0, 'the node kept acknowledging while the archive was down');
    const second = await storescu('MOD', 'FWD', s.port, files.slice(100));
    assert.equal(second.code, 0, second.output);
    const retry = await s.waitFor(isForward('retry'), 'a retry scheduled');
    assert.equal(retry.destination, 'ARCHIVE');
    assert.ok(Date.parse(retry.nextRetryAt) > Date.parse(retry.time), `next retry ${retry.nextRetryAt} is not after ${retry.time}`);
    assert.match(retry.reason, /refused|closed|abort|reset|ECONN/i);
    const shown = await s.waitFor((e): e is QueueEvent => e.event === 'queue' && !!e.destinations[0]?.lastError && e.destinations[0].pending > 0, 'the queue status with the last error');
    assert.ok(shown.destinations[0].pending <= 200 - sentBefore.size + 1);
    assert.equal(shown.destinations[0].failed, 0, 'an archive that is down is no reason to fail objects for good');
    await orthanc.restart();
    await until('200 instances in Orthanc after the restart', async () => (await orthancCount(orthanc)) === 200, () => ({ orthanc: orthancCount(orthanc), last: s.events.slice(-3) }), 120000);
    // Resent objects (at least once) are the same data sets: Orthanc holds one of each, as predicted.
    assertSameAsPredicted(await orthancDatasets(orthanc), want);
    const sent = s.events.filter(isForward('sent')).map((e) => e.sopInstanceUid);
    assert.equal(new Set(sent).size, 200);
    assert.equal(count(s, 'failed'), 0);
  });

  it('loses nothing when serve is killed with SIGKILL mid-forward and started again on the same store', async () => {
    const orthanc = await startOrthanc({ aet: 'ARCHIVE' });
    const files = makeInputs(250);
    const want = predicted();
    const dests = [{ id: 'ARCHIVE', ae: 'ARCHIVE', port: orthanc.dicomPort }];
    const s = await serve(dests);
    const send = storescu('MOD', 'FWD', s.port, files, ['-v']);
    await s.waitFor(() => stored(s).length >= 60 && count(s, 'sent') >= 5, '60 stored and 5 forwarded');
    await s.kill();
    // storescu fails part way (the node is gone); what it was told "Success" for must all arrive.
    const acknowledged = new Set(acknowledgedBy((await send).output));
    assert.ok(acknowledged.size >= 50, `storescu was told success for only ${acknowledged.size} objects`);
    const forwarded = new Set(s.events.filter(isForward('sent')).map((e) => e.sopInstanceUid));
    assert.ok(forwarded.size < acknowledged.size, `not mid-forward: ${forwarded.size} of ${acknowledged.size} already forwarded at the kill`);
    // The same store, a new process: the queue on disk is sent.
    const again = await serve(dests, s.store);
    await until(`every acknowledged object (${acknowledged.size}) in Orthanc`, async () => (await orthancCount(orthanc)) >= acknowledged.size && again.events.some((e) => e.event === 'queue' && e.destinations[0]?.pending === 0), () => ({ orthanc: orthancCount(orthanc), last: again.events.slice(-2) }));
    const got = await orthancDatasets(orthanc);
    assertSameAsPredicted(got, want, acknowledged);
    // Nothing the first process never took is invented, either.
    assert.deepEqual([...got.keys()].filter((u) => !want.has(u)), []);
  });

  it('puts objects of a SOP class the destination refuses in the failed list with the reason (pacsw queue shows it and where each is stored); the other destination gets everything; retry delivers them once the destination takes them', async function () {
    if (!hasCommand('storescp')) this.skip();
    const cfg = path.join(dir, 'ct-only.cfg');
    fs.writeFileSync(cfg, [
      '[[TransferSyntaxes]]', '[Uncompressed]', 'TransferSyntax1 = LocalEndianExplicit', 'TransferSyntax2 = LittleEndianImplicit',
      '[[PresentationContexts]]', '[CTOnly]', 'PresentationContext1 = CTImageStorage\\Uncompressed',
      '[[Profiles]]', '[CTOnly]', 'PresentationContexts = CTOnly', '',
    ].join('\n'));
    const ctOnly = await startStorescp({ aet: 'CTONLY', args: ['-xf', cfg, 'CTOnly'] });
    const orthanc = await startOrthanc({ aet: 'ARCHIVE' });
    const ct = makeInputs(5, { prefix: 'ct' });
    const sc = makeInputs(3, { prefix: 'sc', sopClassUid: SECONDARY_CAPTURE });
    const s = await serve([{ id: 'ARCHIVE', ae: 'ARCHIVE', port: orthanc.dicomPort }, { id: 'CTONLY', ae: 'CTONLY', port: ctOnly.port }]);
    const r = await storescu('MOD', 'FWD', s.port, [...ct, ...sc]);
    assert.equal(r.code, 0, r.output);
    await until('3 failed and 5 sent to CTONLY, 8 in Orthanc', async () =>
      s.events.filter(isForward('failed')).filter((e) => e.destination === 'CTONLY').length === 3
        && s.events.filter(isForward('sent')).filter((e) => e.destination === 'CTONLY').length === 5
        && (await orthancCount(orthanc)) === 8, () => s.events.filter((e) => e.event === 'forward').slice(-3));
    const failed = s.events.filter(isForward('failed'));
    assert.ok(failed.every((e) => e.destination === 'CTONLY'), 'only the CT-only destination fails objects');
    for (const e of failed) assert.match(e.reason, new RegExp(`CTONLY does not accept SOP class ${SECONDARY_CAPTURE.replace(/\./g, '\\.')}`));
    assert.equal(fs.readdirSync(ctOnly.dir).filter((n) => !n.startsWith('.')).length, 5);

    const pacs = path.join(dir, 'main.pacs');
    const overview = pacsw(['queue', '--devices', pacs, '--store', s.store]);
    assert.equal(overview.status, 1, 'failed entries: exit status 1');
    assert.match(overview.stdout, /^CTONLY\s+enabled\s+0\s+3\s/m);
    assert.match(overview.stdout, /does not accept SOP class/);
    const list = pacsw(['queue', 'list', '--devices', pacs, '--store', s.store, '--failed', 'CTONLY']);
    const lines = list.stdout.trim().split('\n');
    assert.equal(lines.length, 3, list.stdout);
    for (const line of lines) assert.match(line, /failed .*: CTONLY does not accept SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.7 \(presentation context rejected\)/);

    // The Traffic view's model, fed this run's events as the extension reads them, shows the same.
    // Queue statuses come at most every 500 ms: wait for one taken after both destinations settled.
    await s.waitFor((e) => e.event === 'queue'
      && e.destinations.some((d) => d.id === 'CTONLY' && d.failed === 3 && d.pending === 0)
      && e.destinations.some((d) => d.id === 'ARCHIVE' && d.pending === 0), 'a queue status with the 3 failed and nothing pending for ARCHIVE');
    const model = new TrafficModel();
    for (const e of s.events) model.add(e);
    assert.equal(queueText(model.queue.get('CTONLY')!), '0 pending, 3 failed');
    assert.match(queueTrouble(model.queue.get('CTONLY')!) ?? '', /^last error: .*CTONLY does not accept SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.7/);
    assert.equal(model.forwardFailures.get('CTONLY')?.length, 3);
    assert.equal(queueText(model.queue.get('ARCHIVE')!), '0 pending, 0 failed');

    // A refused object stays in the store (the node's archive) and its failed entry says where;
    // the queue keeps its own copy, so a retry sends it even after the store's file is removed.
    const listed = pacsw(['queue', 'list', '--devices', pacs, '--store', s.store, '--failed', '--json', 'CTONLY']);
    const entries = JSON.parse(listed.stdout) as Array<{ key: string; sopInstanceUid: string; source: string }>;
    assert.equal(entries.length, 3, listed.stdout);
    const keptInStore = new Map<string, Buffer>();
    for (const e of entries) {
      assert.equal(path.dirname(e.source), path.join(s.store, 'MOD'), `${e.sopInstanceUid} is not stored under the sender's device folder: ${e.source}`);
      assert.ok(fs.existsSync(e.source), `the store no longer has ${e.source} after its forward failed`);
      assert.equal(parsePart10Meta(fs.readFileSync(e.source)).text(0x00020003), e.sopInstanceUid);
      assert.ok(lines.some((l) => l.startsWith(e.key) && l.includes(`stored as ${e.source}`)), `pacsw queue list does not say where ${e.key} is stored:\n${list.stdout}`);
      keptInStore.set(e.sopInstanceUid, datasetBytes(e.source));
    }
    fs.rmSync(entries[0].source); // the operator tidies the store meanwhile
    // The destination fixed (now a storescp that takes every SOP class), then Retry.
    const fixed = await startStorescp({ aet: 'CTONLY' });
    fs.writeFileSync(pacs, tableText([{ id: 'ARCHIVE', ae: 'ARCHIVE', port: orthanc.dicomPort }, { id: 'CTONLY', ae: 'CTONLY', port: fixed.port }]));
    await s.waitFor((e) => e.event === 'table' && e.status === 'reloaded', 'the edited table reloaded');
    const retried = pacsw(['queue', 'retry', '--devices', pacs, '--store', s.store, 'CTONLY']);
    assert.equal(retried.status, 0, retried.stdout + retried.stderr);
    assert.match(retried.stdout, /CTONLY: 3 failed entries back to pending/);
    const atFixed = () => fs.readdirSync(fixed.dir).filter((n) => !n.startsWith('.'));
    await until('the 3 retried objects at the fixed CTONLY', () => atFixed().length === 3, () => ({ files: atFixed(), events: s.events.filter((e) => e.event === 'forward').slice(-3) }));
    for (const name of atFixed()) {
      const uid = parsePart10Meta(fs.readFileSync(path.join(fixed.dir, name))).text(0x00020003)!;
      assert.ok(keptInStore.get(uid)?.equals(datasetBytes(path.join(fixed.dir, name))), `${uid}: the retried copy is not the object the node stored`);
    }
    const after = pacsw(['queue', '--devices', pacs, '--store', s.store]);
    assert.equal(after.status, 0, after.stdout);
    assert.match(after.stdout, /^CTONLY\s+enabled\s+0\s+0\s/m);
  });

  it('refuses new objects with 0xA700 when the disk of the store is nearly full, and keeps every object it acknowledged', async function () {
    // A small tmpfs of our own (root only); without one this test cannot fill a disk safely.
    const mnt = path.join(dir, 'small-disk');
    fs.mkdirSync(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=72m', 'tmpfs', mnt]);
    if (mounted.status !== 0) this.skip();
    try {
      // The queue keeps 64 MiB free (minFreeBytes): about 8 MiB of objects fit.
      const files = makeInputs(16, { payloadBytes: 1 << 20 });
      const s = await serve([{ id: 'ARCHIVE', ae: 'ARCHIVE', port: 1, extra: ['disabled'] }], path.join(mnt, 'store'));
      const r = await storescu('MOD', 'FWD', s.port, files, ['-nh', '-v']); // -nh: go on after a refusal
      await associationsClosed(s, 1);
      const objects = s.events.flatMap((e) => (e.event === 'object' ? [e] : []));
      const ok = objects.filter((o) => o.status === 'stored');
      const refused = objects.filter((o) => o.status === 'failed');
      assert.ok(ok.length >= 3 && ok.length < 16, `${ok.length} of 16 stored on a 72 MiB disk keeping 64 MiB free`);
      assert.equal(ok.length + refused.length, 16);
      for (const o of refused) {
        assert.equal(o.dimseStatus, 0xa700, `refused with 0x${o.dimseStatus.toString(16)}, not out of resources`);
        assert.match(o.reason ?? '', /only \d+\.\d MiB free, at least 64\.0 MiB needed; new objects are refused/);
      }
      assert.match(r.output, /A700|Out of Resources|Refused/i, `storescu hears the refusal: ${r.output}`);
      // Every acknowledged object is in the (disabled) destination's queue, nothing refused is.
      await s.stop();
      const list = pacsw(['queue', 'list', '--devices', path.join(dir, 'main.pacs'), '--store', s.store, '--json', 'ARCHIVE']);
      const queued = (JSON.parse(list.stdout) as Array<{ sopInstanceUid: string }>).map((e) => e.sopInstanceUid).sort();
      assert.deepEqual(queued, ok.map((o) => o.sopInstanceUid).sort());
    } finally {
      await Promise.all(serves.splice(0).map((x) => x.kill()));
      spawnSync('umount', [mnt]);
    }
  });
});
