/**
 * Files that DCMTK reads and dcmodify changes, which `pacsw apply` must coerce rather than
 * refuse (issue 10): bare data sets in the three native encodings, a meta header without a
 * Transfer Syntax UID, a deflated file, a standard attribute stored with VR UN. Each output is
 * read by dcmdump, shows the coerced value, and keeps every byte outside the changed element.
 * And the other side (item 6): a meta header that declares big endian over little-endian data
 * is refused, not written half in one byte order and half in the other.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { parsePart10Meta } from '../../core/src/dicom/part10';
import { part10 } from '../unit/part10-builder';
import { dcmdump, generate, pacsw, suiteTempDir } from './dicom-helpers';

const OLD_NAME = 'PLAIN^NAME';
/** Same length as the old name: group lengths and item lengths stay as they were. */
const NEW_NAME = 'OTHER^NAME';

/** The output equals the input except for bytes [from, to) of the input, which became something else. */
function assertOnlyChanged(input: Buffer, output: Buffer, from: number, to: number): void {
  assert.ok(from >= 0 && to <= input.length && from <= to, `bad range ${from}-${to}`);
  assert.ok(output.subarray(0, from).equals(input.subarray(0, from)), `the ${from} bytes before the change differ`);
  const tail = input.length - to;
  assert.ok(output.length >= from + tail, 'the output is shorter than the untouched bytes');
  assert.ok(output.subarray(output.length - tail).equals(input.subarray(to)), `the ${tail} bytes after the change differ`);
}

/** dcmdump must read the whole file without an error. */
function dumpOf(file: string): string {
  const text = dcmdump(file);
  assert.doesNotMatch(text, /^E: /m, `dcmdump could not read ${file}:\n${text}`);
  return text;
}

