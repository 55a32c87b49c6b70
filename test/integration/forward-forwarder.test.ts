/**
 * The forwarder against real peers on 127.0.0.1 (issue 12, forwarding): DCMTK storescp (plain
 * and TLS) and our own core/src/net SCP where a test needs chosen answers. No stand-ins: every
 * object goes through the spool on disk and a real association.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeSelfSignedCert, startStorescp, stopAllPeers, tempDir, freePort, hasCommand } from './peers';
import {
  datasetOf, destinationsOf, EXPLICIT_LE, makeForwarder, startRecordingScp, storeObjects, tableText, waitFor,
} from './forward/peers';
import { SECONDARY_CAPTURE } from './forward/part10-maker';
import type { Forwarder } from '../../core/src/forward';

const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';

describe('forwarder: C-STORE to AutoFwd destinations through the spool', function () {
  this.timeout(60000);
  let root: string;
  const forwarders: Forwarder[] = [];
  const closers: Array<() => Promise<void>> = [];
  beforeEach(() => {
    root = tempDir('forward');
  });
  afterEach(async () => {
    await Promise.all(forwarders.splice(0).map((f) => f.stop(false)));
    await Promise.all(closers.splice(0).map((c) => c()));
    await stopAllPeers();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function start(text: string, extra: Parameters<typeof makeForwarder>[2] = {}) {
    const f = makeForwarder(path.join(root, 'spool'), text, extra);
    forwarders.push(f.forwarder);
    return f;
  }

  it('delivers every object to storescp byte for byte, from the server AE, and empties the spool', async function () {
    if (!hasCommand('storescp')) this.skip();
    const scp = await startStorescp({ aet: 'ARCH' });
    const { forwarder, spool } = start(tableText([{ id: 'ARCH', port: scp.port }]));
    const objects = storeObjects(path.join(root, 'store'), 40, { payloadBytes: 3000 });
    for (const o of objects) await forwarder.enqueue(o);
    const received = () => fs.readdirSync(scp.dir).filter((n) => !n.startsWith('.')).length;
    await waitFor('40 files in storescp', () => received() === 40 && forwarder.status()[0].pending === 0, () => ({ received: received(), status: forwarder.status() }));
    for (const o of objects) {
      const got = fs.readdirSync(scp.dir).find((n) => n.includes(o.sopInstanceUid));
      assert.ok(got, `${o.sopInstanceUid} not at storescp`);
      assert.ok(datasetOf(path.join(scp.dir, got)).equals(datasetOf(o.file)), `${o.sopInstanceUid}: data set changed on the way`);
    }
    spool.rebuildRefs(false);
    assert.deepEqual(spool.keys('ARCH', 'pending'), []);
    assert.equal(spool.objectCount(), 0, 'delivered objects left in the spool');
    // state.json (pacsw queue between runs) is saved at most once a second while delivering, and at a stop.
    const before = Date.now();
    await forwarder.stop(true);
    const saved = spool.readState('ARCH').lastDeliveredAt;
    assert.ok(saved && Date.parse(saved) <= before, `last delivery not saved at the stop: ${JSON.stringify(spool.readState('ARCH'))}`);
  });

  it('reuses one association for a run and holds dicom-out as the bound on concurrent associations', async () => {
    const one = await startRecordingScp();
    const three = await startRecordingScp();
    closers.push(one.close, three.close);
    const { forwarder } = start(tableText([
      { id: 'ONE', port: one.port },
      { id: 'THREE', port: three.port, extra: ['type child', 'limits {', '  dicom-out 3', '}'] },
    ]), { batchSize: 10, start: false });
    const objects = storeObjects(path.join(root, 'store'), 60);
    await Promise.all(objects.map((o) => forwarder.enqueue(o)));
    forwarder.start(); // all 60 wait: one run
    await waitFor('all delivered', () => one.stored.size === 60 && three.stored.size === 60, () => forwarder.status());
    assert.equal(one.associations, 1, 'a run of queued objects should share one association');
    assert.deepEqual([...one.callingAes], ['FWD'], 'forwards come from the server AE');
    assert.ok(three.maxConcurrent <= 3, `dicom-out 3 exceeded: ${three.maxConcurrent} at once`);
    assert.ok(three.maxConcurrent >= 2, `dicom-out 3 used only ${three.maxConcurrent} association at a time for 60 objects`);
    assert.ok(one.maxConcurrent === 1);
  });

  it('a category max-connections bounds its members together', async () => {
    const a = await startRecordingScp();
    const b = await startRecordingScp();
    closers.push(a.close, b.close);
    let open = 0;
    let most = 0;
    const { forwarder } = start(tableText([
      { id: 'A', port: a.port, extra: ['type child', 'category archives', 'limits {', '  dicom-out 4', '}'] },
      { id: 'B', port: b.port, extra: ['type child', 'category archives', 'limits {', '  dicom-out 4', '}'] },
    ], ['category archives {', '  max-connections 2', '}']), {
      batchSize: 5,
      connect: async (o: Parameters<typeof import('../../core/src/net').connect>[0]) => {
        const { connect } = await import('../../core/src/net');
        const assoc = await connect(o);
        most = Math.max(most, ++open);
        const release = assoc.release.bind(assoc);
        const abort = assoc.abort.bind(assoc);
        assoc.release = async () => { open--; await release(); };
        assoc.abort = () => { open--; abort(); };
        return assoc;
      },
    });
    const objects = storeObjects(path.join(root, 'store'), 40);
    await Promise.all(objects.map((o) => forwarder.enqueue(o)));
    await waitFor('all delivered', () => a.stored.size === 40 && b.stored.size === 40, () => forwarder.status());
    assert.ok(most <= 2, `category max-connections 2 exceeded: ${most} associations at once`);
  });

  it('retries with backoff while the destination refuses connections, then delivers everything once it is up', async function () {
    if (!hasCommand('storescp')) this.skip();
    const port = await freePort();
    const { forwarder } = start(tableText([{ id: 'LATE', port }]));
    const objects = storeObjects(path.join(root, 'store'), 10);
    for (const o of objects) await forwarder.enqueue(o);
    await waitFor('two failed attempts', () => forwarder.status()[0].consecutiveFailures >= 2, () => forwarder.status());
    const s = forwarder.status()[0];
    assert.match(s.lastError ?? '', /refused/i);
    assert.equal(s.pending, 10, 'nothing may leave the queue while the destination is down');
    assert.equal(s.failed, 0, 'a refused connection is not a reason to fail objects for good');
    const scp = await startStorescp({ aet: 'LATE', port });
    const received = () => fs.readdirSync(scp.dir).filter((n) => !n.startsWith('.')).length;
    await waitFor('10 files once storescp is up', () => received() === 10 && forwarder.status()[0].pending === 0, () => ({ received: received(), status: forwarder.status() }));
  });

  it('moves objects of a refused SOP class, or a transfer syntax the destination lacks, to the failed list with the reason', async () => {
    const scp = await startRecordingScp({ refuseSopClasses: [CT_IMAGE] });
    closers.push(scp.close);
    const { forwarder, spool } = start(tableText([{ id: 'PICKY', port: scp.port }]));
    const ct = storeObjects(path.join(root, 'store'), 2, { sopClassUid: CT_IMAGE });
    const jpeg = storeObjects(path.join(root, 'store'), 1, { transferSyntaxUid: JPEG_BASELINE });
    const fine = storeObjects(path.join(root, 'store'), 3);
    for (const o of [...ct, ...jpeg, ...fine]) await forwarder.enqueue(o);
    await waitFor('3 failed, 3 delivered', () => forwarder.status()[0].failed === 3 && scp.stored.size === 3 && forwarder.status()[0].pending === 0, () => forwarder.status());
    const failed = spool.keys('PICKY', 'failed').map((k) => spool.readSync('PICKY', 'failed', k)!);
    const reasonOf = (uid: string) => failed.find((e) => e.sopInstanceUid === uid)?.failure?.reason ?? '(not failed)';
    for (const o of ct) assert.match(reasonOf(o.sopInstanceUid), /PICKY does not accept SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.2/);
    assert.match(reasonOf(jpeg[0].sopInstanceUid), /accepts SOP class .* but not in transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50.*no transcoding/);
    assert.equal(forwarder.status()[0].pending, 0);
    assert.ok(!scp.stored.has(jpeg[0].sopInstanceUid), 'the JPEG object must not be sent in another transfer syntax');
  });

  it('fails an object answered 0xA700 for good, retries one answered 0x0110 until it is taken', async () => {
    const uids = storeObjects(path.join(root, 'store'), 2);
    const [full, flaky] = uids;
    const scp = await startRecordingScp({
      status: (uid, attempt) => (uid === full.sopInstanceUid ? 0xa700 : uid === flaky.sopInstanceUid && attempt < 3 ? 0x0110 : 0),
    });
    closers.push(scp.close);
    const { forwarder, spool } = start(tableText([{ id: 'D', port: scp.port }]));
    for (const o of uids) await forwarder.enqueue(o);
    await waitFor('flaky delivered and full failed', () => scp.stored.has(flaky.sopInstanceUid) && forwarder.status()[0].failed === 1, () => forwarder.status());
    const [failedKey] = spool.keys('D', 'failed');
    const entry = spool.readSync('D', 'failed', failedKey)!;
    assert.equal(entry.sopInstanceUid, full.sopInstanceUid);
    assert.equal(entry.failure?.status, 0xa700);
    assert.match(entry.failure!.reason, /0xA700 \(out of resources\)/);
    // Retry brings it back; the destination still refuses, so it fails again (not lost, not looping).
    assert.equal(forwarder.retry('D'), 1);
    await waitFor('failed again after retry', () => forwarder.status()[0].failed === 1 && forwarder.status()[0].pending === 0, () => forwarder.status());
  });

  it('a disabled destination keeps its queue (new objects included) and sends it once enabled', async () => {
    const scp = await startRecordingScp();
    closers.push(scp.close);
    const text = tableText([{ id: 'OFF', port: scp.port, extra: ['disabled'] }]);
    const { forwarder, spool } = start(text);
    const objects = storeObjects(path.join(root, 'store'), 5);
    for (const o of objects) await forwarder.enqueue(o);
    assert.equal(spool.keys('OFF', 'pending').length, 5, 'objects for a disabled destination are kept');
    // A negative check needs some time: three rescans (200 ms each) in which nothing may be sent.
    const until = Date.now() + 600;
    await waitFor('three rescan periods', () => Date.now() > until, () => undefined);
    assert.equal(scp.associations, 0, 'nothing may be sent to a disabled destination');
    forwarder.setDestinations(destinationsOf(text.replace('  disabled\n', '')).destinations);
    await waitFor('5 delivered after enabling', () => scp.stored.size === 5, () => forwarder.status());
  });

  it('forwards over TLS when the device has a TLS port', async function () {
    if (!hasCommand('storescp')) this.skip();
    const cert = makeSelfSignedCert();
    closers.push(async () => fs.rmSync(cert.dir, { recursive: true, force: true }));
    const scp = await startStorescp({ aet: 'SECURE', tls: cert });
    const { forwarder } = start(tableText([{ id: 'SECURE', port: scp.port, tls: true }]), { tls: { ca: fs.readFileSync(cert.cert) } });
    const objects = storeObjects(path.join(root, 'store'), 3);
    for (const o of objects) await forwarder.enqueue(o);
    const received = () => fs.readdirSync(scp.dir).filter((n) => !n.startsWith('.')).length;
    await waitFor('3 files over TLS', () => received() === 3, () => ({ received: received(), status: forwarder.status() }));
    assert.equal(EXPLICIT_LE, objects[0].transferSyntaxUid);
    assert.equal(SECONDARY_CAPTURE, objects[0].sopClassUid);
  });
});
