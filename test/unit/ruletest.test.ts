import * as assert from 'node:assert/strict';
import { evaluateRules } from '../../core/src/coercion/evaluate';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { JsonDatasetAccess, type JsonDataset } from '../../core/src/dicom/jsonDataset';
import { runCase } from '../../core/src/ruletest/check';
import { RuleCoverage, stateOf } from '../../core/src/ruletest/coverage';
import { formatRuleTest } from '../../core/src/ruletest/format';
import { compareEffects } from '../../core/src/ruletest/impact';
import { parseRuleTest } from '../../core/src/ruletest/parser';
import { formatSnapshots, parseSnapshots, snapshotOf } from '../../core/src/ruletest/snapshot';
import { validateRuleTest } from '../../core/src/ruletest/validate';

/** `line:col code` of each finding, 1-based, for compact assertions. */
const findings = (text: string, options = {}): string[] =>
  validateRuleTest(text, options).diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);

const rulesOf = (text: string, uri = '/r.coerce') => [{ name: 'device', file: parseRuleFile(text), uri }];

/** Runs the only case of a test file on a JSON data set. */
function runOnly(test: string, rules: string, ds: JsonDataset = {}, recorded?: string) {
  const { file, diagnostics } = parseRuleTest(`rules "r.coerce"\n${test}`);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  return runCase(file.cases[0], rulesOf(rules), new JsonDatasetAccess(ds), recorded);
}

