import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate, pacsw, suiteTempDir, writeRules } from './dicom-helpers';

describe('pacsw trace', function () {
  this.timeout(30_000);
  const dir = suiteTempDir('cli-trace');
  let ct: string;
  let rules: string;
  before(() => {
    ct = generate('ct-with-sequences', dir());
    rules = writeRules(dir(), 'r.coerce', [
      '(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())',
      'SEQ(0008,1115,0,0008,1155)="1.2"',
      '(0028,0010)="4"',
      '$(tmp)=(0010,0010)',
    ].join('\n'));
  });

  it('prints one line per rule with its outcome, then the changes', () => {
    const before = fs.readFileSync(ct);
    const r = pacsw(['trace', '--rules', rules, ct]);
    assert.equal(r.status, 0, r.stderr);
    // The validator's objection to line 3 is shown, and the rule still runs (and is skipped).
    assert.match(r.stderr, /r\.coerce:3:1: error not-alphanumeric /);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `${rules}:1  (0008,0050)  assigned  "PFX"`);
    assert.match(lines[1], /:2  SEQ\(0008,1115,0,0008,1155\)  skipped  NULL  \(sequence item 0 of \(0008,1115\) is absent, so the rule is skipped\)$/);
    assert.match(lines[2], /:3  \(0028,0010\)  skipped  "4"  \(\(0028,0010\) has VR US; only string attributes can be coerced\)$/);
    assert.match(lines[3], /:4  \$\(tmp\)  assigned  "DOE,JOHN,Q"/);
    assert.ok(lines.includes(`(0008,0050): "" -> "PFX"  (${rules}:1)`));
    assert.ok(fs.readFileSync(ct).equals(before), 'trace writes nothing');
  });

  it('--json gives the trace and the changes with 1-based lines', () => {
    const r = pacsw(['trace', '--json', '--rules', rules, ct]);
    const json = JSON.parse(r.stdout);
    assert.equal(json.stopped, false);
    assert.deepEqual(json.trace.map((t: { line: number; outcome: string }) => [t.line, t.outcome]), [[1, 'assigned'], [2, 'skipped'], [3, 'skipped'], [4, 'assigned']]);
    assert.deepEqual(json.changes, [{ path: '(0008,0050)', before: '', after: 'PFX', ruleSet: 'device', uri: rules, line: 1 }]);
  });

  it('shows a stop and exits 1 for an unreadable data set, naming it', () => {
    const stop = writeRules(dir(), 'stop.coerce', '$(@PROCESS)=NULL()\n(0010,0010)="X"');
    const r = pacsw(['trace', '--rules', stop, ct]);
    assert.match(r.stdout, /stopped by .*stop\.coerce:1: the object would not be stored/);
    assert.equal(r.stdout.includes('(0010,0010)  '), false);
    const junk = path.join(dir(), 'junk.dcm');
    fs.writeFileSync(junk, 'not dicom at all');
    const bad = pacsw(['trace', '--rules', stop, junk]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, new RegExp(`${junk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: too short for a DICOM Part 10 file \\(16 bytes\\)`));
  });
});
