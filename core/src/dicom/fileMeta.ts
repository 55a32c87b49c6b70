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

export interface FileMetaFields {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  implementationClassUid: string;
  implementationVersion?: string;
  sourceAe?: string;
}

type MetaElement = [element: number, vr: string, value: string, pad: number];

/** The group 0002 elements after the group length, in order: [element, VR, value, padding byte]. */
function metaElements(m: FileMetaFields): MetaElement[] {
  const els: MetaElement[] = [
    [0x0002, 'UI', m.sopClassUid, 0],
    [0x0003, 'UI', m.sopInstanceUid, 0],
    [0x0010, 'UI', m.transferSyntaxUid, 0],
    [0x0012, 'UI', m.implementationClassUid, 0],
  ];
  if (m.implementationVersion) els.push([0x0013, 'SH', m.implementationVersion.slice(0, 16), 0x20]);
  if (m.sourceAe) els.push([0x0016, 'AE', m.sourceAe.slice(0, 16), 0x20]);
  return els;
}

const even = (n: number): number => n + (n & 1);
/** (0002,0000) UL group length: 8 + 4 bytes; (0002,0001) OB version: 12 + 2 bytes. */
const FIXED = 128 + 4 + 12 + 14;

/** Byte length of what buildFileMeta / writeFileMeta produce for `m`. */
export function fileMetaLength(m: FileMetaFields): number {
  return metaElements(m).reduce((n, [, , v]) => n + 8 + even(Buffer.byteLength(v, 'latin1')), FIXED);
}

/**
 * Writes the preamble, "DICM" and file meta information (group 0002) for a received data set
 * into `out` at `at`; returns the byte length (fileMetaLength). One pass, no intermediate Buffers:
 * the receiving node does this for every object.
 */
export function writeFileMeta(m: FileMetaFields, out: Buffer, at = 0): number {
  const els = metaElements(m);
  out.fill(0, at, at + 128);
  out.write('DICM', at + 128, 'latin1');
  let p = at + 132;
  const header = (element: number, vr: string, length: number): void => {
    out.writeUInt16LE(0x0002, p);
    out.writeUInt16LE(element, p + 2);
    out.write(vr, p + 4, 'latin1');
    if (LONG_VRS.has(vr)) {
      out.writeUInt16LE(0, p + 6);
      out.writeUInt32LE(length, p + 8);
      p += 12;
    } else {
      out.writeUInt16LE(length, p + 6);
      p += 8;
    }
  };
  const groupLengthAt = p + 8;
  header(0x0000, 'UL', 4);
  p += 4;
  const bodyStart = p;
  header(0x0001, 'OB', 2);
  out[p++] = 0;
  out[p++] = 1;
  for (const [element, vr, value, pad] of els) {
    const n = Buffer.byteLength(value, 'latin1');
    header(element, vr, even(n));
    p += out.write(value, p, 'latin1');
    if (n & 1) out[p++] = pad;
  }
  out.writeUInt32LE(p - bodyStart, groupLengthAt);
  return p - at;
}

/** The preamble, "DICM" and file meta information (group 0002) for a received data set. */
export function buildFileMeta(m: FileMetaFields): Buffer {
  const out = Buffer.allocUnsafe(fileMetaLength(m));
  writeFileMeta(m, out);
  return out;
}
