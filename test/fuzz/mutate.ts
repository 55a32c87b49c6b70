/**
 * Mutators of the fuzzer (docs/fuzzing.md): each takes a seed input (and the corpus, for
 * splices) and returns a new one. Text mutators know lines and the languages' tokens; binary
 * mutators know DICOM elements (tag, VR, length) and PDUs (type, length, items, PDVs).
 * A mutated input is capped (MAX_TEXT, MAX_BINARY) so that one input never costs more memory
 * than the target is asked to bound.
 */
import type { Random } from './random';

export const MAX_TEXT = 512 * 1024;
export const MAX_BINARY = 4 * 1024 * 1024;

/** Pieces of the three text languages, inserted whole by the token-aware mutators. */
const TOKENS = [
  '(', ')', ',', '=', '"', '\\', '#', '$(', '$(@PROCESS)', 'SEQ(', 'USER(', 'concat(', 'if(', 'NULL()', '(0010,0010)',
  '(0008,0050)', '{', '}', '{\n', '}\n', 'server S {', 'device D {', 'category C {', 'services {', 'limits {', 'rules "',
  'rules self {', 'ae "', 'host ', 'tcp-port ', '104', '-1', '99999999999999999999', 'yes', 'no', '*', 'store U',
  'deploy folder "', 'deploy orthanc "http://', '../', '/dev/zero', 'input', 'expect', 'rules', '---', ':', '"""',
  '0x', '1.2.840.10008', '\t', ' ',
];

/** Characters that tend to break text handling: NUL, BOM, bidi override, lone surrogates, line separators. */
const ODD_TEXT = [
  '\u0000', '\uFEFF', '\u202E', '\uD800', '\uDFFF', '\u{1F600}', '\r', '\r\n', '\u2028', '\u0301\u0301\u0301', '\u00A0',
  '\uFFFD', '\u0085', '\x1b[31m', '\u{10FFFF}', 'é', '\u3000',
];

const INTERESTING_16 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

const VRS = ['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN',
  'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV'];
const VR_SET = new Set(VRS);
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

const TRANSFER_SYNTAXES = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.4.50', '1.2.3', ''];

export type Mutator<T> = (input: T, rnd: Random, corpus: readonly T[]) => T;

// ------------------------------------------------------------------ text

function lines(text: string): string[] {
  return text.split('\n');
}

const atRandomPlace = (text: string, rnd: Random, insert: string): string => {
  const at = rnd.int(text.length + 1);
  return text.slice(0, at) + insert + text.slice(at);
};

