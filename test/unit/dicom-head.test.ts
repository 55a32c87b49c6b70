/**
 * Opening big files for the viewer: readPart10Head reads element headers from the file and
 * leaves large top-level values (pixel data) on disk, and the dump describes them from the
 * header. Files are the example samples and built ones, up to a 300 MB sparse file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dumpLines, dumpPart10 } from '../../core/src/dicom/dump';
import { readPart10Head } from '../../core/src/dicom/head';
import { parsePart10 } from '../../core/src/dicom/part10';
import { encodeElements, part10 } from './part10-builder';

const samples = path.resolve(__dirname, '..', '..', '..', 'examples', 'workspace', 'samples');

describe('reading a Part 10 file without its bulk values', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsw-head-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives the same attributes as reading the whole file, pixel data described from its header', () => {
    const file = path.join(samples, 'ct-outside.dcm');
    const whole = dumpPart10(parsePart10(fs.readFileSync(file)));
    const head = readPart10Head(file, 4);
    assert.deepEqual([...head.skipped.entries()], [[0x7fe00010, { bytes: 8 }]]);
    const dump = dumpPart10(head.file, head.skipped);
    assert.deepEqual(dumpLines(dump.meta), dumpLines(whole.meta));
    assert.deepEqual(dumpLines(dump.dataset), dumpLines(whole.dataset), 'the pixel data summary reads the same whether it was read or not');
  });

  it('opens a 300 MB file by reading a few kilobytes', () => {
    const file = path.join(dir, 'huge.dcm');
    const pixels = 300 * 1024 * 1024;
    const start = part10([
      { tag: 0x00100010, vr: 'PN', value: 'BIG^FILE' },
      { tag: 0x00280008, vr: 'IS', value: '300' },
      { tag: 0x00280010, vr: 'US', value: Uint8Array.of(0, 4) },
      { tag: 0x00280011, vr: 'US', value: Uint8Array.of(0, 1) },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(0), length: pixels },
    ]);
    fs.writeFileSync(file, start);
    fs.truncateSync(file, start.length + pixels); // sparse: no 300 MB written to disk
    const head = readPart10Head(file);
    assert.equal(head.size, start.length + pixels);
    assert.ok(head.file.bytes.length < 4096, `read ${head.file.bytes.length} bytes`);
    const dump = dumpPart10(head.file, head.skipped);
    const pixel = dump.dataset.find((a) => a.tag === '(7FE0,0010)')!;
    assert.equal(pixel.length, pixels);
    assert.equal(pixel.summary, `${pixels} bytes, 256×1024, 300 frames; not shown`);
    assert.equal(dump.dataset.find((a) => a.keyword === 'PatientName')?.value, 'BIG^FILE');
  });

  it('skips encapsulated pixel data fragment by fragment and counts the fragments', () => {
    const item = (length: number) => Buffer.concat([Buffer.from([0xfe, 0xff, 0x00, 0xe0]), Buffer.from(Uint32Array.of(length).buffer), Buffer.alloc(length, 7)]);
    const end = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    const bytes = Buffer.concat([
      part10([{ tag: 0x00100010, vr: 'PN', value: 'JPEG^ONE' }], '1.2.840.10008.1.2.4.50'),
      encodeElements([{ tag: 0x7fe00010, vr: 'OB', value: Buffer.concat([item(0), item(3000), item(5000), end]), length: 0xffffffff }]),
    ]);
    const file = path.join(dir, 'jpeg.dcm');
    fs.writeFileSync(file, bytes);
    const head = readPart10Head(file, 100);
    assert.deepEqual(head.skipped.get(0x7fe00010), { bytes: 8 + 8 + 3000 + 8 + 5000 + 8, fragments: 2 });
    const pixel = dumpPart10(head.file, head.skipped).dataset.find((a) => a.tag === '(7FE0,0010)')!;
    assert.equal(pixel.summary, 'encapsulated, 2 fragments, 8032 bytes, 1 frame; not shown');
  });

  it('reads implicit VR files and undefined-length sequences whole, skipping only big values', () => {
    const seq = Buffer.concat([
      Buffer.from([0x40, 0x00, 0x75, 0x02, 0xff, 0xff, 0xff, 0xff]), // (0040,0275) undefined length
      Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]), // item, undefined length
      encodeElements([{ tag: 0x00401001, vr: 'SH', value: 'RP1' }], true),
      Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]),
    ]);
    const bytes = Buffer.concat([
      part10([{ tag: 0x00100010, vr: 'PN', value: 'IMPLICIT^VR' }], '1.2.840.10008.1.2'),
      seq,
      encodeElements([{ tag: 0x7fe00010, vr: 'OW', value: Buffer.alloc(2000) }], true),
    ]);
    const file = path.join(dir, 'implicit.dcm');
    fs.writeFileSync(file, bytes);
    const head = readPart10Head(file, 1000);
    const lines = dumpLines(dumpPart10(head.file, head.skipped).dataset);
    assert.deepEqual(lines.slice(0, 3), [
      '(0010,0010) PN PatientName "IMPLICIT^VR"',
      '(0040,0275) SQ RequestAttributesSequence 1 item',
      'SEQ(0040,0275,0,0040,1001) SH RequestedProcedureID "RP1"',
    ]);
    assert.match(lines[3], /^\(7FE0,0010\) O[BW] PixelData <2000 bytes, 1 frame; not shown>$/);
  });

  it('refuses a file without the DICM prefix and a truncated value, saying where', () => {
    const text = path.join(dir, 'text.dcm');
    fs.writeFileSync(text, 'x'.repeat(400));
    assert.throws(() => readPart10Head(text), /no "DICM" prefix after the 128-byte preamble at byte offset 128/);
    const cut = path.join(dir, 'cut.dcm');
    const whole = part10([{ tag: 0x00100010, vr: 'PN', value: 'CUT^SHORT' }, { tag: 0x7fe00010, vr: 'OW', value: Buffer.alloc(5000) }]);
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 100));
    assert.throws(() => readPart10Head(cut), /value runs past the end of the file \(100 bytes missing\) at byte offset \d+/);
  });
});
