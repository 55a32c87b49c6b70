/** The data set encoding guessed from its first element, as DCMTK's DcmItem::checkTransferSyntax does (issue 10). */
import * as assert from 'node:assert/strict';
import { detectSyntax, TS_EXPLICIT_BE, TS_EXPLICIT_LE, TS_IMPLICIT_LE } from '../../core/src/dicom/part10';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe('detectSyntax (dcmdata checkTransferSyntax)', () => {
  it('a known tag in little endian with a VR: explicit VR little endian', () => {
    const d = detectSyntax(bytes(0x08, 0x00, 0x50, 0x00, ...ascii('SH'), 2, 0), 0);
    assert.deepEqual([d.transferSyntax, d.confident, d.firstTag], [TS_EXPLICIT_LE, true, 0x00080050]);
  });
  it('a known tag in big endian with a VR: explicit VR big endian', () => {
    const d = detectSyntax(bytes(0x00, 0x08, 0x00, 0x50, ...ascii('SH'), 0, 2), 0);
    assert.deepEqual([d.transferSyntax, d.confident, d.firstTag], [TS_EXPLICIT_BE, true, 0x00080050]);
  });
  it('no VR after the tag: implicit VR little endian', () => {
    const d = detectSyntax(bytes(0x08, 0x00, 0x50, 0x00, 2, 0, 0, 0), 0);
    assert.equal(d.transferSyntax, TS_IMPLICIT_LE);
  });
  it('a group length reads as one in both byte orders: group 0008 wins over 0800', () => {
    assert.equal(detectSyntax(bytes(0x08, 0x00, 0x00, 0x00, ...ascii('UL'), 4, 0), 0).transferSyntax, TS_EXPLICIT_LE);
    assert.equal(detectSyntax(bytes(0x00, 0x08, 0x00, 0x00, ...ascii('UL'), 0, 4), 0).transferSyntax, TS_EXPLICIT_BE);
  });
  it('a tag known in neither byte order is no clue: little endian by default, not confident', () => {
    const d = detectSyntax(bytes(0x08, 0x00, 0x01, 0xee, ...ascii('LO'), 2, 0), 0);
    assert.deepEqual([d.transferSyntax, d.confident], [TS_EXPLICIT_LE, false]);
  });
  it('reads at the given offset, and fewer than 6 bytes are no clue', () => {
    assert.equal(detectSyntax(bytes(0xff, 0xff, 0x00, 0x08, 0x00, 0x50, ...ascii('SH')), 2).transferSyntax, TS_EXPLICIT_BE);
    assert.equal(detectSyntax(bytes(0x08, 0x00, 0x50), 0).confident, false);
  });
});