describe('rule tests (.coerce-test)', () => {
  describe('parser', () => {
    it('reads the rules line, cases, samples, given attributes and expectations', () => {
      const { file, diagnostics } = parseRuleTest([
        'rules "outside.coerce"',
        '',
        'case "a foreign accession number is marked"',
        '  from "samples/ct.dcm"',
        '  with AccessionNumber "A123"',
        '  with (0008,0090) absent',
        '  with SEQ(0040,0275,0,0040,1001) ""',
        '  expect AccessionNumber is concat("EXT-",(0008,0050))',
        '  expect (0008,0090) is absent',
        '  expect PatientName is unchanged',
        '  expect not stopped',
        '  expect snapshot',
      ].join('\n'));
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(file.rules && { kind: file.rules.kind, path: file.rules.kind === 'file' && file.rules.path }, { kind: 'file', path: 'outside.coerce' });
      const c = file.cases[0];
      assert.equal(c.name, 'a foreign accession number is marked');
      assert.equal(c.sample?.path, 'samples/ct.dcm');
      assert.deepEqual(c.given.map((g) => [g.attribute.ref, g.value.kind]), [
        [{ sequence: [], group: 0x0008, element: 0x0050 }, 'expression'],
        [{ sequence: [], group: 0x0008, element: 0x0090 }, 'absent'],
        [{ sequence: [{ group: 0x0040, element: 0x0275, item: 0 }], group: 0x0040, element: 0x1001 }, 'expression'],
      ]);
      assert.deepEqual(c.expects.map((e) => e.kind), ['value', 'value', 'unchanged', 'stopped', 'snapshot']);
      assert.equal(c.lastLine, 11);
    });

    it('reads a device chain', () => {
      const { file } = parseRuleTest('rules device CT1 in "devices/hospital.pacs"');
      assert.deepEqual(file.rules?.kind === 'device' && [file.rules.device, file.rules.table], ['CT1', 'devices/hospital.pacs']);
    });

    it('locates each mistake with its own code', () => {
      const text = [
        'case "before rules"', //      1: rules missing -> test-no-rules at line 1
        '  expect PatientNme is "x"', // 2: unknown keyword
        '  expect (0010,0010) is upr("x")', // 3: coercion's unknown-function
        '  expect (0010,0010) "x"', //    4: `is` missing
        'case "before rules"', //       5: duplicate name
        'rules "late.coerce"', //       6: rules after a case
        'hello', //                     7: not a form
      ].join('\n');
      assert.deepEqual(findings(text), [
        '1:1 test-no-rules',
        '2:10 test-unknown-attribute',
        '3:25 unknown-function',
        '4:22 test-syntax',
        '5:6 test-duplicate-case',
        '6:1 test-syntax',
        '7:1 test-syntax',
      ]);
      const unknown = validateRuleTest(text).diagnostics.find((d) => d.code === 'test-unknown-attribute')!;
      assert.match(unknown.message, /unknown attribute keyword `PatientNme`; did you mean `PatientName`/);
      // Keywords are case-sensitive, as in PS3.6; the right spelling is offered.
      assert.match(validateRuleTest('rules "r.coerce"\ncase "x"\n  expect accessionnumber is ""').diagnostics.map((d) => d.message).join('|'), /did you mean `AccessionNumber`/);
    });

    it('warns about a case that expects nothing (unless one of its lines is already in error)', () => {
      assert.deepEqual(findings('rules "r.coerce"\ncase "x"\n  with PatientName "A"\ncase "y"\n  expect stopped'), ['2:6 test-no-expectation']);
    });

    it('refuses lines outside a case and a second sample', () => {
      assert.deepEqual(findings('rules "r.coerce"\nexpect stopped\ncase "x"\n  from "a.dcm"\n  from "b.dcm"\n  expect stopped'), ['2:1 test-outside-case', '5:3 test-sample-twice']);
    });

    it('asks the caller whether files and devices exist', () => {
      const exists = (p: string): boolean => p === 'hospital.pacs' || p === 'there.dcm';
      assert.deepEqual(findings('rules device CT9 in "hospital.pacs"\ncase "x"\n  from "missing.dcm"\n  expect stopped', { fileExists: exists, deviceIds: () => ['CT1', 'MR1'] }),
        ['1:14 test-unknown-device', '3:8 test-file-not-found']);
      assert.deepEqual(findings('rules "gone.coerce"\ncase "x"\n  expect stopped', { fileExists: exists }), ['1:7 test-file-not-found']);
    });
  });

  describe('formatter', () => {
    it('indents case lines, single-spaces words, formats values and separates cases by one blank line', () => {
      const text = 'rules   "r.coerce"\ncase "a"\nwith   AccessionNumber "x"\n     with (0008,0050)   ""\n expect (0008,0050) is  concat( "P", (0008,0050) )\n\n\n\ncase "b"\nexpect   not   stopped\n';
      assert.equal(formatRuleTest(text), 'rules "r.coerce"\n\ncase "a"\n  with AccessionNumber "x"\n  with (0008,0050) ""\n  expect (0008,0050) is concat("P",(0008,0050))\n\ncase "b"\n  expect not stopped\n');
      // Formatting is stable.
      assert.equal(formatRuleTest(formatRuleTest(text)), formatRuleTest(text));
    });

    it('keeps a line with an error as it is, only re-indented', () => {
      assert.equal(formatRuleTest('rules "r.coerce"\ncase "a"\n    expect PatientName  "x"\n'), 'rules "r.coerce"\n\ncase "a"\n  expect PatientName  "x"\n');
    });
  });

  describe('running a case', () => {
    const PREFIX = '(0008,0050)=if((0008,0050),concat("EXT-",(0008,0050)),NULL())';

    it('passes when the rules give what the case expects', () => {
      const r = runOnly('case "x"\n  with AccessionNumber "A1"\n  expect AccessionNumber is "EXT-A1"\n  expect PatientName is unchanged', PREFIX);
      assert.deepEqual(r.failures, []);
      assert.equal(r.passed, true);
    });

    it('fails at the expect line with expected, actual and the rule that changed it', () => {
      const r = runOnly('case "x"\n  with AccessionNumber "A1"\n  expect AccessionNumber is "A1"', PREFIX);
      assert.equal(r.passed, false);
      assert.equal(r.failures.length, 1);
      const f = r.failures[0];
      assert.equal(f.range.start.line, 3);
      assert.equal(f.expected, '"A1"');
      assert.equal(f.actual, '"EXT-A1"');
      assert.match(f.message, /AccessionNumber \(0008,0050\): expected "A1", got "EXT-A1" \(changed by the device rules, line 1\)/);
    });

    it('tells absent from "" and computes expected values from the object as given', () => {
      assert.equal(runOnly('case "x"\n  with AccessionNumber ""\n  expect AccessionNumber is "EXT-"', PREFIX).passed, true);
      assert.equal(runOnly('case "x"\n  expect AccessionNumber is absent', PREFIX).passed, true);
      const wrong = runOnly('case "x"\n  expect AccessionNumber is ""', PREFIX);
      assert.deepEqual([wrong.failures[0].expected, wrong.failures[0].actual], ['""', 'absent']);
      assert.equal(runOnly('case "x"\n  with AccessionNumber "Q"\n  expect AccessionNumber is concat("EXT-",(0008,0050))', PREFIX).passed, true);
    });

    it('unchanged fails when a rule changed the attribute', () => {
      const r = runOnly('case "x"\n  with AccessionNumber "A"\n  expect AccessionNumber is unchanged', PREFIX);
      assert.match(r.failures[0].message, /expected unchanged, got "EXT-A"/);
    });

    it('expects stopped / not stopped, and a stop fails the attribute expectations of a case that did not expect it', () => {
      const stop = '$(@PROCESS)=if(equals((0008,0060),"MG"),NULL(),$(@PROCESS))\n(0008,0050)="X"';
      assert.equal(runOnly('case "x"\n  with Modality "MG"\n  expect stopped', stop).passed, true);
      const notExpected = runOnly('case "x"\n  with Modality "MG"\n  expect AccessionNumber is "X"\n  expect PatientName is absent', stop);
      assert.equal(notExpected.failures.length, 1);
      assert.match(notExpected.failures[0].message, /stopped by the device rules, line 1 .*add `expect stopped`/);
      const stored = runOnly('case "x"\n  with Modality "CT"\n  expect stopped', stop);
      assert.match(stored.failures[0].message, /expected the object to be stopped, but the rules let it through/);
    });

    it('a rule that fails fails the case at its case line', () => {
      const r = runOnly('case "x"\n  expect PatientName is absent', '(0010,0010)=split("a")');
      assert.equal(r.failures[0].range.start.line, 1);
      assert.match(r.failures[0].message, /rule \(0010,0010\) \(device, line 1\) failed/);
    });

    it('compares the snapshot and reports the difference', () => {
      const first = runOnly('case "x"\n  with AccessionNumber "A"\n  expect snapshot', PREFIX);
      assert.equal(first.passed, false, 'no snapshot yet');
      assert.equal(first.snapshot, '(0008,0050) AccessionNumber: "A" -> "EXT-A"');
      assert.equal(runOnly('case "x"\n  with AccessionNumber "A"\n  expect snapshot', PREFIX, {}, first.snapshot).passed, true);
      const changed = runOnly('case "x"\n  with AccessionNumber "A"\n  expect snapshot', PREFIX.replace('EXT-', 'OUT-'), {}, first.snapshot);
      assert.equal(changed.failures[0].snapshot, true);
      assert.deepEqual([changed.failures[0].expected, changed.failures[0].actual], [first.snapshot, '(0008,0050) AccessionNumber: "A" -> "OUT-A"']);
    });
  });

  describe('snapshot files', () => {
    it('round-trip, names with quotes included', () => {
      const snaps = new Map([['a "quoted" case', '(0008,0050) AccessionNumber: "A" -> "B"\nstopped by the device rules, line 2'], ['empty', 'no change']]);
      assert.deepEqual(parseSnapshots(formatSnapshots('t.coerce-test', snaps)), snaps);
    });

    it('ignore lines they do not understand', () => {
      assert.deepEqual(parseSnapshots('junk\ncase "a"\n  one\ncase broken\n  two\n'), new Map([['a', 'one']]));
    });

    it('record no change and a stop', () => {
      const access = new JsonDatasetAccess({});
      assert.equal(snapshotOf(evaluateRules(rulesOf('$(x)="1"'), access)), 'no change');
      assert.equal(snapshotOf(evaluateRules(rulesOf('(0010,0010)="A"\n$(@PROCESS)=NULL()'), access)), '(0010,0010) PatientName: absent -> "A"\nstopped by the device rules, line 2');
    });
  });

  describe('coverage', () => {
    it('tells assigned, skipped (ran, never assigned) and never ran apart', () => {
      const rules = '$(@PROCESS)=if((0008,0060),$(@PROCESS),NULL())\n(0008,0050)=if((0008,0050),"X",NULL())\n(0010,0010)="N"';
      const sets = rulesOf(rules);
      const coverage = new RuleCoverage();
      coverage.addRules('/r.coerce', sets[0].file);
      // Modality absent: stopped at line 1, lines 2-3 never run.
      coverage.record(evaluateRules(sets, new JsonDatasetAccess({})));
      // Modality present, no accession: line 2 runs but leaves it absent.
      coverage.record(evaluateRules(sets, new JsonDatasetAccess({ '00080060': { vr: 'CS', Value: ['CT'] } })));
      const [entry] = coverage.entries();
      assert.deepEqual(entry.lines.map((l) => [l.line, l.ran, l.assigned, stateOf(l)]), [[0, 2, 1, 'assigned'], [1, 1, 0, 'skipped'], [2, 1, 1, 'assigned']]);
      const fresh = new RuleCoverage();
      fresh.addRules('/r.coerce', sets[0].file);
      fresh.record(evaluateRules(sets, new JsonDatasetAccess({})));
      assert.deepEqual(fresh.entries()[0].lines.map(stateOf), ['assigned', 'never ran', 'never ran']);
    });
  });

  describe('impact', () => {
    const effect = (rules: string, ds: JsonDataset) => evaluateRules(rulesOf(rules), new JsonDatasetAccess(structuredClone(ds)));
    const ds: JsonDataset = { '00080050': { vr: 'SH', Value: ['A1'] }, '00080060': { vr: 'CS', Value: ['MG'] } };

    it('reports only the attributes whose result differs', () => {
      const impact = compareEffects(effect('(0008,0050)=concat("EXT-",(0008,0050))\n(0008,0080)="H"', ds), effect('(0008,0050)=concat("OUT-",(0008,0050))\n(0008,0080)="H"\n(0010,0010)="N"', ds));
      assert.deepEqual(impact?.attributes.map((a) => [a.path, a.original, a.old, a.new]), [['(0008,0050)', 'A1', 'EXT-A1', 'OUT-A1'], ['(0010,0010)', null, null, 'N']]);
      assert.equal(compareEffects(effect('(0008,0080)="H"', ds), effect('(0008,0080)="H"\n(0008,0080)="H"', ds)), undefined);
    });

    it('reports objects newly stopped, no longer stopped and newly failing', () => {
      const stop = '$(@PROCESS)=if(equals((0008,0060),"MG"),NULL(),$(@PROCESS))';
      assert.deepEqual(compareEffects(effect('(0008,0050)="X"', ds), effect(`${stop}\n(0008,0050)="X"`, ds)), { attributes: [], stop: 'newly stopped' }, 'the values of an object that is not stored do not count');
      assert.equal(compareEffects(effect(stop, ds), effect('', ds))?.stop, 'no longer stopped');
      const failing = compareEffects(effect('', ds), effect('(0010,0010)=split("a")', ds));
      assert.equal(failing?.failure, 'newly failing');
      assert.match(failing!.errors![0], /^\(0010,0010\) \(device, line 1\): /);
    });
  });
});
