/**
 * Reading a Part 10 file for display without reading its bulk values: the element headers are
 * read from the file one by one, and a top-level bulk value (OB, OW, UN..., pixel data above
 * all, encapsulated or not) larger than `maxValueBytes` is left on disk. What is read is put
 * together as a smaller, valid Part 10 file in which each such element has an empty value, so the ordinary walker
 * (part10.ts) and dump (dump.ts) work on it; `skipped` says what each empty element really held.
 * A 500 MB multi-frame object is opened by reading a few kilobytes.
 */
import * as fs from 'node:fs';
import { DicomParseError, implicitVr, LONG_VRS, parsePart10, TS_DEFLATED, TS_EXPLICIT_BE, TS_IMPLICIT_LE, type Part10File } from './part10';

/** Values up to this size are read; larger top-level values are summarised. */
export const MAX_READ_VALUE = 1 << 20;
/** Deflated files must be inflated whole; past this size they are refused. */
export const MAX_WHOLE_FILE = 512 * 1024 * 1024;

/** Text values are read up to this size (a report of many megabytes is still text to show). */
const MAX_TEXT_VALUE = 64 * 1024 * 1024;
const BULK_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;
const MAX_DEPTH = 64;

export interface SkippedValue {
  /** Bytes of the value on disk (all items and delimiters for undefined length). */
  bytes: number;
  /** Encapsulated pixel data: fragments, not counting the Basic Offset Table. */
  fragments?: number;
}

export interface FileHead {
  /** The walked file, bulk values empty. */
  file: Part10File;
  /** Top-level elements whose value was not read, by tag. */
  skipped: Map<number, SkippedValue>;
  /** Size of the file on disk. */
  size: number;
}

interface Syntax {
  explicit: boolean;
  littleEndian: boolean;
}

interface Header {
  tag: number;
  vr: string;
  length: number;
  headerLength: number;
}

class FileReader {
  readonly size: number;
  constructor(private readonly fd: number) {
    this.size = fs.fstatSync(fd).size;
  }

  read(at: number, count: number): Buffer {
    const buffer = Buffer.alloc(Math.max(0, Math.min(count, this.size - at)));
    let done = 0;
    while (done < buffer.length) {
      const n = fs.readSync(this.fd, buffer, done, buffer.length - done, at + done);
      if (n === 0) break;
      done += n;
    }
    return done === buffer.length ? buffer : buffer.subarray(0, done);
  }

  header(at: number, syntax: Syntax): Header {
    const b = this.read(at, 12);
    if (b.length < 8) throw new DicomParseError(`file ends inside an element header (${b.length} bytes left)`, at);
    const le = syntax.littleEndian;
    const tag = (((le ? b.readUInt16LE(0) : b.readUInt16BE(0)) << 16) | (le ? b.readUInt16LE(2) : b.readUInt16BE(2))) >>> 0;
    if (tag === ITEM || tag === ITEM_END || tag === SEQUENCE_END) {
      return { tag, vr: '', length: le ? b.readUInt32LE(4) : b.readUInt32BE(4), headerLength: 8 };
    }
    if (!syntax.explicit) return { tag, vr: implicitVr(tag), length: le ? b.readUInt32LE(4) : b.readUInt32BE(4), headerLength: 8 };
    const vr = b.toString('latin1', 4, 6);
    if (!/^[A-Z]{2}$/.test(vr)) throw new DicomParseError(`invalid VR bytes 0x${b[4].toString(16)} 0x${b[5].toString(16)}`, at + 4);
    if (LONG_VRS.has(vr)) {
      if (b.length < 12) throw new DicomParseError('file ends inside an element header', at);
      return { tag, vr, length: le ? b.readUInt32LE(8) : b.readUInt32BE(8), headerLength: 12 };
    }
    return { tag, vr, length: le ? b.readUInt16LE(6) : b.readUInt16BE(6), headerLength: 8 };
  }

  /** End of an undefined-length value starting at `at` (items up to the sequence delimiter). */
  endOfItems(at: number, syntax: Syntax, depth: number, counter?: { items: number }): number {
    if (depth > MAX_DEPTH) throw new DicomParseError(`sequences nested more than ${MAX_DEPTH} levels deep`, at);
    for (;;) {
      const h = this.header(at, syntax);
      if (h.tag === SEQUENCE_END) return at + 8;
      if (h.tag !== ITEM) throw new DicomParseError(`expected an item (FFFE,E000) but found (${(h.tag >>> 16).toString(16)},${(h.tag & 0xffff).toString(16)})`, at);
      if (counter) counter.items++;
      at = h.length === UNDEFINED ? this.endOfItemElements(at + 8, syntax, depth + 1) : this.checked(at + 8 + h.length, at);
    }
  }

  /** End of an undefined-length item: its elements up to and including the item delimiter. */
  private endOfItemElements(at: number, syntax: Syntax, depth: number): number {
    for (;;) {
      const h = this.header(at, syntax);
      if (h.tag === ITEM_END) return at + 8;
      at = this.endOf(at, h, syntax, depth);
    }
  }

