/**
 * The data set tree behind the DICOM file viewer, "show all attributes" and Compare
 * Before/After: the example samples (Part 10 and DICOM JSON) and built files with private
 * blocks and encapsulated pixel data.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDatasetBytes } from '../../core/src/dicom/files';
import { dumpAccess, dumpLines, flattenDump, type DatasetDump } from '../../core/src/dicom/dump';
import { part10 } from './part10-builder';

const samples = path.resolve(__dirname, '..', '..', '..', 'examples', 'workspace', 'samples');
const dumpOf = (bytes: Uint8Array): DatasetDump => dumpAccess(loadDatasetBytes(bytes, 'test').access);

describe('data set dump', () => {
  it('lists the file meta and the data set of a Part 10 file with VR, VM, length and value', () => {
    const dump = dumpOf(fs.readFileSync(path.join(samples, 'ct-outside.dcm')));
    assert.equal(dump.format, 'part10');
    assert.equal(dump.transferSyntax, '1.2.840.10008.1.2.1');
    assert.ok(dump.meta.length >= 4 && dump.meta.every((a) => a.group === 0x0002), 'the meta holds group 0002 only');
    assert.equal(dump.meta.find((a) => a.tag === '(0002,0010)')?.value, '1.2.840.10008.1.2.1');
    const version = dump.meta.find((a) => a.tag === '(0002,0001)')!;
    assert.equal(version.summary, '2 bytes: 00 01');
    const name = dump.dataset.find((a) => a.keyword === 'PatientName')!;
    assert.deepEqual([name.tag, name.vr, name.vm, name.length, name.value], ['(0010,0010)', 'PN', 1, 10, 'DOE,JOHN,Q']);
    const empty = dump.dataset.find((a) => a.keyword === 'StudyDescription')!;
    assert.deepEqual([empty.vm, empty.length, empty.value], [0, 0, '']);
    const rows = dump.dataset.find((a) => a.keyword === 'Rows')!;
    assert.equal(rows.value, '2');
  });

  it('shows sequences as items of attributes, with the SEQ path a rule would use', () => {
    const dump = dumpOf(fs.readFileSync(path.join(samples, 'ct-outside.dcm')));
    const seq = dump.dataset.find((a) => a.keyword === 'RequestAttributesSequence')!;
    assert.equal(seq.vr, 'SQ');
    assert.equal(seq.items?.length, 1);
    assert.deepEqual(seq.items![0].map((a) => [a.path, a.keyword, a.value]), [
      ['SEQ(0040,0275,0,0040,0009)', 'ScheduledProcedureStepID', 'SPS1'],
      ['SEQ(0040,0275,0,0040,1001)', 'RequestedProcedureID', 'RP77'],
    ]);
  });

  it('summarises pixel data (size, matrix, frames) and never puts its bytes in the tree', () => {
    const dump = dumpOf(fs.readFileSync(path.join(samples, 'ct-outside.dcm')));
    const pixels = dump.dataset.find((a) => a.tag === '(7FE0,0010)')!;
    assert.equal(pixels.value, undefined);
    assert.equal(pixels.summary, '8 bytes, 2×2, 1 frame, 16 bits allocated; not shown');
  });

  it('names the creator of private data elements and keeps private tags without a keyword', () => {
    const bytes = part10([
      { tag: 0x00100010, vr: 'PN', value: 'DOE^JANE' },
      { tag: 0x00290010, vr: 'LO', value: 'ACME 1.0' },
      { tag: 0x00290011, vr: 'LO', value: 'OTHER CO' },
      { tag: 0x00291008, vr: 'CS', value: 'FAST' },
      { tag: 0x00291101, vr: 'LO', value: 'x' },
    ]);
    const dump = dumpOf(bytes);
    const rows = dump.dataset.filter((a) => a.group === 0x0029).map((a) => [a.tag, a.keyword, a.privateCreator ?? null, a.value]);
    assert.deepEqual(rows, [
      ['(0029,0010)', 'PrivateCreator', null, 'ACME 1.0'],
      ['(0029,0011)', 'PrivateCreator', null, 'OTHER CO'],
      ['(0029,1008)', '', 'ACME 1.0', 'FAST'],
      ['(0029,1101)', '', 'OTHER CO', 'x'],
    ]);
  });

  it('counts the fragments of encapsulated pixel data without reading them', () => {
    const item = (length: number) => {
      const h = Buffer.alloc(8);
      h.writeUInt32LE(0xe000fffe, 0);
      h.writeUInt32LE(length, 4);
      return Buffer.concat([h, Buffer.alloc(length, 0xab)]);
    };
    const end = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    const bytes = part10(
      [
        { tag: 0x00280008, vr: 'IS', value: '2' },
        { tag: 0x7fe00010, vr: 'OB', value: Buffer.concat([item(0), item(100), item(60), end]), length: 0xffffffff },
      ],
      '1.2.840.10008.1.2.4.50',
    );
    const pixels = dumpOf(bytes).dataset.find((a) => a.tag === '(7FE0,0010)')!;
    assert.equal(pixels.length, undefined);
    assert.equal(pixels.summary, 'encapsulated, 2 fragments, 160 bytes, 2 frames; not shown');
  });

  it('reads DICOM JSON the same way (no meta, no lengths)', () => {
    const dump = dumpOf(fs.readFileSync(path.join(samples, 'mr-research.json')));
    assert.equal(dump.format, 'json');
    assert.deepEqual(dump.meta, []);
    const name = dump.dataset.find((a) => a.keyword === 'PatientName')!;
    assert.deepEqual([name.vr, name.value, name.length], ['PN', 'JANE^SMITH', undefined]);
  });

  it('writes one attribute a line in tag order, values quoted so whitespace shows', () => {
    const bytes = part10([
      { tag: 0x00080050, vr: 'SH', value: 'A1 ' },
      { tag: 0x00100010, vr: 'PN', value: 'DOE^' },
      { tag: 0x00321060, vr: 'LO', value: 'two\nlines' },
      { tag: 0x00400275, vr: 'SQ', value: [[{ tag: 0x00401001, vr: 'SH', value: 'RP1' }]] },
    ]);
    const dump = dumpOf(bytes);
    assert.deepEqual(dumpLines(dump.dataset), [
      '(0008,0050) SH AccessionNumber "A1"',
      '(0010,0010) PN PatientName "DOE^"',
      '(0032,1060) LO RequestedProcedureDescription "two\\nlines"',
      '(0040,0275) SQ RequestAttributesSequence 1 item',
      'SEQ(0040,0275,0,0040,1001) SH RequestedProcedureID "RP1"',
    ]);
    assert.equal(flattenDump(dump.dataset).length, 5);
  });
});