export const TEXT_MUTATORS: Record<string, Mutator<string>> = {
  'char-flip': (t, rnd) => {
    if (!t) return String.fromCharCode(rnd.int(128));
    const chars = [...t];
    for (let n = rnd.size(8); n > 0; n--) chars[rnd.int(chars.length)] = String.fromCharCode(rnd.int(rnd.chance(0.8) ? 128 : 0x10000));
    return chars.join('');
  },
  'delete-span': (t, rnd) => {
    const at = rnd.int(t.length);
    return t.slice(0, at) + t.slice(at + rnd.size(64));
  },
  'token-insert': (t, rnd) => atRandomPlace(t, rnd, rnd.pick(TOKENS)),
  'odd-unicode': (t, rnd) => atRandomPlace(t, rnd, rnd.pick(ODD_TEXT).repeat(rnd.size(4))),
  'line-duplicate': (t, rnd) => {
    const ls = lines(t);
    const i = rnd.int(ls.length);
    ls.splice(i, 0, ...Array<string>(rnd.size(2000)).fill(ls[i]));
    return ls.join('\n');
  },
  'line-delete': (t, rnd) => {
    const ls = lines(t);
    ls.splice(rnd.int(ls.length), rnd.size(5));
    return ls.join('\n');
  },
  'line-swap': (t, rnd) => {
    const ls = lines(t);
    const [a, b] = [rnd.int(ls.length), rnd.int(ls.length)];
    [ls[a], ls[b]] = [ls[b], ls[a]];
    return ls.join('\n');
  },
  'deep-nesting': (t, rnd) => {
    const depth = rnd.size(20_000);
    const open = rnd.pick(['concat(', 'if(', '(', '$(', 'SEQ(', 'services {\n', 'device D {\n', '{', 'rules self {\n']);
    const close = open.endsWith('{\n') ? '}\n' : open === '{' ? '}' : ')';
    return atRandomPlace(t, rnd, open.repeat(depth) + (rnd.chance(0.5) ? close.repeat(depth) : ''));
  },
  'huge-line': (t, rnd) => {
    const ls = lines(t);
    const i = rnd.int(ls.length);
    const piece = ls[i] || rnd.pick(TOKENS);
    ls[i] = piece.repeat(Math.ceil(rnd.size(200_000) / Math.max(1, piece.length)));
    return ls.join('\n');
  },
  'long-value': (t, rnd) => atRandomPlace(t, rnd, `"${rnd.pick(['A', 'é', '\\"', ' ', '^'])
    .repeat(rnd.size(100_000))}"`),
  splice: (t, rnd, corpus) => {
    const other = rnd.pick(corpus);
    return t.slice(0, rnd.int(t.length + 1)) + other.slice(rnd.int(other.length + 1));
  },
  'line-splice': (t, rnd, corpus) => {
    const ls = lines(t);
    const other = lines(rnd.pick(corpus));
    ls.splice(rnd.int(ls.length + 1), 0, ...other.slice(rnd.int(other.length)));
    return ls.join('\n');
  },
};

// ------------------------------------------------------------------ bytes

function setU32(b: Buffer, at: number, value: number, bigEndian: boolean): void {
  if (at + 4 > b.length) return;
  if (bigEndian) b.writeUInt32BE(value >>> 0, at);
  else b.writeUInt32LE(value >>> 0, at);
}

function setU16(b: Buffer, at: number, value: number, bigEndian: boolean): void {
  if (at + 2 > b.length) return;
  if (bigEndian) b.writeUInt16BE(value & 0xffff, at);
  else b.writeUInt16LE(value & 0xffff, at);
}

/** A length a decoder might mishandle, given the real one. */
function oddLength(rnd: Random, real: number, bits: 16 | 32): number {
  const pool = bits === 16 ? INTERESTING_16 : INTERESTING_32;
  return rnd.chance(0.5) ? rnd.pick(pool) : real + rnd.pick([-2, -1, 1, 2, 1000, -1000]);
}

export const BYTE_MUTATORS: Record<string, Mutator<Buffer>> = {
  'bit-flip': (b, rnd) => {
    const out = Buffer.from(b);
    for (let n = rnd.size(16); n > 0 && out.length; n--) out[rnd.int(out.length)] ^= 1 << rnd.int(8);
    return out;
  },
  'byte-set': (b, rnd) => {
    const out = Buffer.from(b);
    for (let n = rnd.size(8); n > 0 && out.length; n--) out[rnd.int(out.length)] = rnd.pick([0, 0xff, 0x7f, 0x80, 0x20, 0x5c]);
    return out;
  },
  'u32-set': (b, rnd) => {
    const out = Buffer.from(b);
    setU32(out, rnd.int(out.length), rnd.pick(INTERESTING_32), rnd.chance(0.5));
    return out;
  },
  truncate: (b, rnd) => b.subarray(0, rnd.int(b.length)),
  'chunk-duplicate': (b, rnd) => {
    const at = rnd.int(b.length);
    const chunk = b.subarray(at, at + rnd.size(4096));
    return Buffer.concat([b.subarray(0, at), ...Array<Buffer>(rnd.size(16)).fill(chunk), b.subarray(at)]);
  },
  'chunk-delete': (b, rnd) => {
    const at = rnd.int(b.length);
    return Buffer.concat([b.subarray(0, at), b.subarray(at + rnd.size(4096))]);
  },
  splice: (b, rnd, corpus) => {
    const other = rnd.pick(corpus);
    return Buffer.concat([b.subarray(0, rnd.int(b.length + 1)), other.subarray(rnd.int(other.length + 1))]);
  },
};

