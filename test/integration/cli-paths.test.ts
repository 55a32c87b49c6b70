/**
 * What a .pacs file refers to is read with bounds (regular files under a size limit, never a
 * device or a FIFO) and only inside its repository, unless PACSW_ALLOW_OUTSIDE_PATHS=1; a long
 * malformed line gives short output. Through the bundled CLI, as a user runs it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACSW, suiteTempDir } from './dicom-helpers';

/** The CLI with a time limit: before the fixes some of these never returned. */
function run(args: string[], env: Record<string, string> = {}): { status: number | null; out: string; signal: NodeJS.Signals | null } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PACSW_')));
  const r = spawnSync(process.execPath, [PACSW, ...args], { encoding: 'utf8', env: { ...clean, ...env }, timeout: 20_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, signal: r.signal };
}

const SERVER = (lines: string[]): string => `server PACS_TEST {\n  ae "PACS_TEST"\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;

describe('pacsw: paths and files a .pacs file refers to', function () {
  this.timeout(60_000);
  const dir = suiteTempDir('cli-paths');
  let repo: string;
  let devices: string;
  before(() => {
    repo = path.join(dir(), 'repo');
    devices = path.join(repo, 'devices');
    fs.mkdirSync(path.join(repo, 'rules'), { recursive: true });
    fs.mkdirSync(devices);
    fs.mkdirSync(path.join(repo, '.git'));
    fs.writeFileSync(path.join(repo, 'rules', 'ok.coerce'), '(0010,0010)="X"\n');
    fs.writeFileSync(path.join(dir(), 'outside.coerce'), 'SECRET-FIRST-LINE=(\n');
  });

  function pacs(name: string, lines: string[]): string {
    const file = path.join(devices, name);
    fs.writeFileSync(file, SERVER(lines));
    return file;
  }

  it('a rule file that is a symlink to /dev/zero is refused, not read for ever', () => {
    fs.symlinkSync('/dev/zero', path.join(repo, 'rules', 'zero.coerce'));
    const file = pacs('zero.pacs', ['rules preceding "../rules/zero.coerce"']);
    for (const args of [['check', file], ['deploy', '--devices', file, '--dry-run'], ['echo', '--devices', file]]) {
      // Where it leads (outside the repository) is refused first; allowed, it is still not a regular file.
      const r = run(args);
      assert.equal(r.signal, null, `${args[0]} did not finish: ${r.out.slice(0, 300)}`);
      assert.match(r.out, /`\.\.\/rules\/zero\.coerce` is a link to \/dev\/zero, outside the workspace/, `${args[0]}: ${r.out}`);
      const allowed = run(args, { PACSW_ALLOW_OUTSIDE_PATHS: '1' });
      assert.equal(allowed.signal, null, `${args[0]} did not finish: ${allowed.out.slice(0, 300)}`);
      assert.match(allowed.out, /zero\.coerce is a device; only regular files are read\./, `${args[0]}: ${allowed.out}`);
    }
  });

  it('a rule file that is a FIFO is refused without waiting for a writer', () => {
    execFileSync('mkfifo', [path.join(repo, 'rules', 'pipe.coerce')]);
    const r = run(['check', pacs('fifo.pacs', ['rules trailing "../rules/pipe.coerce"'])]);
    assert.equal(r.signal, null, 'check did not finish');
    assert.equal(r.status, 1);
    assert.match(r.out, /:3:\d+: error reference-unreadable .*pipe\.coerce is a named pipe; only regular files are read\./);
  });

  it('a file named on the command line that is not a regular file is an error, not a hang', () => {
    const r = run(['check', '/dev/zero']);
    assert.equal(r.signal, null);
    assert.equal(r.status, 1);
    assert.match(r.out, /\/dev\/zero:1:1: error unreadable cannot read: \/dev\/zero is a device/);
  });

  it('a rule file outside the repository is not read, and its text is not quoted', () => {
    const r = run(['check', pacs('outside.pacs', ['rules preceding "../../outside.coerce"'])]);
    assert.equal(r.status, 1);
    assert.match(r.out, /error path-outside-workspace `\.\.\/\.\.\/outside\.coerce` resolves to .*outside\.coerce, outside the workspace \(.*repo\); paths in a \.pacs file stay inside it \(PACSW_ALLOW_OUTSIDE_PATHS=1 allows others\)\./);
    assert.doesNotMatch(r.out, /SECRET-FIRST-LINE/);
    const abs = run(['check', pacs('absolute.pacs', ['rules preceding "/etc/passwd"'])]);
    assert.match(abs.out, /error path-outside-workspace `\/etc\/passwd` resolves to \/etc\/passwd/);
    assert.doesNotMatch(abs.out, /root:/);
  });

  it('a symlink inside the repository that leads outside it is refused too', () => {
    fs.symlinkSync(path.join(dir(), 'outside.coerce'), path.join(repo, 'rules', 'link.coerce'));
    const r = run(['check', pacs('link.pacs', ['rules preceding "../rules/link.coerce"'])]);
    assert.match(r.out, /error path-outside-workspace `\.\.\/rules\/link\.coerce` is a link to .*outside\.coerce, outside the workspace/);
    assert.doesNotMatch(r.out, /SECRET-FIRST-LINE/);
  });

  it('PACSW_ALLOW_OUTSIDE_PATHS=1 allows it; paths inside the repository always work', () => {
    const r = run(['check', path.join(devices, 'outside.pacs')], { PACSW_ALLOW_OUTSIDE_PATHS: '1' });
    assert.match(r.out, /rule-file-errors \.\.\/\.\.\/outside\.coerce has \d+ errors/);
    const ok = run(['check', pacs('inside.pacs', ['rules preceding "../rules/ok.coerce"'])]);
    assert.equal(ok.status, 0, ok.out);
  });

  it('deploy folder outside the repository: check reports it, deploy writes and deletes nothing there', () => {
    const target = path.join(dir(), 'elsewhere');
    fs.mkdirSync(path.join(target, 'PACS_TEST'), { recursive: true });
    fs.writeFileSync(path.join(target, 'PACS_TEST', 'stale.txt'), 'keep me');
    const file = pacs('deploy.pacs', ['deploy folder "../../elsewhere"']);
    const check = run(['check', file]);
    assert.match(check.out, /:3:\d+: error path-outside-workspace `\.\.\/\.\.\/elsewhere` resolves to .*elsewhere, outside the workspace/);
    const r = run(['deploy', '--devices', file, '--yes']);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /path-outside-workspace/);
    assert.deepEqual(fs.readdirSync(path.join(target, 'PACS_TEST')), ['stale.txt']);
  });

  it('an 8 KB malformed line prints a few short lines, not megabytes', () => {
    const file = path.join(devices, 'long-line.pacs');
    fs.writeFileSync(file, `${'x'.repeat(4000)} name ${'a '.repeat(2000)}\n`);
    const r = run(['check', file]);
    assert.equal(r.status, 1);
    // 8 MB before the fix (one finding per word, each quoting the 4,000-character first word).
    assert.ok(r.out.length < 5000, `${r.out.length} characters of output`);
  });
});
