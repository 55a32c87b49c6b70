/**
 * Forwarding as pacsw serve runs it, with the sending in a thread of its own
 * (core/src/forward/sendThread.ts, started from the real bundle dist/pacsw.js): objects keep
 * going to the destination while the main thread is busy, and the thread never sends or
 * settles an object the main thread is still writing, even with the pending folders read
 * every few milliseconds (the one hazard of two threads on one spool).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startForwarding, ForwardSpool, spoolDirOf, type ForwardEvent, type Forwarding } from '../../core/src/forward';
import { PACSW } from './dicom-helpers';
import { hasCommand, startStorescp, stopAllPeers, tempDir } from './peers';
import { startRecordingScp, storeObjects, tableText, waitFor, type RecordingScp } from './forward/peers';

describe('forwarding from a sending thread', function () {
  this.timeout(90000);
  let root: string;
  let forwarding: Forwarding | undefined;
  const scps: RecordingScp[] = [];
  beforeEach(() => {
    root = tempDir('forward-thread');
  });
  afterEach(async () => {
    await forwarding?.stop(false);
    forwarding = undefined;
    await Promise.all(scps.splice(0).map((s) => s.close()));
    await stopAllPeers();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function start(table: string, extra: { rescanMs?: number } = {}) {
    const devicesFile = path.join(root, 'node.pacs');
    fs.writeFileSync(devicesFile, table);
    const events: ForwardEvent[] = [];
    const log: string[] = [];
    forwarding = startForwarding({
      devicesFile, storeDir: path.join(root, 'store'), minFreeBytes: 0, timeoutMs: 5000, retry: { initialMs: 100, maxMs: 400 },
      log: (l) => log.push(l), onEvent: (e) => events.push(e), thread: { file: PACSW }, ...extra,
    });
    assert.equal(forwarding.sendingThread, true, 'the sending did not start in a thread of its own');
    return { forwarding, events, log };
  }

  it('goes on sending to storescp while the main thread is busy', async function () {
    if (!hasCommand('storescp')) this.skip();
    const scp = await startStorescp({ aet: 'ARCH' });
    const { forwarding: f } = start(tableText([{ id: 'ARCH', port: scp.port }]));
    const objects = storeObjects(path.join(root, 'store', 'MOD'), 300, { payloadBytes: 2000 });
    await Promise.all(objects.map((o) => f.enqueue(o)));
    const received = () => fs.readdirSync(scp.dir).filter((n) => !n.startsWith('.')).length;
    const before = received();
    assert.ok(before < objects.length, 'all were sent before the main thread got busy: this test cannot tell');
    // This thread does nothing but look for 20 s at most: whatever arrives meanwhile came from the other.
    const deadline = Date.now() + 20000;
    while (received() < objects.length && Date.now() < deadline) { /* busy: no event loop turn here */ }
    assert.equal(received(), objects.length, `${before} at storescp when the main thread got busy, ${received()} of ${objects.length} after`);
  });

  it('delivers everything to two destinations, none failed, with the folders read every 2 ms while objects are written', async function () {
    const a = await startRecordingScp();
    const b = await startRecordingScp();
    scps.push(a, b);
    const { forwarding: f, events, log } = start(tableText([{ id: 'A', port: a.port }, { id: 'B', port: b.port }]), { rescanMs: 2 });
    const objects = storeObjects(path.join(root, 'store', 'MOD'), 400, { payloadBytes: 500 });
    // 16 senders at once, as 16 associations of the receiver would.
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < objects.length) await f.enqueue(objects[next++]);
    }));
    const sent = (dest: string) => new Set(events.filter((e) => e.event === 'forward' && e.status === 'sent' && e.destination === dest).map((e) => (e as { sopInstanceUid: string }).sopInstanceUid));
    await waitFor('every object at A and at B', () => a.stored.size === objects.length && b.stored.size === objects.length && sent('A').size === objects.length && sent('B').size === objects.length,
      () => ({ a: a.stored.size, b: b.stored.size, failed: events.filter((e) => e.event === 'forward' && e.status === 'failed'), log }), 60000);
    const failed = events.filter((e) => e.event === 'forward' && (e.status === 'failed' || e.status === 'retry'));
    assert.deepEqual(failed, [], 'objects failed or were retried');
    for (const o of objects) {
      assert.ok(a.stored.has(o.sopInstanceUid) && b.stored.has(o.sopInstanceUid), `${o.sopInstanceUid} missing at a destination`);
    }
    // Every queued event before its sent events; every object settled and removed.
    const queuedAt = new Map(events.map((e, i) => [e.event === 'forward' && e.status === 'queued' ? e.key : '', i]));
    events.forEach((e, i) => {
      if (e.event === 'forward' && e.status === 'sent') assert.ok((queuedAt.get(e.key) ?? Infinity) < i, `sent before queued: ${e.key}`);
    });
    await f.stop(true);
    forwarding = undefined;
    const spool = ForwardSpool.open(spoolDirOf(path.join(root, 'store')), { lock: true });
    try {
      assert.deepEqual([spool.keys('A', 'pending'), spool.keys('B', 'pending'), spool.keys('A', 'failed'), spool.keys('B', 'failed')], [[], [], [], []]);
      assert.equal(spool.objectCount(), 0, 'delivered objects left in the spool');
    } finally {
      spool.close();
    }
  });

  it('retry and drop from the node reach the sending thread; stop hands back the lock', async function () {
    const refusing = await startRecordingScp({ refuseSopClasses: ['1.2.840.10008.5.1.4.1.1.7'] });
    scps.push(refusing);
    const { forwarding: f, events } = start(tableText([{ id: 'A', port: refusing.port }]));
    const objects = storeObjects(path.join(root, 'store', 'MOD'), 6);
    for (const o of objects) await f.enqueue(o);
    const failedKeys = () => events.filter((e) => e.event === 'forward' && e.status === 'failed').map((e) => (e as { key: string }).key);
    await waitFor('6 objects in the failed list', () => failedKeys().length === 6, () => events);
    await waitFor('the status to say 6 failed', () => f.status()[0]?.failed === 6, () => f.status());
    // Retried: they fail again (the destination still refuses), sent anew by the thread.
    assert.equal(f.retry('A', failedKeys().slice(0, 2)), 2);
    await waitFor('the two retried objects to fail again', () => failedKeys().length === 8, () => events);
    assert.equal(f.drop('A', ['failed']), 6);
    await waitFor('the status to say 0 failed', () => f.status()[0]?.failed === 0 && f.status()[0]?.pending === 0, () => f.status());
    await f.stop(true);
    forwarding = undefined;
    const spool = ForwardSpool.open(spoolDirOf(path.join(root, 'store')), { lock: true });
    try {
      assert.equal(spool.objectCount(), 0, 'dropped objects left in the spool');
    } finally {
      spool.close();
    }
  });
});
