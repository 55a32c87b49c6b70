import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_NETWORK_TIMEOUT_MS } from '../../core/src/net/defaults';
import { outputOf, type ChildOutput } from './child-output';
import { closedPort, makeSelfSignedCert, startOrthanc, startSilentListener, startStorescp, stopAllPeers, tempDir, type OrthancPeer, type StorescpPeer } from './peers';

const commandsDir = path.resolve(__dirname, '../../cli/src/commands');

/** Runs `pacsw <command> args` in its own process (the command module's run()), like the CLI does. */
function pacsw(command: 'echo' | 'ping', args: string[]): Promise<ChildOutput> {
  const script = `require(${JSON.stringify(path.join(commandsDir, command + '.js'))}).run(process.argv.slice(1)).then((c) => { process.exitCode = c; });`;
  return outputOf(spawn(process.execPath, ['-e', script, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('pacsw echo / pacsw ping', function () {
  // Each case starts Node processes; on a loaded 2-core machine that alone can take seconds.
  this.timeout(120000);
  let storescp: StorescpPeer;
  let orthanc: OrthancPeer;
  let dir: string;
  let file: string;
  let closed: number;

  before(async () => {
    [storescp, orthanc] = await Promise.all([startStorescp({ aet: 'STORESCP' }), startOrthanc({ aet: 'ORTHANC_C' })]);
    closed = await closedPort();
    dir = tempDir('cli-net');
    file = path.join(dir, 'local.pacs');
    fs.writeFileSync(file, [
      'server LOCAL {', '  ae "PACSW"', '}',
      'device SCP {', '  type dicom', '  ae "STORESCP"', '  host 127.0.0.1', `  port ${storescp.port}`, '}',
      'device ORTH {', '  type dicom', '  ae "ORTHANC_C"', '  host 127.0.0.1', `  port ${orthanc.dicomPort}`, '}',
      'device BADAE {', '  type dicom', '  ae "NOT_ORTHANC"', '  host 127.0.0.1', `  port ${orthanc.dicomPort}`, '}',
      'device GONE {', '  type dicom', '  ae "GONE"', '  host 127.0.0.1', `  port ${closed}`, '  disabled', '}',
      '',
    ].join('\n'));
  });

  after(async () => {
    await stopAllPeers();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('echoes the named devices: one line each with result and milliseconds, exit 0', async () => {
    const r = await pacsw('echo', ['--devices', file, 'SCP', 'ORTH']);
    assert.equal(r.code, 0, r.stderr);
    // dcmjs-dimse printed Node's Buffer() deprecation warning here; nothing may reach stderr.
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], new RegExp(`^SCP   ok  +\\d+\\.\\d ms  STORESCP@127\\.0\\.0\\.1:${storescp.port}  C-ECHO succeeded$`));
    assert.match(lines[1], /^ORTH  ok  +\d+\.\d ms  ORTHANC_C@127\.0\.0\.1:\d+  C-ECHO succeeded$/);
  });

  it('echoes all enabled devices when no ID is given, and exits 1 when one fails', async () => {
    const r = await pacsw('echo', ['--devices', file]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(/\s+/).slice(0, 2)), [['SCP', 'ok'], ['ORTH', 'ok'], ['BADAE', 'rejected']]);
    assert.match(lines[2], /association rejected: called AE title not recognised \(reason 7/);
  });

  it('waits as long as the editor by default (10000 ms, pacsWorkbench.network.timeoutMs), in echo and ping', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    assert.equal(manifest.contributes.configuration.properties['pacsWorkbench.network.timeoutMs'].default, DEFAULT_NETWORK_TIMEOUT_MS);
    const silent = await startSilentListener();
    const quiet = path.join(dir, 'quiet.pacs');
    fs.writeFileSync(quiet, ['server LOCAL {', '  ae "PACSW"', '}', 'device QUIET {', '  type dicom', '  ae "QUIET"', '  host 127.0.0.1', `  port ${silent.port}`, '}', ''].join('\n'));
    const r = await pacsw('echo', ['--devices', quiet, '--json', 'QUIET']);
    assert.equal(r.code, 1, r.stderr);
    const [row] = JSON.parse(r.stdout) as Array<{ outcome: string; reason: string }>;
    assert.equal(row.outcome, 'timeout', row.reason);
    assert.match(row.reason, /10000 ms/);
    for (const command of ['echo', 'ping'] as const) {
      assert.match((await pacsw(command, ['--help'])).stdout, /--timeout MS +limit per device \(default 10000, as in the editor/);
    }
  });

  it('prints JSON with --json and honours --timeout for a disabled device named explicitly', async () => {
    const r = await pacsw('echo', ['--devices', file, '--json', '--timeout', '2000', 'GONE', 'SCP']);
    assert.equal(r.code, 1);
    const rows = JSON.parse(r.stdout);
    assert.deepEqual(rows.map((x: { id: string; outcome: string; ok: boolean }) => [x.id, x.outcome, x.ok]), [['GONE', 'refused', false], ['SCP', 'ok', true]]);
    assert.equal(rows[1].calledAet, 'STORESCP');
    assert.equal(typeof rows[1].ms, 'number');
  });

  it('exits 2 with a clear message for an unknown ID, a missing file or a bad option', async () => {
    const unknown = await pacsw('echo', ['--devices', file, 'NOPE']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no device with ID NOPE/);
    const missing = await pacsw('echo', ['--devices', path.join(dir, 'none.pacs')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*none\.pacs: no such file/);
    const bad = await pacsw('ping', ['--devices', file, '--timeout', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout needs a positive whole number/);
    const noFile = await pacsw('ping', []);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /--devices FILE is required/);
  });

  it('pings the DICOM port with --tcp: open ports ok, closed port refused', async () => {
    const ok = await pacsw('ping', ['--devices', file, '--tcp']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.deepEqual(ok.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/).slice(0, 2)), [['SCP', 'ok'], ['ORTH', 'ok'], ['BADAE', 'ok']]);
    const gone = await pacsw('ping', ['--devices', file, '--tcp', '--json', 'GONE']);
    assert.equal(gone.code, 1);
    assert.equal(JSON.parse(gone.stdout)[0].outcome, 'refused');
  });

  it('pings with ICMP by default (127.0.0.1), or reports that ping is unavailable', async () => {
    const r = await pacsw('ping', ['--devices', file, '--json', 'SCP']);
    const row = JSON.parse(r.stdout)[0];
    assert.ok(row.outcome === 'ok' || row.outcome === 'unavailable', JSON.stringify(row));
    assert.equal(r.code, row.outcome === 'ok' ? 0 : 1);
  });

  it('echoes a TLS-only device over TLS with --tls-ca, and fails TLS without it', async () => {
    const certs = makeSelfSignedCert();
    try {
      const tlsPeer = await startStorescp({ aet: 'TLSSCP', tls: certs });
      const tlsFile = path.join(dir, 'tls.pacs');
      fs.writeFileSync(tlsFile, ['server LOCAL {', '  ae "PACSW"', '}', 'device SECURE {', '  type dicom', '  ae "TLSSCP"', '  host 127.0.0.1', '  tcp-port 0', `  tls-port ${tlsPeer.port}`, '}', ''].join('\n'));
      const trusted = await pacsw('echo', ['--devices', tlsFile, '--tls-ca', certs.cert]);
      assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
      assert.match(trusted.stdout, /^SECURE  ok .* C-ECHO succeeded\n$/);
      const untrusted = await pacsw('echo', ['--devices', tlsFile]);
      assert.equal(untrusted.code, 1);
      assert.match(untrusted.stdout, /^SECURE  tls-failure .*TLS failure: self[- ]signed certificate/);
      const badCa = await pacsw('echo', ['--devices', tlsFile, '--tls-ca', path.join(dir, 'nope.pem')]);
      assert.equal(badCa.code, 2);
      assert.match(badCa.stderr, /cannot read TLS CA file .*nope\.pem/);
    } finally {
      fs.rmSync(certs.dir, { recursive: true, force: true });
    }
  });

  it('reports the file\'s errors on stderr and still echoes what it can', async () => {
    const broken = path.join(dir, 'broken.pacs');
    fs.writeFileSync(broken, fs.readFileSync(file, 'utf8').replace('  ae "PACSW"', '  ae "PACSW"\n  colour blue'));
    const r = await pacsw('echo', ['--devices', broken, 'SCP']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /broken\.pacs:3:3: error unknown-field: Unknown server field `colour`/);
  });
});