  endOf(at: number, h: Header, syntax: Syntax, depth: number): number {
    const valueStart = at + h.headerLength;
    if (h.length !== UNDEFINED) return this.checked(valueStart + h.length, at);
    // UN of undefined length holds implicit VR little endian items (PS3.5 6.2.2).
    return this.endOfItems(valueStart, h.vr === 'UN' ? { explicit: false, littleEndian: true } : syntax, depth + 1);
  }

  private checked(end: number, at: number): number {
    if (end > this.size) throw new DicomParseError(`value runs past the end of the file (${end - this.size} bytes missing)`, at);
    return end;
  }
}

function emptyHeader(tag: number, vr: string, syntax: Syntax): Buffer {
  const long = !syntax.explicit || LONG_VRS.has(vr);
  const b = Buffer.alloc(syntax.explicit && !long ? 8 : syntax.explicit ? 12 : 8);
  const le = syntax.littleEndian;
  if (le) {
    b.writeUInt16LE(tag >>> 16, 0);
    b.writeUInt16LE(tag & 0xffff, 2);
  } else {
    b.writeUInt16BE(tag >>> 16, 0);
    b.writeUInt16BE(tag & 0xffff, 2);
  }
  if (syntax.explicit) b.write(vr, 4, 'latin1');
  return b; // every length field is zero
}

/** Reads `path` as Part 10, leaving top-level values over `maxValueBytes` on disk. */
export function readPart10Head(path: string, maxValueBytes = MAX_READ_VALUE): FileHead {
  const fd = fs.openSync(path, 'r');
  try {
    const reader = new FileReader(fd);
    const start = reader.read(0, 132);
    if (start.length < 132) throw new DicomParseError(`too short for a DICOM Part 10 file (${start.length} bytes)`, start.length);
    if (start.toString('latin1', 128, 132) !== 'DICM') throw new DicomParseError('not a DICOM Part 10 file: no "DICM" prefix after the 128-byte preamble', 128);
    // File meta: explicit VR little endian, group 0002, all of defined length.
    const metaSyntax: Syntax = { explicit: true, littleEndian: true };
    let at = 132;
    // The data set may use another syntax: look at the group before reading a header as meta.
    while (at + 8 <= reader.size && reader.read(at, 2).readUInt16LE(0) === 0x0002) {
      const h = reader.header(at, metaSyntax);
      at = reader.endOf(at, h, metaSyntax, 0);
    }
    const meta = reader.read(0, at);
    const transferSyntax = parsePart10(meta).transferSyntax;
    if (transferSyntax === TS_DEFLATED) {
      if (reader.size > MAX_WHOLE_FILE) throw new DicomParseError(`deflated file of ${reader.size} bytes; at most ${MAX_WHOLE_FILE} are read`, 0);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const file = parsePart10(reader.read(0, reader.size), (d) => (require('node:zlib') as typeof import('node:zlib')).inflateRawSync(d, { maxOutputLength: 1 << 30 }));
      return { file, skipped: new Map(), size: reader.size };
    }
    const syntax: Syntax = { explicit: transferSyntax !== TS_IMPLICIT_LE, littleEndian: transferSyntax !== TS_EXPLICIT_BE };
    const pieces: Buffer[] = [meta];
    const skipped = new Map<number, SkippedValue>();
    while (at < reader.size) {
      if (reader.size - at < 8) {
        pieces.push(reader.read(at, reader.size - at));
        break;
      }
      const h = reader.header(at, syntax);
      // Zero padding after the last element: kept (up to the limit) for the walker to ignore.
      if (h.tag === 0 && h.length === 0) {
        pieces.push(reader.read(at, Math.min(reader.size - at, maxValueBytes)));
        break;
      }
      const valueStart = at + h.headerLength;
      if (h.tag === PIXEL_DATA && h.length === UNDEFINED) {
        const counter = { items: 0 };
        const end = reader.endOfItems(valueStart, syntax, 0, counter);
        skipped.set(h.tag, { bytes: end - valueStart, fragments: Math.max(0, counter.items - 1) });
        pieces.push(emptyHeader(h.tag, h.vr === 'UN' ? 'OB' : h.vr, syntax));
        at = end;
        continue;
      }
      const end = reader.endOf(at, h, syntax, 0);
      const bytes = end - valueStart;
      const bulk = BULK_VRS.has(h.vr) || h.tag === PIXEL_DATA;
      if (h.length !== UNDEFINED && h.vr !== 'SQ' && ((bulk && bytes > maxValueBytes) || bytes > MAX_TEXT_VALUE)) {
        skipped.set(h.tag, { bytes });
        pieces.push(emptyHeader(h.tag, h.vr, syntax));
      } else {
        pieces.push(reader.read(at, end - at));
      }
      at = end;
    }
    return { file: parsePart10(Buffer.concat(pieces)), skipped, size: reader.size };
  } finally {
    fs.closeSync(fd);
  }
}
