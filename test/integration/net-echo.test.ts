import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { echo } from '../../core/src/net/echo';
import { echoAll, runBounded, type EchoTarget } from '../../core/src/net/echoAll';
import { closedPort, startEchoLab, startEchoScp, startSilentListener, startStorescp, stopAllPeers, stopEchoLab, type EchoLab } from './peers';

const LOCAL = '127.0.0.1';

describe('DICOM echo against real peers on 127.0.0.1', function () {
  this.timeout(60000);
  let lab: EchoLab;

  before(async () => {
    lab = await startEchoLab('ORTHANC_T');
  });

  after(() => stopEchoLab(lab));

  it('succeeds against storescp', async () => {
    const r = await echo({ host: LOCAL, port: lab.store.port, calledAet: 'STORESCP', callingAet: 'PACSW', timeoutMs: 5000 });
    assert.equal(r.outcome, 'ok', r.reason);
    assert.equal(r.ok, true);
    assert.equal(r.reason, 'C-ECHO succeeded');
    assert.ok(r.ms > 0);
  });

  it('is rejected by Orthanc with a wrong called AE title, and says why', async () => {
    const r = await echo({ host: LOCAL, port: lab.orthanc.dicomPort, calledAet: 'WRONG_AE', callingAet: 'PACSW', timeoutMs: 5000 });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.ok, false);
    assert.match(r.reason, /^association rejected: called AE title not recognised \(reason 7/);
  });

  it('succeeds against Orthanc with the right called AE title', async () => {
    const r = await echo({ host: LOCAL, port: lab.orthanc.dicomPort, calledAet: 'ORTHANC_T', callingAet: 'PACSW', timeoutMs: 5000 });
    assert.equal(r.outcome, 'ok', r.reason);
  });

  it('reports a refused connection on a closed port', async () => {
    const r = await echo({ host: LOCAL, port: await closedPort(), calledAet: 'X', callingAet: 'PACSW', timeoutMs: 5000 });
    assert.equal(r.outcome, 'refused');
    assert.match(r.reason, /connection refused/);
  });

  it('times out on a silent peer after the set timeout', async () => {
    const r = await echo({ host: LOCAL, port: lab.silent.port, calledAet: 'X', callingAet: 'PACSW', timeoutMs: 700 });
    assert.equal(r.outcome, 'timeout');
    assert.match(r.reason, /no answer within 700 ms/);
    assert.ok(r.ms >= 650, `gave up too early: ${r.ms} ms`);
    assert.ok(lab.silent.accepted() >= 1);
  });

  it('does not keep the process alive after a timeout on a silent peer', async () => {
    // A child process echoes the silent peer and must then exit on its own (no lingering socket).
    const script = `
      const { echo } = require(${JSON.stringify(path.resolve(__dirname, '../../core/src/net/echo.js'))});
      echo({ host: '127.0.0.1', port: ${lab.silent.port}, calledAet: 'X', callingAet: 'PACSW', timeoutMs: 500 })
        .then((r) => { process.stdout.write(r.outcome); });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
    clearTimeout(killer);
    assert.equal(signal, null, 'the child had to be killed: something kept it alive');
    assert.equal(code, 0);
    assert.equal(out, 'timeout');
  });

  it('reports an unresolvable host name', async () => {
    const r = await echo({ host: 'no-such-device.invalid', port: 104, calledAet: 'X', callingAet: 'PACSW', timeoutMs: 5000 });
    assert.equal(r.outcome, 'unresolved', r.reason);
    assert.match(r.reason, /could not be resolved/);
  });

  it('succeeds over TLS against storescp +tls with the certificate trusted', async () => {
    const r = await echo({
      host: LOCAL, port: lab.tlsStore.port, calledAet: 'TLSSCP', callingAet: 'PACSW', timeoutMs: 5000,
      tls: { ca: fs.readFileSync(lab.cert.cert) },
    });
    assert.equal(r.outcome, 'ok', r.reason);
  });

  it('fails TLS when the peer certificate is not trusted', async () => {
    const r = await echo({ host: LOCAL, port: lab.tlsStore.port, calledAet: 'TLSSCP', callingAet: 'PACSW', timeoutMs: 5000, tls: {} });
    assert.equal(r.outcome, 'tls-failure');
    assert.match(r.reason, /^TLS failure: .*self[- ]signed/i);
  });

  it('fails TLS against a plain (non-TLS) peer', async () => {
    const r = await echo({ host: LOCAL, port: lab.store.port, calledAet: 'STORESCP', callingAet: 'PACSW', timeoutMs: 5000, tls: { ca: fs.readFileSync(lab.cert.cert) } });
    assert.equal(r.outcome, 'tls-failure', r.reason);
  });

  it('fails plainly when a plain client talks to a TLS peer', async () => {
    const r = await echo({ host: LOCAL, port: lab.tlsStore.port, calledAet: 'TLSSCP', callingAet: 'PACSW', timeoutMs: 3000 });
    assert.equal(r.ok, false);
    assert.ok(['aborted', 'timeout', 'error'].includes(r.outcome), `${r.outcome}: ${r.reason}`);
  });

  it('says in words that a web server answered, not DICOM (no raw PDU type)', async () => {
    const web = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => web.listen(0, LOCAL, () => r()));
    try {
      const port = (web.address() as { port: number }).port;
      const r = await echo({ host: LOCAL, port, calledAet: 'X', callingAet: 'PACSW', timeoutMs: 5000 });
      assert.equal(r.outcome, 'error');
      assert.equal(r.reason, `the peer at 127.0.0.1:${port} answered with HTTP, not DICOM (is this a web port?)`);
    } finally {
      web.closeAllConnections();
      await new Promise((r) => web.close(r));
    }
  });

  it('stops at once when cancelled', async () => {
    const ac = new AbortController();
    const pending = echo({ host: LOCAL, port: lab.silent.port, calledAet: 'X', callingAet: 'PACSW', timeoutMs: 20000, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const r = await pending;
    assert.equal(r.outcome, 'cancelled');
  });
});

describe('echoAll: many devices, bounded concurrency', function () {
  this.timeout(60000);
  after(stopAllPeers);

  it('echoes 60 entries over 3 peers with at most 4 associations at once, results in order', async () => {
    const peers = await Promise.all([startEchoScp(), startEchoScp(), startStorescp()]);
    const refused = await closedPort();
    const targets: EchoTarget[] = Array.from({ length: 60 }, (_, i) => {
      const peer = peers[i % 3];
      const port = i % 10 === 9 ? refused : peer.port;
      return { id: `D${i}`, host: LOCAL, port, calledAet: 'ANY', callingAet: 'PACSW' };
    });
    let inFlight = 0;
    let maxInFlight = 0;
    const results = await runBounded(targets, 4, async (t) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await echo({ ...t, timeoutMs: 5000 });
      } finally {
        inFlight--;
      }
    });
    assert.equal(maxInFlight, 4);
    assert.equal(results.length, 60);
    results.forEach((r, i) => assert.equal(r.outcome, i % 10 === 9 ? 'refused' : 'ok', `D${i}: ${r.reason}`));

    const viaEchoAll = await echoAll(targets, { concurrency: 8, timeoutMs: 5000 });
    assert.deepEqual(viaEchoAll.map((r) => r.id), targets.map((t) => t.id));
    assert.equal(viaEchoAll.filter((r) => r.ok).length, 54);
  });

  it('returns the entries not yet started as cancelled when the signal fires', async () => {
    const silent = await startSilentListener();
    const ac = new AbortController();
    const targets: EchoTarget[] = Array.from({ length: 10 }, (_, i) => ({ id: `S${i}`, host: LOCAL, port: silent.port, calledAet: 'X', callingAet: 'PACSW' }));
    const pending = echoAll(targets, { concurrency: 2, timeoutMs: 30000, signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    const results = await pending;
    assert.equal(results.length, 10);
    assert.ok(results.every((r) => r.outcome === 'cancelled'));
    assert.equal(silent.accepted() <= 2, true, `started ${silent.accepted()} connections`);
  });
});
