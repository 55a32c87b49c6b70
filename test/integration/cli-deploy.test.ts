import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { outputOf, type ChildOutput } from './child-output';
import { ARCHIVE, CT1, modalities, pacsText, writePacs } from './deploy-helpers';
import { hasCommand, startOrthanc, stopAllPeers, tempDir, type OrthancPeer } from './peers';

const root = path.resolve(__dirname, '../../..');
const pacswJs = path.join(root, 'dist', 'pacsw.js');

/** Runs the bundled CLI (dist/pacsw.js) with its own environment; stdin is not a terminal. */
function pacsw(args: string[], env: Record<string, string> = {}): Promise<ChildOutput> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PACSW_')));
  return outputOf(spawn(process.execPath, [pacswJs, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('pacsw deploy / pacsw import (bundled CLI, real Orthanc)', function () {
  this.timeout(120000);
  let orthanc: OrthancPeer;
  let dir: string;
  let file: string;
  const creds = { PACSW_PACS_TEST_USERNAME: 'deployer', PACSW_PACS_TEST_PASSWORD: 's3cret' };

  before(async () => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    orthanc = await startOrthanc({ users: { deployer: 's3cret' }, config: { DicomModalitiesInDatabase: true } });
    dir = tempDir('cli-deploy');
    file = writePacs(dir, 'site.pacs', pacsText([`deploy orthanc "${orthanc.url}"`], [CT1, ARCHIVE]));
  });
  after(async () => {
    await stopAllPeers();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--target with a URL that is not one of the file\'s targets says so and lists those it has (exit 2)', async () => {
    const r = await pacsw(['deploy', '--devices', file, '--target', 'http://127.0.0.1:1/', '--dry-run'], creds);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--target http:\/\/127\.0\.0\.1:1\/ is not one of the deploy targets of server PACS_TEST in .*site\.pacs; it has:\n  deploy orthanc "http:\/\/127\.0\.0\.1:\d+"/);
    assert.doesNotMatch(r.stderr, /has no deploy target/);
  });

  it('--dry-run shows the difference, exit 0, nothing changed', async () => {
    const r = await pacsw(['deploy', '--devices', file, '--server', 'PACS_TEST', '--dry-run'], creds);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^server PACS_TEST \(.*site\.pacs\) — dry run$/m);
    assert.match(r.stdout, /^ {2}\+ ARCHIVE$/m);
    assert.match(r.stdout, /^ {2}\+ CT1$/m);
    assert.match(r.stdout, /2 added, 0 changed, 0 removed, 0 unchanged/);
    assert.match(r.stdout, /result: dry run: nothing was changed/);
    assert.deepEqual(await modalities(orthanc), {});
  });

  it('without --yes and no terminal: nothing applied, exit 1, says why', async () => {
    const r = await pacsw(['deploy', '--devices', file], creds);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /run again with --yes/);
    assert.deepEqual(await modalities(orthanc), {});
  });

  it('wrong credentials: exit 1 with the 401 explained, nothing changed', async () => {
    const r = await pacsw(['deploy', '--devices', file, '--yes'], { PACSW_USERNAME: 'deployer', PACSW_PASSWORD: 'nope' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /HTTP 401 Unauthorized.*user name or password was refused/);
    assert.doesNotMatch(r.stdout + r.stderr, /nope/);
    assert.deepEqual(await modalities(orthanc), {});
  });

  it('--yes --json deploys (server-specific credentials win over the general ones); again: 0 changes', async () => {
    const r = await pacsw(['deploy', '--devices', file, '--yes', '--json'], { ...creds, PACSW_USERNAME: 'x', PACSW_PASSWORD: 'y' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.targets[0].outcome, 'applied');
    assert.deepEqual(Object.keys(await modalities(orthanc)).sort(), ['ARCHIVE', 'CT1']);

    const again = await pacsw(['deploy', '--devices', file, '--json'], creds);
    assert.equal(again.code, 0, again.stderr);
    const r2 = JSON.parse(again.stdout);
    assert.equal(r2.targets[0].outcome, 'unchanged');
    assert.deepEqual(r2.targets[0].operations, []);
  });

  it('import writes a device file that deploys back with no change', async () => {
    const out = path.join(dir, 'imported.pacs');
    const r = await pacsw(['import', '--url', orthanc.url, '--out', out, '--server', 'PACS_TEST'], creds);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported\.pacs: server PACS_TEST, 2 devices imported from http:\/\/127\.0\.0\.1:\d+/);
    const check = await pacsw(['check', out]);
    assert.equal(check.code, 0, check.stdout);
    const back = await pacsw(['deploy', '--devices', out, '--json'], creds);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.equal(JSON.parse(back.stdout).targets[0].outcome, 'unchanged');
    const again = await pacsw(['import', '--url', orthanc.url, '--out', out], creds);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; give --force/);
  });

  it('usage errors exit 2: missing --devices, a --server that is not the file\'s', async () => {
    const a = await pacsw(['deploy']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--devices FILE is required/);
    const b = await pacsw(['deploy', '--devices', file, '--server', 'OTHER']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /describes server PACS_TEST, not OTHER/);
  });

  it('on a terminal it asks first: "n" writes nothing (exit 1), "y" applies (exit 0)', function () {
    if (!hasCommand('script')) this.skip();
    const folderFile = writePacs(dir, 'folder.pacs', pacsText(['deploy folder "out"'], [CT1]));
    const onTty = (answer: string) =>
      // util-linux `script` runs the command on a pseudo-terminal and feeds it our stdin.
      spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(pacswJs)} deploy --devices ${JSON.stringify(folderFile)}`, '/dev/null'], { input: answer, encoding: 'utf8' });
    const no = onTty('n\n');
    assert.equal(no.status, 1, no.stdout);
    // The question names the plan's own numbers: 1 change (an item), 3 operations (files written).
    assert.match(no.stdout, /1 added, 0 changed, 0 removed, 0 unchanged: 1 change in 3 operations/);
    assert.match(no.stdout, /Apply 1 change \(1 added, 0 changed, 0 removed\) in 3 operations from folder\.pacs to .*PACS_TEST\? \[y\/N\]/);
    assert.match(no.stdout, /result: not confirmed: nothing was changed/);
    assert.ok(!fs.existsSync(path.join(dir, 'out')));
    const yes = onTty('y\n');
    assert.equal(yes.status, 0, yes.stdout);
    assert.match(yes.stdout, /result: applied and verified \(1 change in 3 operations\)/);
    assert.equal(fs.readFileSync(path.join(dir, 'out', 'PACS_TEST', 'rules', 'CT1.txt'), 'utf8'), '(0008,0050)=concat("CT",(0008,0050))\n');
  });

  it('errors in the file block the deploy: exit 1 with file:line:col', async () => {
    const bad = writePacs(dir, 'bad.pacs', pacsText([`deploy orthanc "${orthanc.url}"`], [{ id: 'X', lines: ['type dicom', 'ae "X"', 'host 10.0.0.1', 'port 99999'] }]));
    const r = await pacsw(['deploy', '--devices', bad, '--yes'], creds);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /deploy blocked by 1 error/);
    assert.match(r.stdout, /bad\.pacs:\d+:\d+: invalid-port:/);
  });
});

describe('pacsw deploy: credentials never printed', function () {
  this.timeout(60000);
  let dir: string;
  let server: http.Server;
  let url: string;
  before(async () => {
    dir = tempDir('cli-deploy-redact');
    // A misbehaving server that answers every request with an error echoing what it was sent.
    server = http.createServer((req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`internal error; request headers: ${JSON.stringify(req.headers)}; user ${Buffer.from((req.headers.authorization ?? '').slice(6), 'base64').toString()}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('redacts the Authorization header, the user:password pair and the password from a server error body', async () => {
    const file = writePacs(dir, 'site.pacs', pacsText([`deploy orthanc "${url}"`], [CT1]));
    const password = 'Hunter2-very-secret';
    const r = await pacsw(['deploy', '--devices', file, '--dry-run'], { PACSW_USERNAME: 'deployer', PACSW_PASSWORD: password });
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 1, out);
    assert.match(out, /HTTP 500/);
    assert.match(out, /\[redacted\]/, out);
    const token = Buffer.from(`deployer:${password}`).toString('base64');
    assert.doesNotMatch(out, new RegExp(password), out);
    assert.ok(!out.includes(token), out);
  });
});
