import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PACSW, pacsw, REPO, suiteTempDir, tempDir, writeRules } from './dicom-helpers';

describe('pacsw check', function () {
  this.timeout(30_000);
  const dir = suiteTempDir('cli-check');

  it('prints nothing and exits 0 for the documented examples', () => {
    const file = writeRules(dir(), 'good.coerce', [
      '# documented examples',
      '(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())',
      '(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2),if(split((0010,0010),",",3),"^",""),split((0010,0010),",",3))',
      '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))',
    ].join('\n'));
    const r = pacsw(['check', file]);
    assert.equal(r.stdout, '');
    assert.equal(r.status, 0);
  });

  it('prints file:line:col: severity code message and exits 1 on an error', () => {
    const file = writeRules(dir(), 'bad.coerce', '(0010,0010)="A"\n(0010,0020)=nosuch((0010,0020))\n');
    const r = pacsw(['check', file]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:13: error unknown-function .+`, 'm'));
  });

  it('exits 0 when there are only warnings', () => {
    const file = writeRules(dir(), 'warn.coerce', '(0010,0020)=(0010,0010),"^",1\n');
    const r = pacsw(['check', file]);
    assert.match(r.stdout, /:1:\d+: warning retired-split /);
    assert.equal(r.status, 0);
  });

  it('--json gives the same findings as objects, 1-based', () => {
    const file = writeRules(dir(), 'bad2.coerce', '(0010,0010)="A"\n(0010,0020)=nosuch((0010,0020))\n');
    const r = pacsw(['check', '--json', file]);
    assert.equal(r.status, 1);
    const findings = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(findings.map((f) => [f.file, f.line, f.column, f.severity, f.code]), [[file, 2, 13, 'error', 'unknown-function']]);
  });

  it('--dialect extended accepts extension functions that strict rejects', () => {
    const file = writeRules(dir(), 'ext.coerce', '(0010,0010)=upper((0010,0010))\n');
    assert.equal(pacsw(['check', file]).status, 1);
    assert.equal(pacsw(['check', '--dialect', 'extended', file]).status, 0);
  });

  it('reports an unreadable file as an error and a bad option as usage (exit 2)', () => {
    const r = pacsw(['check', `${dir()}/missing.coerce`]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /missing\.coerce:1:1: error unreadable cannot read \(ENOENT\)/);
    const u = pacsw(['check', '--frobnicate', 'x']);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /unknown option --frobnicate/);
  });

  it('frames a finding after a lone \\r line break on its own line (it crashed with "Invalid count value")', () => {
    // Found by npm run fuzz: the parsers end lines at \r too, the code frame did not, so the
    // finding's line was another one and the caret's width came out negative.
    const file = writeRules(dir(), 'cr.coerce', '(0010,0010)="A"\r(0010,0020)=nosuch(1)\n');
    const r = pacsw(['check', file]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /:2:13: error unknown-function .+\n  2 \| \(0010,0020\)=nosuch\(1\)\n    \| {13}\^{6}\n/);
  });

  it('reports at most 200 findings of a file of 10,000 bad lines, the last saying how many more (text, json and sarif)', () => {
    // Found by npm run fuzz: 8,000 findings in a 95 KB file took 83 s (each code frame split the
    // file again), and a 237 KB file printed 34 MB. A file's findings are capped as the editor's are
    // (three per line here: the 200th is on line 67).
    const file = writeRules(dir(), 'many.coerce', 'device D {\n'.repeat(10_000));
    const r = spawnSync(process.execPath, [PACSW, 'check', file], { encoding: 'utf8', timeout: 20_000, maxBuffer: 256 * 2 ** 20 });
    assert.equal(r.error, undefined, `pacsw check did not finish: ${String(r.error)}`);
    assert.equal(r.status, 1);
    const findings = r.stdout.split('\n').filter((l) => l.startsWith(`${file}:`));
    assert.equal(findings.length, 200);
    assert.match(findings[199], /:67:1: error too-many-problems \d+ more problems \(all errors\) from here on are not shown \(at most 200 per file\); fix the ones above and they will appear\.$/);
    assert.match(r.stdout, / {2}66 \| device D \{\n +\| \^+/);
    assert.ok(r.stdout.length < 100_000, `${r.stdout.length} characters printed`);
    const json = JSON.parse(pacsw(['check', '--json', file]).stdout) as Array<{ code: string; omitted?: number }>;
    assert.equal(json.length, 200);
    const omitted = json[199].omitted!;
    assert.ok(omitted >= 9801, `omitted ${omitted}`);
    assert.match(findings[199], new RegExp(` ${omitted} more problems`));
    const sarif = JSON.parse(pacsw(['check', '--format', 'sarif', file]).stdout) as { runs: Array<{ results: Array<{ ruleId: string; properties?: { omitted: number } }> }> };
    const results = sarif.runs[0].results;
    assert.equal(results.length, 200);
    assert.deepEqual([results[199].ruleId, results[199].properties], ['too-many-problems', { omitted }]);
  });

  it('a rule test naming files whose paths are too long for the system (ENAMETOOLONG) gets located findings, not a crash', () => {
    // Found by npm run fuzz: stat() threw ENAMETOOLONG and pacsw check exited 70 (internal error).
    const long = `${'a'.repeat(5000)}.coerce`;
    const file = writeRules(dir(), 'long-path.coerce-test', `rules "${long}"\ncase "one"\nfrom "${'s/'.repeat(3000)}x.dcm"\nexpect snapshot\n`);
    const r = pacsw(['check', file]);
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error/);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith(`${file}:`));
    assert.deepEqual(lines.map((l) => / error (\S+) /.exec(l)?.[1]), ['test-file-not-found', 'test-file-not-found']);
    assert.match(lines[0], /:1:7: error test-file-not-found no rule file "a{40}…a{33}\.coerce" \(paths are relative/);
    for (const l of r.stdout.split('\n')) assert.ok(l.length < 400, `a ${l.length}-character line`);
  });
});

describe('pacsw check on device tables', function () {
  this.timeout(30_000);
  it('checks the example .pacs files (with their rule files) clean and a broken one with located errors', () => {
    const examples = path.join(REPO, 'examples', 'workspace', 'devices');
    const good = fs.readdirSync(examples).filter((f) => f.endsWith('.pacs')).map((f) => path.join(examples, f));
    assert.ok(good.length > 0);
    const ok = pacsw(['check', ...good]);
    assert.equal(ok.stdout.split('\n').filter((l) => / error /.test(l)).join('\n'), '');
    assert.equal(ok.status, 0);
    const dir = tempDir('cli-check-pacs');
    const broken = path.join(dir, 'broken.pacs');
    fs.writeFileSync(broken, 'server main {\n  name Main\n');
    const bad = pacsw(['check', broken]);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+: error `, 'm'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

});

describe('pacsw dispatcher', function () {
  this.timeout(30_000);
  it('--help lists the commands that exist', () => {
    const r = pacsw(['--help']);
    assert.equal(r.status, 0);
    for (const name of ['check', 'apply', 'trace']) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
  });
  it('an unknown command exits 2 with the list', () => {
    const r = pacsw(['frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });
});
