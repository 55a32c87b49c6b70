/**
 * Text encoding of string values by Specific Character Set (0008,0005), PS3.3 C.12.1.1.2.
 *
 * Reading is best effort (a rule must see the value even in an exotic character set). Writing
 * is strict: a value that the file's character set cannot represent is refused, never silently
 * re-encoded, because changing the character set would change every other value's meaning.
 */

/** VRs whose repertoire is the default character set only (PS3.5 6.1.2.3). */
const ASCII_ONLY_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'TM', 'UI', 'UR']);

/** Single-byte sets and the WHATWG decoder label that matches them byte for byte. ISO_IR 100 is
 *  handled by Node's own Latin-1, because WHATWG maps "latin1" to windows-1252. */
const SINGLE_BYTE: Record<string, string> = {
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'windows-874',
};

export interface Charset {
  /** The (0008,0005) value as written, '' when absent. */
  readonly name: string;
  decode(bytes: Uint8Array, vr: string): string;
  /** Encoded bytes, or a reason why the value cannot be written in this character set. */
  encode(value: string, vr: string): Uint8Array | { refused: string };
}

const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

/** The same bytes as a Buffer, without copying them (Buffer.from(bytes) would copy). */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const latin1 = (b: Uint8Array): string => bufferOf(b).toString('latin1');

function bytesAreAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] > 0x7f) return false;
  return true;
}

const encoders = new Map<string, Map<string, number>>();

/** Reverse table of a single-byte decoder, built once per character set. */
function singleByteEncoder(label: string): Map<string, number> {
  let table = encoders.get(label);
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder(label);
    for (let b = 0x80; b <= 0xff; b++) {
      const ch = decoder.decode(Uint8Array.of(b));
      if (ch !== '\ufffd' && !table.has(ch)) table.set(ch, b);
    }
    encoders.set(label, table);
  }
  return table;
}

function latin1Bytes(value: string): Uint8Array | undefined {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return undefined;
  return Buffer.from(value, 'latin1');
}

/** The character set named by a (0008,0005) value (possibly multi-valued, e.g. ISO 2022). */
export function charsetFor(specificCharacterSet: string | null): Charset {
  const name = (specificCharacterSet ?? '').trim();
  const terms = name.split('\\').map((t) => t.trim());
  const first = terms[0] ?? '';
  const describe = name === '' ? 'no Specific Character Set (0008,0005), i.e. ASCII only' : `Specific Character Set "${name}"`;

  let decodeText: (b: Uint8Array) => string;
  let encodeText: (v: string) => Uint8Array | undefined;
  if (terms.length === 1 && (first === '' || first === 'ISO_IR 6')) {
    decodeText = latin1;
    encodeText = () => undefined;
  } else if (terms.length === 1 && first === 'ISO_IR 100') {
    decodeText = latin1;
    encodeText = latin1Bytes;
  } else if (terms.length === 1 && (first === 'ISO_IR 192')) {
    decodeText = (b) => bufferOf(b).toString('utf8');
    encodeText = (v) => Buffer.from(v, 'utf8');
  } else if (terms.length === 1 && first === 'GB18030') {
    decodeText = (b) => new TextDecoder('gb18030').decode(b);
    encodeText = () => undefined;
  } else if (terms.length === 1 && SINGLE_BYTE[first]) {
    const label = SINGLE_BYTE[first];
    decodeText = (b) => new TextDecoder(label).decode(b);
    encodeText = (v) => {
      const table = singleByteEncoder(label);
      const out = new Uint8Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        const byte = c < 0x80 ? c : table.get(v[i]);
        if (byte === undefined) return undefined;
        out[i] = byte;
      }
      return out;
    };
  } else {
    // ISO 2022 code extensions and anything unknown: read as Latin-1 so ASCII parts stay
    // readable; only pure ASCII can be written without knowing the escape state.
    decodeText = latin1;
    encodeText = () => undefined;
  }

  return {
    name,
    decode(bytes, vr) {
      if (ASCII_ONLY_VRS.has(vr) || bytesAreAscii(bytes)) return latin1(bytes);
      return decodeText(bytes);
    },
    encode(value, vr) {
      if (isAscii(value)) return Buffer.from(value, 'latin1');
      if (ASCII_ONLY_VRS.has(vr)) return { refused: `VR ${vr} allows only ASCII characters, but the value "${value}" has others` };
      const bytes = encodeText(value);
      if (!bytes) return { refused: `the value "${value}" cannot be written in ${describe}; changing the character set would alter other values, so the file is left as it was` };
      return bytes;
    },
  };
}