// ------------------------------------------------------------------ DICOM

/** Offsets of what look like explicit-VR element headers (tag, then a known two-letter VR). */
function explicitHeaders(b: Buffer): number[] {
  const found: number[] = [];
  for (let i = 4; i + 4 <= b.length && found.length < 20_000; i++) {
    const a = b[i];
    const c = b[i + 1];
    if (a >= 0x41 && a <= 0x5a && c >= 0x41 && c <= 0x5a && VR_SET.has(String.fromCharCode(a, c))) found.push(i - 4);
  }
  return found;
}

/** The byte order of the element at `at`, guessed: little endian unless the group reads as big-endian 0002/0008-ish. */
const bigEndianAt = (b: Buffer, at: number): boolean => b.readUInt16LE(at) > 0x7fe0 && b.readUInt16BE(at) <= 0x7fe0;

/** A copy of `b` that `change` alters at one of `offsets` (picked first, so a seed gives the same inputs); `b` itself when there are none. */
function changeAtOneOf(b: Buffer, offsets: number[], rnd: Random, change: (out: Buffer, at: number) => void): Buffer {
  if (!offsets.length) return b;
  const out = Buffer.from(b);
  change(out, rnd.pick(offsets));
  return out;
}

export const DICOM_MUTATORS: Record<string, Mutator<Buffer>> = {
  'vr-change': (b, rnd) => {
    const heads = explicitHeaders(b);
    if (!heads.length) return b;
    const out = Buffer.from(b);
    out.write(rnd.pick(VRS), rnd.pick(heads) + 4, 'latin1');
    return out;
  },
  'length-change': (b, rnd) => changeAtOneOf(b, explicitHeaders(b), rnd, (out, at) => {
    const be = bigEndianAt(out, at);
    const vr = out.toString('latin1', at + 4, at + 6);
    if (LONG_VRS.has(vr)) setU32(out, at + 8, oddLength(rnd, be ? out.readUInt32BE(at + 8) : out.readUInt32LE(at + 8), 32), be);
    else if (at + 8 <= out.length) setU16(out, at + 6, oddLength(rnd, be ? out.readUInt16BE(at + 6) : out.readUInt16LE(at + 6), 16), be);
  }),
  'undefined-length': (b, rnd) => {
    const heads = explicitHeaders(b).filter((at) => LONG_VRS.has(b.toString('latin1', at + 4, at + 6)));
    return changeAtOneOf(b, heads, rnd, (out, at) => setU32(out, at + 8, 0xffffffff, false));
  },
  'delimiter-insert': (b, rnd) => {
    // Item (FFFE,E000), item delimiter (FFFE,E00D) or sequence delimiter (FFFE,E0DD), little endian.
    const element = rnd.pick([0xe000, 0xe00d, 0xe0dd]);
    const d = Buffer.alloc(8);
    d.writeUInt16LE(0xfffe, 0);
    d.writeUInt16LE(element, 2);
    d.writeUInt32LE(rnd.pick([0, 0xffffffff, 8, 0x7fffffff]), 4);
    const heads = explicitHeaders(b);
    const at = heads.length ? rnd.pick(heads) : rnd.int(b.length + 1);
    return Buffer.concat([b.subarray(0, at), ...Array<Buffer>(rnd.size(64)).fill(d), b.subarray(at)]);
  },
  'element-duplicate': (b, rnd) => {
    const heads = explicitHeaders(b);
    if (heads.length < 2) return b;
    const i = rnd.int(heads.length - 1);
    const piece = b.subarray(heads[i], heads[i + 1]);
    return Buffer.concat([b.subarray(0, heads[i + 1]), ...Array<Buffer>(rnd.size(200)).fill(piece), b.subarray(heads[i + 1])]);
  },
  'transfer-syntax': (b, rnd) => {
    // The meta header's (0002,0010): replace its UID in place, keeping or breaking the length.
    const at = b.indexOf(Buffer.from([0x02, 0x00, 0x10, 0x00]));
    if (at < 0 || at + 8 > b.length) return b;
    const len = b.readUInt16LE(at + 6);
    const uid = rnd.pick(TRANSFER_SYNTAXES);
    const value = Buffer.alloc(uid.length + (uid.length % 2), 0);
    value.write(uid, 'latin1');
    const header = Buffer.from(b.subarray(at, at + 8));
    if (rnd.chance(0.8)) header.writeUInt16LE(value.length, 6);
    return Buffer.concat([b.subarray(0, at), header, value, b.subarray(at + 8 + len)]);
  },
  'no-preamble': (b) => (b.length > 132 && b.toString('latin1', 128, 132) === 'DICM' ? b.subarray(132) : b),
};

