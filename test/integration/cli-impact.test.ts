import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pacsw, REPO, tempDir, writeRules } from './dicom-helpers';

const SAMPLES = path.join(REPO, 'examples', 'workspace', 'samples');
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });

describe('pacsw impact', function () {
  this.timeout(60_000);
  let dir: string;
  let corpus: string;
  beforeEach(() => {
    dir = tempDir('cli-impact');
    corpus = path.join(dir, 'corpus');
    fs.mkdirSync(corpus);
    for (const f of ['ct-outside.dcm', 'mg-for-processing.dcm', 'mr-research.json']) fs.copyFileSync(path.join(SAMPLES, f), path.join(corpus, f));
    fs.mkdirSync(path.join(dir, 'rules'));
    writeRules(dir, 'rules/device.coerce', '(0008,0050)=if((0008,0050),concat("EXT-",(0008,0050)),NULL())\n(0008,0080)="Outside Hospital"\n');
    writeRules(dir, 'rules/preceding.coerce', '# nothing stopped yet\n');
    writeRules(dir, 'table.pacs', [
      'server S {', '  ae "S"', '  host 127.0.0.1', '  tcp-port 104', '  rules preceding "rules/preceding.coerce"', '}',
      'device CT1 {', '  type dicom', '  ae "CT1"', '  host 127.0.0.1', '  port 104', '  rules "rules/device.coerce"', '}',
      'device MR1 {', '  type dicom', '  ae "MR1"', '  host 127.0.0.1', '  port 104', '  rules { ', '    (0008,0080)="MR SITE"', '  }', '}',
    ].join('\n'));
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'rules');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--against REV reports per object only the attributes whose result changed, old -> new', () => {
    writeRules(dir, 'rules/device.coerce', '(0008,0050)=if((0008,0050),concat("OUT-",(0008,0050)),NULL())\n(0008,0080)="Outside Hospital"\n(0010,0010)="ANON"\n');
    const r = pacsw(['impact', '--against', 'HEAD', '--rules', 'rules/device.coerce', 'corpus'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      path.join('corpus', 'ct-outside.dcm'),
      '  (0008,0050) AccessionNumber: "EXT-A123" -> "OUT-A123"  (arrived "A123")',
      '  (0010,0010) PatientName: "DOE,JOHN,Q" -> "ANON"  (arrived "DOE,JOHN,Q")',
    ]);
    // The institution name is set by both versions: not reported. The JSON sample has no accession.
    assert.equal(r.stdout.includes('InstitutionName'), false);
    assert.ok(lines.includes(path.join('corpus', 'mr-research.json')));
    assert.equal(lines[lines.length - 1], 'rules/device.coerce: 3 objects, 3 with changed results, 0 newly stopped, 0 no longer stopped, 0 newly failing, 0 no longer failing');
  });

  it('--devices: each device chain, objects newly stopped, a summary per device, and --json', () => {
    writeRules(dir, 'rules/preceding.coerce', '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))\n');
    const r = pacsw(['impact', '--against', 'HEAD', '--devices', 'table.pacs', 'corpus'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${path.join('corpus', 'mg-for-processing.dcm').replace(/[.]/g, '\\.')} \\(CT1\\)\n  newly stopped\n`));
    assert.match(r.stdout, /^CT1: 3 objects, 0 with changed results, 1 newly stopped, 0 no longer stopped, 0 newly failing, 0 no longer failing$/m);
    assert.match(r.stdout, /^MR1: 3 objects, 0 with changed results, 1 newly stopped, 0 no longer stopped, 0 newly failing, 0 no longer failing$/m);
    const json = JSON.parse(pacsw(['impact', '--json', '--against', 'HEAD', '--devices', 'table.pacs', '--device', 'MR1', 'corpus'], { cwd: dir }).stdout);
    assert.deepEqual(json.objects, [{ file: path.join('corpus', 'mg-for-processing.dcm'), device: 'MR1', attributes: [], stop: 'newly stopped', failure: null, errors: [] }]);
    assert.deepEqual(json.summary.map((s: { chain: string }) => s.chain), ['MR1']);
  });

  it('--old FILE compares with a saved copy; newly failing objects are named with the failing rule', () => {
    const old = path.join(dir, 'old.coerce');
    fs.copyFileSync(path.join(dir, 'rules', 'device.coerce'), old);
    writeRules(dir, 'rules/device.coerce', '(0008,0050)=if((0008,0050),concat("EXT-",(0008,0050)),NULL())\n(0008,0080)="Outside Hospital"\n(0010,0010)=split((0010,0010))\n');
    const r = pacsw(['impact', '--old', old, '--rules', 'rules/device.coerce', path.join('corpus', 'ct-outside.dcm')], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}newly failing: \(0010,0010\) \(device\.coerce, line 3\): split\(\) takes/m);
    assert.match(r.stdout, /1 newly failing/);
  });

  it('says so when the rules did not change, and refuses an unknown revision or a missing option', () => {
    const same = pacsw(['impact', '--against', 'HEAD', '--rules', 'rules/device.coerce', 'corpus'], { cwd: dir });
    assert.equal(same.stdout.trim(), 'rules/device.coerce: the rules are the same in both versions; no object can differ');
    const bad = pacsw(['impact', '--against', 'no-such-rev', '--rules', 'rules/device.coerce', 'corpus'], { cwd: dir });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--against no-such-rev: git does not know this revision/);
    assert.equal(pacsw(['impact', '--rules', 'rules/device.coerce', 'corpus'], { cwd: dir }).status, 2);
  });

  it('a rule file new since REV counts as no rules before', () => {
    writeRules(dir, 'rules/new.coerce', '(0008,0080)="NEW"\n');
    const r = pacsw(['impact', '--against', 'HEAD', '--rules', 'rules/new.coerce', path.join('corpus', 'ct-outside.dcm')], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\(0008,0080\) InstitutionName: "Outside Clinic & Imaging <North>" -> "NEW"/);
  });

  it('skips what is not DICOM in a corpus folder (as pacsw apply does) but fails a named non-DICOM file', () => {
    fs.writeFileSync(path.join(corpus, 'README.md'), '# the corpus\n');
    fs.mkdirSync(path.join(corpus, 'dump'));
    fs.writeFileSync(path.join(corpus, 'dump', 'ct.txt'), '(0008,0050) SH [A123]\n');
    writeRules(dir, 'rules/device.coerce', '(0008,0050)=if((0008,0050),concat("OUT-",(0008,0050)),NULL())\n(0008,0080)="Outside Hospital"\n');
    const r = pacsw(['impact', '--against', 'HEAD', '--rules', 'rules/device.coerce', 'corpus'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^2 skipped \(not DICOM\): /m);
    assert.equal(r.stdout.includes('unreadable'), false, r.stdout);
    assert.match(r.stdout, /^rules\/device\.coerce: 3 objects, /m);
    const named = pacsw(['impact', '--against', 'HEAD', '--rules', 'rules/device.coerce', path.join('corpus', 'README.md')], { cwd: dir });
    assert.equal(named.status, 1);
    assert.match(named.stdout, /^unreadable: corpus\/README\.md: /m);
  });
});
