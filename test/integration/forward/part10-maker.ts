/**
 * Small, valid Part 10 files written in a few microseconds (Explicit VR Little Endian), for the
 * forward tests that need thousands of distinct objects. DCMTK reads them (dcmftest passes).
 */
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/** One Explicit VR Little Endian element (the long header for OB, OW, SQ, UN, UT, UC, UR). */
export function element(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT', 'UC', 'UR'].includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** A string value padded to even length (`\0` for UIs, space for the rest). */
export function text(s: string, pad = ' '): Buffer {
  return Buffer.from(s.length % 2 ? s + pad : s, 'latin1');
}

/** A US value. */
export function us(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

export interface MadeObject {
  sopClassUid?: string;
  sopInstanceUid: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  patientName?: string;
  patientId?: string;
  accessionNumber?: string;
  /** Transfer syntax named in the meta (the data set is always written Explicit VR LE). */
  transferSyntaxUid?: string;
  /** Bytes of pixel-like payload (OB), to make the object bigger. */
  payloadBytes?: number;
}

export function makePart10(o: MadeObject): Buffer {
  const sopClass = o.sopClassUid ?? SECONDARY_CAPTURE;
  const ds = Buffer.concat([
    element(0x0008, 0x0016, 'UI', text(sopClass, '\0')),
    element(0x0008, 0x0018, 'UI', text(o.sopInstanceUid, '\0')),
    element(0x0008, 0x0050, 'SH', text(o.accessionNumber ?? 'ACC1')),
    element(0x0008, 0x0060, 'CS', text(sopClass === CT_IMAGE ? 'CT' : 'OT')),
    ...(o.payloadBytes ? [element(0x0009, 0x0010, 'LO', text('PACSW TEST')), element(0x0009, 0x1000, 'OB', Buffer.alloc(o.payloadBytes + (o.payloadBytes % 2), 0x5a))] : []),
    element(0x0010, 0x0010, 'PN', text(o.patientName ?? 'TEST^FORWARD')),
    element(0x0010, 0x0020, 'LO', text(o.patientId ?? 'PID1')),
    element(0x0020, 0x000d, 'UI', text(o.studyInstanceUid ?? '1.2.826.0.1.3680043.10.1.1', '\0')),
    element(0x0020, 0x000e, 'UI', text(o.seriesInstanceUid ?? '1.2.826.0.1.3680043.10.1.1.1', '\0')),
  ]);
  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', text(sopClass, '\0')),
    element(0x0002, 0x0003, 'UI', text(o.sopInstanceUid, '\0')),
    element(0x0002, 0x0010, 'UI', text(o.transferSyntaxUid ?? EXPLICIT_LE, '\0')),
    element(0x0002, 0x0012, 'UI', text('1.2.826.0.1.3680043.10.1', '\0')),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length, 0);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), element(0x0002, 0x0000, 'UL', groupLength), metaBody, ds]);
}

/** A UID unique to this run: root.pid.time.counter. */
let n = 0;
export function uniqueUid(prefix = '1.2.826.0.1.3680043.10.9'): string {
  return `${prefix}.${process.pid}.${Date.now()}.${++n}`;
}
