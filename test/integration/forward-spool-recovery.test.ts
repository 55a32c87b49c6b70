/**
 * What a power loss can leave of the forward spool (issue 12, durability), made by hand since a
 * test cannot cut the power: enqueue makes an entry's name durable together with its object's
 * (one group of folder fsyncs), not the entry's contents, so an acknowledged entry may come back
 * cut (empty, or half its JSON); an entry whose enqueue never resolved may come back without
 * its object. The spool makes cut entries again from their object, removes entries without one
 * (never acknowledged), and the forwarder then delivers every acknowledged object.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForwardSpool } from '../../core/src/forward/spool';
import { suiteTempDir } from './peers';
import { makeForwarder, startRecordingScp, storeObjects, tableText, waitFor } from './forward/peers';

describe('forward spool after a power loss', function () {
  this.timeout(30000);
  const dir = suiteTempDir('forward-recovery');

  it('makes cut entries again from their object, removes entries without one, and delivers every acknowledged object', async () => {
    const root = dir();
    const spoolDir = path.join(root, 'spool');
    const objects = storeObjects(path.join(root, 'store'), 3);
    const first = ForwardSpool.open(spoolDir, { lock: true, minFreeBytes: 0 });
    const keys: string[] = [];
    for (const o of objects) keys.push((await first.enqueue(o, ['A', 'B']))!);
    first.close();
    const entry = (dest: string, key: string) => path.join(spoolDir, 'dest', dest, 'pending', `${key}.json`);
    fs.truncateSync(entry('A', keys[0]), 0);
    fs.truncateSync(entry('B', keys[1]), Math.floor(fs.statSync(entry('B', keys[1])).size / 2));
    // An entry whose object never reached the disk: its enqueue did not resolve, nothing was acknowledged.
    const orphan = keys[2].replace(/-[0-9a-f]{8}$/, '-00000000');
    fs.writeFileSync(entry('A', orphan), fs.readFileSync(entry('A', keys[2]), 'utf8').replaceAll(keys[2], orphan));

    const log: string[] = [];
    const spool = ForwardSpool.open(spoolDir, { lock: true, minFreeBytes: 0, log: (l) => log.push(l) });
    assert.ok(!fs.existsSync(entry('A', orphan)), 'the entry without an object is still there');
    assert.ok(log.some((l) => l.includes(`A/pending/${orphan}.json had no object`)), log.join('\n'));
    // pacsw queue (readSync) shows a cut entry as made again, without writing it.
    assert.equal(spool.readSync('A', 'pending', keys[0])?.sopInstanceUid, objects[0].sopInstanceUid);
    assert.equal(fs.statSync(entry('A', keys[0])).size, 0);
    const again = await spool.read('A', 'pending', keys[0]);
    assert.ok(again, 'the cut entry was not made again');
    assert.deepEqual(
      { key: again.key, destination: again.destination, sopClassUid: again.sopClassUid, sopInstanceUid: again.sopInstanceUid, transferSyntaxUid: again.transferSyntaxUid },
      { key: keys[0], destination: 'A', sopClassUid: objects[0].sopClassUid, sopInstanceUid: objects[0].sopInstanceUid, transferSyntaxUid: objects[0].transferSyntaxUid },
    );
    assert.deepEqual(JSON.parse(fs.readFileSync(entry('A', keys[0]), 'utf8')), again, 'the entry on disk is not whole again');
    assert.ok(log.some((l) => l.includes(`A/pending/${keys[0]}.json was cut`)), log.join('\n'));
    assert.deepEqual(fs.readdirSync(path.join(spoolDir, 'corrupt')), [], 'an entry that could be made again was put aside');
    spool.close();

    // B's cut entry is made again by the forwarder's own read; every object reaches both.
    const a = await startRecordingScp();
    const b = await startRecordingScp();
    const { forwarder } = makeForwarder(spoolDir, tableText([{ id: 'A', port: a.port }, { id: 'B', port: b.port }]));
    try {
      await waitFor('3 objects at A and at B', () => a.stored.size === 3 && b.stored.size === 3, () => forwarder.status());
      for (const o of objects) assert.ok(a.stored.has(o.sopInstanceUid) && b.stored.has(o.sopInstanceUid), `${o.sopInstanceUid} not delivered to both`);
      assert.equal(forwarder.status().reduce((n, d) => n + d.failed, 0), 0, 'nothing should fail');
    } finally {
      await forwarder.stop(false);
      await a.close();
      await b.close();
    }
  });
});