describe('pacsw apply: files DCMTK reads are coerced, not refused (issue 10)', function () {
  this.timeout(60_000);
  const dir = suiteTempDir('dcmtk-reads');
  let rules: string;
  before(() => {
    rules = path.join(dir(), 'rename.coerce');
    fs.writeFileSync(rules, `(0010,0010)="${NEW_NAME}"\n`);
  });

  const apply = (input: string, name: string): { out: string; stderr: string; stdout: string } => {
    const outDir = path.join(dir(), `out-${name}`);
    const r = pacsw(['apply', '--rules', rules, '--out', outDir, input]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.trim(), '1 file: 1 changed, 0 unchanged, 0 stopped, 0 failed');
    return { out: path.join(outDir, path.basename(input)), stderr: r.stderr, stdout: r.stdout };
  };

  for (const [name, args, used] of [
    ['implicit VR little endian', ['+ti'], 'Little Endian Implicit'],
    ['explicit VR little endian', ['+te'], 'Little Endian Explicit'],
    ['explicit VR big endian', ['+tb'], 'Big Endian Explicit'],
  ] as const) {
    it(`a bare data set (no preamble, no meta information) in ${name} is detected as DCMTK does and written back the same way`, () => {
      const input = generate('ascii-only', dir(), ['-F', ...args], `bare-${args[0].slice(1)}.dcm`);
      const bytes = fs.readFileSync(input);
      assert.notEqual(bytes.toString('latin1', 128, 132), 'DICM');
      assert.match(dumpOf(input), new RegExp(`# Used TransferSyntax: ${used}`));
      const { out } = apply(input, `bare-${args[0].slice(1)}`);
      const dump = dumpOf(out);
      assert.match(dump, new RegExp(`# Used TransferSyntax: ${used}`));
      assert.match(dump, /\(0010,0010\) PN \[OTHER\^NAME\]/);
      const at = bytes.indexOf(OLD_NAME);
      assertOnlyChanged(bytes, fs.readFileSync(out), at, at + OLD_NAME.length);
    });
  }

  it('a meta header without a Transfer Syntax UID: inferred from the data set, with a warning; the meta is kept as it was', () => {
    for (const [syntax, used] of [['+ti', 'Little Endian Implicit'], ['+te', 'Little Endian Explicit']] as const) {
      const full = fs.readFileSync(generate('ascii-only', dir(), [syntax], `with-ts${syntax.slice(1)}.dcm`));
      const input = path.join(dir(), `no-ts${syntax.slice(1)}.dcm`);
      fs.writeFileSync(input, withoutTransferSyntax(full));
      assert.match(dumpOf(input), new RegExp(`# Used TransferSyntax: ${used}`));
      const { out, stderr } = apply(input, `no-ts${syntax.slice(1)}`);
      assert.match(stderr, new RegExp(`warning: .*no-ts${syntax.slice(1)}\\.dcm: the file meta information has no Transfer Syntax UID \\(0002,0010\\): the data set was read as ${used.replace('Little Endian ', '')} VR Little Endian, detected from its first element as DCMTK does`));
      const dump = dumpOf(out);
      assert.match(dump, /\(0010,0010\) PN \[OTHER\^NAME\]/);
      assert.doesNotMatch(dump, /\(0002,0010\)/);
      const bytes = fs.readFileSync(input);
      const at = bytes.indexOf(OLD_NAME);
      assertOnlyChanged(bytes, fs.readFileSync(out), at, at + OLD_NAME.length);
    }
  });

  it('a deflated file is inflated, coerced and deflated again; the inflated data set keeps every other byte', () => {
    const input = generate('ct-with-sequences', dir(), ['+td'], 'deflated.dcm');
    const bytes = fs.readFileSync(input);
    const { out } = apply(input, 'deflated');
    const dump = dumpOf(out);
    assert.match(dump, /# Used TransferSyntax: Deflated Explicit VR Little Endian/);
    assert.match(dump, /\(0010,0010\) PN \[OTHER\^NAME\]/);
    const written = fs.readFileSync(out);
    const start = parsePart10Meta(bytes).datasetStart;
    assert.ok(written.subarray(0, start).equals(bytes.subarray(0, start)), 'the meta information changed');
    const before = zlib.inflateRawSync(bytes.subarray(start));
    const after = zlib.inflateRawSync(written.subarray(start));
    const old = Buffer.from('DOE,JOHN,Q', 'latin1');
    const at = before.indexOf(old);
    assert.ok(at > 0, 'the fixture has no DOE,JOHN,Q');
    // The new name is as long as the old one padded ("DOE,JOHN,Q" is 10 bytes, as is OTHER^NAME).
    assertOnlyChanged(before, after, at, at + old.length);
    assert.equal(after.length, before.length);
  });

  it('a standard attribute stored with VR UN is coerced by its dictionary VR, and the trace says so', () => {
    const full = fs.readFileSync(generate('ascii-only', dir(), ['+te'], 'for-un.dcm'));
    const input = path.join(dir(), 'un.dcm');
    const { bytes, from, to } = storedAsUn(full, 0x0010, 0x0010);
    fs.writeFileSync(input, bytes);
    assert.match(dumpOf(input), /\(0010,0010\) UN 50\\4c\\41\\49\\4e/);
    const { out } = apply(input, 'un');
    const dump = dumpOf(out);
    assert.match(dump, /\(0010,0010\) PN \[OTHER\^NAME\]/);
    // The UN header (12 bytes) became a PN header (8 bytes); everything around it is as it was.
    assertOnlyChanged(bytes, fs.readFileSync(out), from, to);
    const trace = pacsw(['trace', '--rules', rules, input]);
    assert.equal(trace.status, 0, trace.stderr);
    assert.match(trace.stdout, /\(0010,0010\)\s+assigned\s+"OTHER\^NAME"\s+\(\(0010,0010\) was stored with VR UN; it is coerced and written as PN, its VR in the data dictionary \(PS3\.5 6\.2\.2\)\)/);
  });

  it('item 6: a meta header declaring big endian over little-endian data is refused, nothing written', () => {
    // Zero-length values read the same in both byte orders, so DCMTK reads this file (as big
    // endian, with tags such as (0800,5000)): an insert in big endian would sit among
    // little-endian elements that only look like something else.
    const input = path.join(dir(), 'be-over-le.dcm');
    fs.writeFileSync(input, part10([
      { tag: 0x00080050, vr: 'SH', value: '' },
      { tag: 0x00100020, vr: 'LO', value: '' },
      { tag: 0x00200010, vr: 'SH', value: '' },
    ], '1.2.840.10008.1.2.2'));
    assert.match(dumpOf(input), /\(0800,5000\) SH/);
    const outDir = path.join(dir(), 'out-be-over-le');
    const r = pacsw(['apply', '--rules', rules, '--out', outDir, input]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /failed: .*be-over-le\.dcm: the file meta information declares Explicit VR Big Endian \(0002,0010\), but the data set is little endian \(its first element reads as \(0008,0050\) in that byte order\): refused, as coercing it would write elements in a byte order the rest of the data set does not use \(correct the Transfer Syntax UID to Explicit VR Little Endian first\)/);
    assert.deepEqual(fs.readdirSync(outDir), []);
  });
});

/** The file with its (0002,0010) element removed and the meta group length corrected. */
function withoutTransferSyntax(bytes: Buffer): Buffer {
  let at = 132;
  const parts: Buffer[] = [];
  let removed = 0;
  while (bytes.readUInt16LE(at) === 0x0002) {
    const long = ['OB', 'UN', 'SQ', 'UT'].includes(bytes.toString('latin1', at + 4, at + 6));
    const end = long ? at + 12 + bytes.readUInt32LE(at + 8) : at + 8 + bytes.readUInt16LE(at + 6);
    if (bytes.readUInt16LE(at + 2) === 0x0010) removed = end - at;
    else parts.push(bytes.subarray(at, end));
    at = end;
  }
  const meta = Buffer.concat(parts);
  assert.ok(removed > 0 && meta.readUInt16LE(2) === 0x0000, 'expected a meta group length first');
  meta.writeUInt32LE(meta.readUInt32LE(8) - removed, 8);
  return Buffer.concat([bytes.subarray(0, 132), meta, bytes.subarray(at)]);
}

/** The explicit VR LE file with one element's header rewritten as VR UN (4-byte length); where that element is. */
function storedAsUn(bytes: Buffer, group: number, element: number): { bytes: Buffer; from: number; to: number } {
  const tag = Buffer.alloc(4);
  tag.writeUInt16LE(group, 0);
  tag.writeUInt16LE(element, 2);
  const at = bytes.indexOf(tag, parsePart10Meta(bytes).datasetStart);
  const length = bytes.readUInt16LE(at + 6);
  const header = Buffer.alloc(12);
  tag.copy(header, 0);
  header.write('UN', 4, 'latin1');
  header.writeUInt32LE(length, 8);
  const out = Buffer.concat([bytes.subarray(0, at), header, bytes.subarray(at + 8)]);
  return { bytes: out, from: at, to: at + 12 + length };
}
