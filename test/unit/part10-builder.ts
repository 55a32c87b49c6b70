/**
 * Builds small Little Endian Part 10 files (explicit or implicit VR) byte by byte, for tests that need what
 * the example samples do not have (private blocks, encapsulated pixel data, a huge pixel data
 * element). Only what the tests use: short and long VR headers, sequences of defined length.
 */
const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

export interface BuiltElement {
  tag: number;
  vr: string;
  /** Text (padded to even length), raw bytes, or sequence items. */
  value: string | Uint8Array | BuiltElement[][];
  /** Write this length instead of the value's (undefined length: 0xffffffff). */
  length?: number;
}

function header(tag: number, vr: string, length: number, implicit: boolean): Buffer {
  if (implicit) {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(tag >>> 16, 0);
    b.writeUInt16LE(tag & 0xffff, 2);
    b.writeUInt32LE(length >>> 0, 4);
    return b;
  }
  const long = LONG.has(vr);
  const b = Buffer.alloc(long ? 12 : 8);
  b.writeUInt16LE(tag >>> 16, 0);
  b.writeUInt16LE(tag & 0xffff, 2);
  b.write(vr, 4, 'latin1');
  if (long) b.writeUInt32LE(length >>> 0, 8);
  else b.writeUInt16LE(length, 6);
  return b;
}

export function encodeElements(elements: BuiltElement[], implicit = false): Buffer {
  const parts: Buffer[] = [];
  for (const e of elements) {
    let value: Buffer;
    if (Array.isArray(e.value)) {
      value = Buffer.concat(
        e.value.map((item) => {
          const body = encodeElements(item, implicit);
          const h = Buffer.alloc(8);
          h.writeUInt32LE(0xe000fffe, 0);
          h.writeUInt32LE(body.length, 4);
          return Buffer.concat([h, body]);
        }),
      );
    } else if (typeof e.value === 'string') {
      value = Buffer.from(e.value.length % 2 ? `${e.value}${e.vr === 'UI' ? '\0' : ' '}` : e.value, 'latin1');
    } else {
      value = Buffer.from(e.value);
    }
    parts.push(header(e.tag, e.vr, e.length ?? value.length, implicit), value);
  }
  return Buffer.concat(parts);
}

/** Preamble, DICM, file meta and `elements` (implicit VR for 1.2.840.10008.1.2, else explicit VR LE). */
export function part10(elements: BuiltElement[], transferSyntax = '1.2.840.10008.1.2.1'): Buffer {
  const meta = encodeElements([
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.of(0, 1) },
    { tag: 0x00020002, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00020003, vr: 'UI', value: '1.2.3.4' },
    { tag: 0x00020010, vr: 'UI', value: transferSyntax },
  ]);
  const groupLength = encodeElements([{ tag: 0x00020000, vr: 'UL', value: Buffer.from(Uint32Array.of(meta.length).buffer) }]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, meta, encodeElements(elements, transferSyntax === '1.2.840.10008.1.2')]);
}
