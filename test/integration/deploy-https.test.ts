import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import * as path from 'node:path';
import { deploy } from '../../core/src/deploy/deploy';
import { importFromOrthanc } from '../../core/src/deploy/import';
import { CT1, pacsText, writePacs } from './deploy-helpers';
import { hasCommand, startOrthanc, stopAllPeers, tempDir, type OrthancPeer } from './peers';

/** A private CA and a server certificate for 127.0.0.1 signed by it (openssl). */
function makePrivateCa(dir: string, name: string): { ca: string; key: string; cert: string } {
  const run = (args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-days', '2', '-subj', `/CN=${name} test CA`]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-srv.key`, '-out', `${name}-srv.csr`, '-subj', '/CN=127.0.0.1']);
  fs.writeFileSync(path.join(dir, `${name}-ext.cnf`), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', `${name}-srv.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`, '-CAcreateserial', '-out', `${name}-srv.pem`, '-days', '2', '-extfile', `${name}-ext.cnf`]);
  return { ca: path.join(dir, `${name}-ca.pem`), key: path.join(dir, `${name}-srv.key`), cert: path.join(dir, `${name}-srv.pem`) };
}

/**
 * An https front for Orthanc on 127.0.0.1, as a reverse proxy would be. (Debian's Orthanc
 * 1.10.1 with "SslEnabled" exits on its first HTTPS request on this machine, so TLS is
 * terminated here; the certificate checks on our side are the same.)
 */
function startTlsFront(orthanc: OrthancPeer, key: string, cert: string): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<{ destroy(): void }>();
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
    const up = http.request(`${orthanc.url}${req.url}`, { method: req.method, headers: req.headers, agent: false }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    stop: () => new Promise<void>((done) => {
      for (const s of sockets) s.destroy();
      server.close(() => done());
    }),
  })));
}

describe('deploy over https with a private CA', function () {
  this.timeout(120000);
  let dir: string;
  let front: { url: string; stop(): Promise<void> };
  let ca: string;
  let otherCa: string;
  let file: string;

  before(async function () {
    if (!hasCommand('openssl')) this.skip();
    dir = tempDir('deploy-https');
    const made = makePrivateCa(dir, 'good');
    ca = made.ca;
    otherCa = makePrivateCa(dir, 'other').ca;
    const orthanc = await startOrthanc();
    front = await startTlsFront(orthanc, made.key, made.cert);
    file = writePacs(dir, 'site.pacs', pacsText([`deploy orthanc "${front.url}"`], [CT1]));
  });
  after(async () => {
    await front?.stop();
    await stopAllPeers();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it cannot verify, and says how to trust a private CA', async () => {
    for (const trust of [undefined, fs.readFileSync(otherCa)]) {
      const r = await deploy({ file, ca: trust, snapshotDir: path.join(dir, 'snap') });
      assert.equal(r.targets[0].outcome, 'failed');
      assert.match(r.targets[0].error!, /TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted .*pacsWorkbench\.deploy\.caFile, or --ca/);
    }
  });

  it('deploys and imports with the CA given', async () => {
    const r = await deploy({ file, ca: fs.readFileSync(ca), snapshotDir: path.join(dir, 'snap') });
    assert.equal(r.ok, true, JSON.stringify(r.targets[0]));
    assert.equal(r.targets[0].verified, true);
    const imported = await importFromOrthanc({ url: front.url, ca: fs.readFileSync(ca) });
    assert.equal(imported.devices, 1);
    assert.match(imported.text, /device CT1 \{\n {2}type dicom\n {2}ae "CT_SCANNER"\n {2}host 10\.0\.0\.11\n {2}port 104\n/);
  });
});
