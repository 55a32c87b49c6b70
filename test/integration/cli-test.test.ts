import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pacsw, REPO, tempDir, writeRules } from './dicom-helpers';

const EXAMPLES = path.join(REPO, 'examples', 'workspace');
const lastLine = (out: string): string => out.trimEnd().split('\n').pop()!;

describe('pacsw test', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('cli-test');
    fs.copyFileSync(path.join(EXAMPLES, 'samples', 'ct-outside.dcm'), path.join(dir, 'ct.dcm'));
    writeRules(dir, 'r.coerce', '# accession prefix\n(0008,0050)=if((0008,0050),concat("EXT-",(0008,0050)),NULL())\n(0008,0090)=NULL()\n(0010,1000)=if((0010,1000),"X",NULL())\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the example tests of every rule file in examples/workspace: all pass', () => {
    const r = pacsw(['test', 'examples/workspace']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(lastLine(r.stdout), /^[1-9]\d* passed, 0 failed$/);
    // Every rule file of the example workspace has a test that names it.
    const tests = fs.readdirSync(EXAMPLES, { recursive: true }).map(String).filter((f) => f.endsWith('.coerce-test'))
      .map((f) => fs.readFileSync(path.join(EXAMPLES, f), 'utf8')).join('\n');
    for (const rule of fs.readdirSync(EXAMPLES, { recursive: true }).map(String).filter((f) => f.endsWith('.coerce'))) {
      assert.ok(tests.includes(`rules "${path.basename(rule)}"`), `no test for ${rule}`);
    }
    assert.match(tests, /rules device CT1 in "hospital.pacs"/);
  });

  it('prints a compiler-style line at the failing expect line, expected and actual, and exits 1', () => {
    const test = writeRules(dir, 'a.coerce-test', [
      'rules "r.coerce"',
      '',
      'case "passes"',
      '  from "ct.dcm"',
      '  expect AccessionNumber is "EXT-A123"',
      '',
      'case "fails"',
      '  from "ct.dcm"',
      '  expect ReferringPhysicianName is unchanged',
    ].join('\n'));
    const r = pacsw(['test', test], { cwd: dir });
    assert.equal(r.status, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'a.coerce-test:9:3: error test-failed case "fails": ReferringPhysicianName (0008,0090): expected unchanged, got absent (changed by the r.coerce rules, line 3)');
    assert.equal(lines[1], '    expected: "SMITH^ANN"');
    assert.equal(lines[2], '    actual:   absent');
    assert.equal(lastLine(r.stdout), '1 passed, 1 failed');
  });

  it('--update records snapshots next to the test; a later difference fails with a diff until accepted again', () => {
    const test = writeRules(dir, 's.coerce-test', 'rules "r.coerce"\ncase "the CT sample"\n  from "ct.dcm"\n  expect snapshot\n');
    const first = pacsw(['test', test], { cwd: dir });
    assert.equal(first.status, 1);
    assert.match(first.stdout, /no snapshot recorded yet: run `pacsw test --update`/);
    const update = pacsw(['test', '--update', test], { cwd: dir });
    assert.equal(update.status, 0, update.stdout);
    assert.match(update.stdout, /snapshots written: s\.coerce-test\.snap/);
    const snap = fs.readFileSync(path.join(dir, 's.coerce-test.snap'), 'utf8');
    assert.match(snap, /^case "the CT sample"\n  \(0008,0050\) AccessionNumber: "A123" -> "EXT-A123"\n  \(0008,0090\) ReferringPhysicianName: "SMITH\^ANN" -> absent\n$/m);
    assert.equal(pacsw(['test', test], { cwd: dir }).status, 0);

    writeRules(dir, 'r.coerce', '(0008,0050)=if((0008,0050),concat("OUT-",(0008,0050)),NULL())\n(0008,0090)=NULL()\n');
    const changed = pacsw(['test', test], { cwd: dir });
    assert.equal(changed.status, 1);
    assert.match(changed.stdout, /s\.coerce-test:4:3: error test-failed case "the CT sample": the changes differ from the snapshot/);
    assert.match(changed.stdout, /\n {4}- \(0008,0050\) AccessionNumber: "A123" -> "EXT-A123"\n {4}\+ \(0008,0050\) AccessionNumber: "A123" -> "OUT-A123"\n {4}  \(0008,0090\)/);
    assert.equal(fs.readFileSync(path.join(dir, 's.coerce-test.snap'), 'utf8'), snap, 'a normal run never writes snapshots');
    assert.equal(pacsw(['test', '--update', test], { cwd: dir }).status, 0);
    assert.equal(pacsw(['test', test], { cwd: dir }).status, 0);
  });

  it('--junit writes JUnit XML and --json the same results as one object', () => {
    const test = writeRules(dir, 'j.coerce-test', 'rules "r.coerce"\ncase "ok <1>"\n  with AccessionNumber "1"\n  expect AccessionNumber is "EXT-1"\ncase "bad & wrong"\n  expect AccessionNumber is "x"\n');
    const junit = path.join(dir, 'reports', 'junit.xml');
    const r = pacsw(['test', '--junit', junit, test], { cwd: dir });
    assert.equal(r.status, 1);
    const xml = fs.readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="pacsw test" tests="2" failures="1">/);
    assert.match(xml, /<testcase classname="j.coerce-test" name="ok &lt;1&gt;" file="j.coerce-test" line="2"\/>/);
    assert.match(xml, /<testcase classname="j.coerce-test" name="bad &amp; wrong" file="j.coerce-test" line="5">\n {6}<failure message="AccessionNumber \(0008,0050\): expected &quot;x&quot;, got absent \(no rule changed it\)">/);

    const json = JSON.parse(pacsw(['test', '--json', test], { cwd: dir }).stdout);
    assert.deepEqual([json.passed, json.failed], [1, 1]);
    assert.deepEqual(json.files[0].cases[1].failures[0], { line: 6, column: 3, message: 'AccessionNumber (0008,0050): expected "x", got absent (no rule changed it)', expected: '"x"', actual: 'absent', snapshot: false });
  });

  it('--coverage lists the rules no case exercised', () => {
    const test = writeRules(dir, 'c.coerce-test', 'rules "r.coerce"\ncase "x"\n  with AccessionNumber "1"\n  expect AccessionNumber is "EXT-1"\n');
    const r = pacsw(['test', '--coverage', test], { cwd: dir });
    assert.equal(r.status, 0, r.stdout);
    // Line 3 deletes an absent attribute (ran, never assigned); line 4 ran and left it absent.
    assert.match(r.stdout, /^r\.coerce:3: ran but never assigned {2}\(0008,0090\)$/m);
    assert.match(r.stdout, /^r\.coerce:4: ran but never assigned {2}\(0010,1000\)$/m);
    assert.match(r.stdout, /^coverage: 1 of 3 rules assigned in some case$/m);
  });

  it('reports a broken test file as errors with their location and counts it as failed', () => {
    const test = writeRules(dir, 'bad.coerce-test', 'rules "nowhere.coerce"\ncase "x"\n  expect PatientNme is "a"\n');
    const r = pacsw(['test', test], { cwd: dir });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^bad\.coerce-test:1:7: error test-file-not-found no rule file "nowhere\.coerce"/m);
    assert.match(r.stdout, /^bad\.coerce-test:3:10: error test-unknown-attribute unknown attribute keyword `PatientNme`; did you mean `PatientName`/m);
    assert.equal(lastLine(r.stdout), '0 passed, 1 failed');
  });

  it('refuses samples outside the current folder unless --allow-outside', () => {
    const inner = path.join(dir, 'inner');
    fs.mkdirSync(inner);
    writeRules(inner, 'o.coerce-test', 'rules "../r.coerce"\ncase "x"\n  from "../ct.dcm"\n  expect not stopped\n');
    const refused = pacsw(['test', '.'], { cwd: inner });
    assert.equal(refused.status, 1);
    assert.match(refused.stdout, /is outside the workspace/);
    assert.equal(lastLine(pacsw(['test', '--allow-outside', '.'], { cwd: inner }).stdout), '1 passed, 0 failed');
  });

  it('pacsw check reports the findings of a test file like the editor', () => {
    const test = writeRules(dir, 'k.coerce-test', 'rules "r.coerce"\ncase "x"\n  from "gone.dcm"\n  expect PatientNme is "a"\n');
    const r = pacsw(['check', test], { cwd: dir });
    assert.equal(r.status, 1);
    const lines = r.stdout.trimEnd().split('\n');
    // The finding lines as the editor has them; code frames and the summary come with them.
    assert.deepEqual(lines.filter((l) => l.startsWith(test)), [
      `${test}:3:8: error test-file-not-found no sample "gone.dcm" (paths are relative to this test file's folder)`,
      `${test}:4:10: error test-unknown-attribute unknown attribute keyword \`PatientNme\`; did you mean \`PatientName\`? (or write the tag, e.g. (0010,0010))`,
    ]);
    assert.equal(lines[lines.length - 1], '2 errors, 0 warnings in 1 file');
    assert.equal(pacsw(['check', ...['outside-ct-import', 'swap-names'].map((n) => path.join(EXAMPLES, `${n}.coerce-test`))]).status, 0);
  });

  it('says so when there is no test file, and exits 1', () => {
    const r = pacsw(['test', dir], { cwd: dir });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no \*\.coerce-test files in /);
  });
});
