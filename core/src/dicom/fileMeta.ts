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

/** The preamble, "DICM" and file meta information (group 0002) for a received data set. */
export function buildFileMeta(m: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; implementationClassUid: string; implementationVersion?: string; sourceAe?: string }): Buffer {
  const el = (element: number, vr: string, value: Buffer): Buffer => {
    const long = LONG_VRS.has(vr);
    const h = Buffer.alloc(long ? 12 : 8);
    h.writeUInt16LE(0x0002, 0);
    h.writeUInt16LE(element, 2);
    h.write(vr, 4, 'latin1');
    if (long) h.writeUInt32LE(value.length, 8);
    else h.writeUInt16LE(value.length, 6);
    return Buffer.concat([h, value]);
  };
  const text = (s: string, pad: number) => {
    const b = Buffer.from(s, 'latin1');
    return b.length % 2 ? Buffer.concat([b, Buffer.from([pad])]) : b;
  };
  const body = Buffer.concat([
    el(0x0001, 'OB', Buffer.from([0, 1])),
    el(0x0002, 'UI', text(m.sopClassUid, 0)),
    el(0x0003, 'UI', text(m.sopInstanceUid, 0)),
    el(0x0010, 'UI', text(m.transferSyntaxUid, 0)),
    el(0x0012, 'UI', text(m.implementationClassUid, 0)),
    ...(m.implementationVersion ? [el(0x0013, 'SH', text(m.implementationVersion.slice(0, 16), 0x20))] : []),
    ...(m.sourceAe ? [el(0x0016, 'AE', text(m.sourceAe.slice(0, 16), 0x20))] : []),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length, 0);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), el(0x0000, 'UL', groupLength), body]);
}
