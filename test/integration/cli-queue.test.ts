/**
 * `pacsw queue` on a real spool (issue 12, operations): the overview per destination, the list
 * of failed entries with their reasons, retry and drop, also while another process (here: this
 * one, holding the forwarder's lock) uses the queue.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForwardSpool, spoolDirOf } from '../../core/src/forward';
import { PACSW } from './dicom-helpers';
import { tempDir } from './peers';
import { storeObjects, tableText } from './forward/peers';

function pacsw(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [PACSW, 'queue', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('pacsw queue', function () {
  this.timeout(30000);
  let root: string;
  let devices: string;
  let store: string;
  let spool: ForwardSpool;
  beforeEach(async () => {
    root = tempDir('cli-queue');
    devices = path.join(root, 'node.pacs');
    store = path.join(root, 'store');
    fs.writeFileSync(devices, tableText([{ id: 'ARCH', port: 1 }, { id: 'OFF', port: 2, extra: ['disabled'] }]));
    spool = ForwardSpool.open(spoolDirOf(store), { lock: true, minFreeBytes: 0 });
    const objects = storeObjects(store, 4);
    for (const o of objects) await spool.enqueue(o, ['ARCH', 'OFF']);
    const first = spool.keys('ARCH', 'pending')[0];
    await spool.fail((await spool.read('ARCH', 'pending', first))!, { reason: 'refused with 0xA700 (out of resources)', status: 0xa700 });
  });
  afterEach(() => {
    spool.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('shows pending and failed per destination, disabled ones included, and exits 1 when something failed', () => {
    const r = pacsw('--devices', devices, '--store', store);
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0], /^DESTINATION\s+STATE\s+PENDING\s+FAILED\s+OLDEST PENDING\s+LAST ERROR$/);
    assert.match(lines[1], /^ARCH\s+enabled\s+3\s+1\s+\d{4}-/);
    assert.match(lines[2], /^OFF\s+disabled\s+4\s+0\s+/);
    const json = JSON.parse(pacsw('--devices', devices, '--store', store, '--json').out);
    assert.deepEqual(json.map((x: { destination: string; pending: number; failed: number }) => [x.destination, x.pending, x.failed]), [['ARCH', 3, 1], ['OFF', 4, 0]]);
  });

  it('lists failed entries with the reason; retry moves them back; drop removes them', () => {
    const failed = pacsw('list', '--devices', devices, '--store', store, '--failed', 'ARCH');
    assert.equal(failed.code, 1);
    assert.match(failed.out, /^\S+ {2}1\.2\.826\.\S+ {2}from MOD {2}received \S+ {2}stored as \S+\.dcm {2}failed \S+: refused with 0xA700 \(out of resources\)$/m);
    const retry = pacsw('retry', '--devices', devices, '--store', store, 'ARCH');
    assert.equal(retry.code, 0, retry.err);
    assert.match(retry.out, /ARCH: 1 failed entry back to pending/);
    assert.equal(spool.keys('ARCH', 'pending').length, 4);
    assert.equal(spool.keys('ARCH', 'failed').length, 0);
    const key = spool.keys('OFF', 'pending')[0];
    const drop = pacsw('drop', '--devices', devices, '--store', store, '--pending', 'OFF', key);
    assert.equal(drop.code, 0, drop.err);
    assert.match(drop.out, /OFF: 1 entry dropped/);
    assert.equal(spool.keys('OFF', 'pending').length, 3);
    assert.ok(!spool.keys('OFF', 'pending').includes(key));
  });

  it('says what is wrong: unknown destination, no queue, missing --devices', () => {
    const unknown = pacsw('retry', '--devices', devices, '--store', store, 'NOPE');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /NOPE is neither an AutoFwd device of .*node\.pacs nor in the queue \(known: ARCH, OFF\)/);
    const none = pacsw('retry', '--devices', devices, '--store', path.join(root, 'empty'), 'ARCH');
    assert.equal(none.code, 2);
    assert.match(none.err, /no forward queue in/);
    const overviewOfNothing = pacsw('--devices', devices, '--store', path.join(root, 'empty'));
    assert.equal(overviewOfNothing.code, 0);
    assert.match(overviewOfNothing.out, /ARCH\s+enabled\s+0\s+0/);
    assert.ok(!fs.existsSync(path.join(root, 'empty')), 'a listing must not create the store');
    assert.equal(pacsw('--store', store).code, 2);
  });
});