// ------------------------------------------------------------------ PDU streams

/** Offsets of the PDUs of a stream (type byte, reserved, 32-bit big-endian length). */
function pduOffsets(b: Buffer): number[] {
  const found: number[] = [];
  for (let at = 0; at + 6 <= b.length && found.length < 10_000; ) {
    found.push(at);
    at += 6 + b.readUInt32BE(at + 2);
  }
  return found;
}

export const PDU_MUTATORS: Record<string, Mutator<Buffer>> = {
  'pdu-type': (b, rnd) => changeAtOneOf(b, pduOffsets(b), rnd, (out, at) => {
    out[at] = rnd.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 0xff]);
  }),
  'pdu-length': (b, rnd) => changeAtOneOf(b, pduOffsets(b), rnd, (out, at) => setU32(out, at + 2, oddLength(rnd, out.readUInt32BE(at + 2), 32), true)),
  // A-ASSOCIATE items and sub-items: type, reserved, 16-bit length; PDVs: 32-bit length.
  'item-length': (b, rnd) => changeAtOneOf(b, pduOffsets(b), rnd, (out, at) => {
    const body = at + 6;
    if (out[at] === 4) setU32(out, body, oddLength(rnd, out.readUInt32BE(body), 32), true);
    else setU16(out, body + 68 + 2 + rnd.int(Math.max(1, Math.min(200, out.readUInt32BE(at + 2) - 70))), rnd.pick(INTERESTING_16), true);
  }),
  'pdu-repeat': (b, rnd) => {
    const pdus = pduOffsets(b);
    if (!pdus.length) return b;
    const i = rnd.int(pdus.length);
    const piece = b.subarray(pdus[i], pdus[i + 1] ?? b.length);
    return Buffer.concat([b.subarray(0, pdus[i]), ...Array<Buffer>(rnd.size(50)).fill(piece), b.subarray(pdus[i])]);
  },
  'pdu-drop': (b, rnd) => {
    const pdus = pduOffsets(b);
    if (pdus.length < 2) return b;
    const i = rnd.int(pdus.length);
    return Buffer.concat([b.subarray(0, pdus[i]), b.subarray(pdus[i + 1] ?? b.length)]);
  },
};

/** Applies 1-4 mutations picked from `mutators`; the names say what was done, for the report. */
export function mutate<T extends string | Buffer>(
  seed: T, rnd: Random, corpus: readonly T[], mutators: Record<string, Mutator<T>>, cap: number,
): { input: T; applied: string[] } {
  const names = Object.keys(mutators);
  let input = seed;
  const applied: string[] = [];
  for (let n = 1 + rnd.int(4); n > 0; n--) {
    const name = rnd.pick(names);
    try {
      input = mutators[name](input, rnd, corpus);
    } catch {
      // A mutator read past a cut-off structure (a length field at the very end): skip it.
      continue;
    }
    applied.push(name);
    if (input.length > cap) input = input.slice(0, cap) as T;
  }
  return { input, applied };
}
