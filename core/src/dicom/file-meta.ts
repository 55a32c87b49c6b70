/**
 * The file meta information of a Part 10 file (group 0002, always Explicit VR Little Endian):
 * what a sender needs to put the data set on the wire as it is, without walking the data set.
 */
import { DicomParseError, LONG_VRS } from './part10';

export interface FileMeta {
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** Offset of the data set (the bytes to send), just after the meta information. */
  datasetStart: number;
}

export function readFileMeta(bytes: Uint8Array): FileMeta {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 132 || b.toString('latin1', 128, 132) !== 'DICM') throw new DicomParseError('not a DICOM Part 10 file (no "DICM" prefix)', 128);
  let p = 132;
  const found: Record<number, string> = {};
  while (p + 8 <= b.length && b.readUInt16LE(p) === 0x0002) {
    const element = b.readUInt16LE(p + 2);
    const vr = b.toString('latin1', p + 4, p + 6);
    let length: number;
    let value: number;
    if (LONG_VRS.has(vr)) {
      if (p + 12 > b.length) break;
      length = b.readUInt32LE(p + 8);
      value = p + 12;
    } else {
      length = b.readUInt16LE(p + 6);
      value = p + 8;
    }
    if (length === 0xffffffff || value + length > b.length) throw new DicomParseError('file meta element runs past the end of the file', p, `(0002,${element.toString(16).padStart(4, '0')})`);
    if (element === 0x0002 || element === 0x0003 || element === 0x0010) found[element] = b.toString('latin1', value, value + length).replace(/[\0 ]+$/, '');
    p = value + length;
  }
  const missing = [[0x0002, 'Media Storage SOP Class UID'], [0x0003, 'Media Storage SOP Instance UID'], [0x0010, 'Transfer Syntax UID']]
    .filter(([e]) => !found[e as number]).map(([e, n]) => `${n} (0002,${(e as number).toString(16).padStart(4, '0')})`);
  if (missing.length) throw new DicomParseError(`file meta information lacks ${missing.join(', ')}`, p);
  return { sopClassUid: found[0x0002], sopInstanceUid: found[0x0003], transferSyntaxUid: found[0x0010], datasetStart: p };
}
