/**
 * A minimal Part 10 element walker. It does not decode values; it records where every element,
 * sequence and item starts and ends in the original bytes, so that a writer can copy everything
 * it was not asked to change byte for byte (dcmjs re-encodes the whole file on write, which loses
 * private tags, character sets and padding; see docs/rule-engine.md).
 */
import { getDictionary } from '../dictionary/index';
import { formatTag } from '../dictionary/tag';
import { bufferOf } from './charset';

export const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
export const TS_EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const TS_EXPLICIT_BE = '1.2.840.10008.1.2.2';
export const TS_DEFLATED = '1.2.840.10008.1.2.1.99';

const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;

/** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
export const LONG_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** VR texts and long-header flags by their two bytes ('A'-'Z' each): one string per VR, not one per element. */
const vrIndex = (a: number, b: number): number => (a - 0x41) * 26 + (b - 0x41);
const VR_TEXTS: string[] = [];
const VR_IS_LONG = new Uint8Array(26 * 26);
for (let a = 0x41; a <= 0x5a; a++) {
  for (let b = 0x41; b <= 0x5a; b++) {
    const vr = String.fromCharCode(a, b);
    VR_TEXTS[vrIndex(a, b)] = vr;
    VR_IS_LONG[vrIndex(a, b)] = LONG_VRS.has(vr) ? 1 : 0;
  }
}

/** The elements of a data set in `bytes[0, end)` (a rewritten one, walked again to check it). */
export function walkDataset(bytes: Uint8Array, end: number, syntax: Syntax): ElementNode[] {
  return new Walker(bytes).elements(0, end, syntax, false).elements;
}

/** A file that cannot be walked: says where, so the user can find the damage. */
export class DicomParseError extends Error {
  constructor(readonly detail: string, readonly offset: number, readonly tag?: string) {
    super(`${detail} at byte offset ${offset}${tag ? ` (element ${tag})` : ''}`);
    this.name = 'DicomParseError';
  }
}

export interface Syntax {
  explicit: boolean;
  littleEndian: boolean;
}

export interface ElementNode {
  /** group << 16 | element, unsigned. */
  tag: number;
  /** Stored VR (explicit VR), else the dictionary's, else 'UN'. */
  vr: string;
  /** True when the VR came from the file (explicit VR), not from the dictionary. */
  vrExplicit: boolean;
  /** Offset of the tag, i.e. start of the element. */
  start: number;
  valueStart: number;
  /** Length field as stored (UNDEFINED for undefined length). */
  length: number;
  /** Offset just after the element (after the sequence delimiter for undefined length). */
  end: number;
  /** Items of a sequence (SQ, or UN with undefined length); undefined for other elements. */
  items?: ItemNode[];
  /** Syntax of the items' contents (UN with undefined length is implicit VR LE inside). */
  itemSyntax?: Syntax;
}

export interface ItemNode {
  start: number;
  valueStart: number;
  length: number;
  end: number;
  elements: ElementNode[];
}

export interface Part10File {
  bytes: Uint8Array;
  /** Offset of the first data set element (after the meta information). */
  datasetStart: number;
  transferSyntax: string;
  syntax: Syntax;
  meta: ElementNode[];
  /** Offset where trailing zero padding starts (the file length when there is none). */
  trailerStart: number;
  /** Top-level data set elements; empty for a deflated file (see `deflated`). */
  elements: ElementNode[];
  /** Set for Deflated Explicit VR LE: the inflated data set, walked separately. */
  deflated?: { bytes: Uint8Array; elements: ElementNode[]; trailerStart: number };
  /**
   * 'part10': preamble, "DICM", meta information, data set. 'dataset': a bare data set (no
   * preamble, no meta information), which DCMTK also reads; it is written back the same way.
   */
  framing: 'part10' | 'dataset';
  /** What the reader had to infer, for the user to know (a transfer syntax the meta lacks). */
  warnings: string[];
}

export const tagText = (tag: number): string => formatTag(tag >>> 16, tag & 0xffff);

/** Real objects nest a handful of levels; a crafted file must not exhaust the stack. */
const MAX_DEPTH = 64;

class Walker {
  private readonly view: DataView;
  private depth = 0;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u16(at: number, le: boolean): number { return this.view.getUint16(at, le); }
  u32(at: number, le: boolean): number { return this.view.getUint32(at, le); }

  need(at: number, count: number, what: string, tag?: number): void {
    if (at + count > this.bytes.length) {
      throw new DicomParseError(`file ends inside ${what} (needs ${count} bytes, ${Math.max(0, this.bytes.length - at)} left)`, at, tag === undefined ? undefined : tagText(tag));
    }
  }

  zeroFrom(at: number): boolean {
    for (let i = at; i < this.bytes.length; i++) if (this.bytes[i] !== 0) return false;
    return true;
  }

  readTag(at: number, le: boolean): number {
    const b = this.bytes;
    if (at + 4 > b.length) this.need(at, 4, 'an element tag');
    // Read in place (this runs for every element; method calls cost while the code is cold).
    return le
      ? ((b[at + 1] << 24) | (b[at] << 16) | (b[at + 3] << 8) | b[at + 2]) >>> 0
      : ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  }

  /** Elements from `at` up to `end` (or, for undefined-length items, up to the item delimiter). */
  elements(at: number, end: number, syntax: Syntax, untilItemEnd: boolean, stopAtGroup?: (group: number) => boolean): { elements: ElementNode[]; next: number } {
    const out: ElementNode[] = [];
    while (at < end) {
      const tag = this.readTag(at, syntax.littleEndian);
      // Some writers pad the file with zero bytes after the last element; DCMTK ignores them,
      // and so do we (they are copied to the output unchanged).
      if (tag === 0 && !untilItemEnd && end === this.bytes.length && this.zeroFrom(at)) break;
      if (stopAtGroup && stopAtGroup(tag >>> 16)) break;
      if (tag === ITEM_END) {
        if (!untilItemEnd) throw new DicomParseError('item delimiter outside an item', at, tagText(tag));
        this.need(at, 8, 'an item delimiter', tag);
        return { elements: out, next: at + 8 };
      }
      if (tag === ITEM || tag === SEQUENCE_END) throw new DicomParseError('item or sequence delimiter where an element was expected', at, tagText(tag));
      const element = this.element(at, tag, syntax);
      if (element.end > end) throw new DicomParseError(`element length ${element.length} runs past the end of its ${untilItemEnd || end !== this.bytes.length ? 'item' : 'file'}`, at, tagText(tag));
      out.push(element);
      at = element.end;
    }
    if (untilItemEnd && end === this.bytes.length) throw new DicomParseError('file ends inside an item of undefined length', at);
    return { elements: out, next: at };
  }

  element(start: number, tag: number, syntax: Syntax): ElementNode {
    const le = syntax.littleEndian;
    let vr: string;
    let vrExplicit = false;
    let length: number;
    let valueStart: number;
    if (start + 8 > this.bytes.length) this.need(start, 8, 'an element header', tag);
    if (syntax.explicit) {
      const a = this.bytes[start + 4];
      const b = this.bytes[start + 5];
      if (!(a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a)) throw new DicomParseError(`invalid VR bytes 0x${this.bytes[start + 4].toString(16)} 0x${this.bytes[start + 5].toString(16)}`, start + 4, tagText(tag));
      vr = VR_TEXTS[vrIndex(a, b)];
      vrExplicit = true;
      if (VR_IS_LONG[vrIndex(a, b)] === 1) {
        if (start + 12 > this.bytes.length) this.need(start, 12, 'an element header', tag);
        length = this.u32(start + 8, le);
        valueStart = start + 12;
      } else {
        length = this.u16(start + 6, le);
        valueStart = start + 8;
      }
    } else {
      length = this.u32(start + 4, le);
      valueStart = start + 8;
      vr = implicitVr(tag);
    }
    // Every field present from the start: one object shape for all elements keeps the walker fast.
    const node: ElementNode = { tag, vr, vrExplicit, start, valueStart, length, end: valueStart, items: undefined, itemSyntax: undefined };
    if (length === UNDEFINED) {
      // Undefined length: a sequence, UN holding a sequence (implicit VR LE inside, PS3.5
      // 6.2.2), or encapsulated pixel data (items of raw fragments).
      const isSequence = vr === 'SQ' || vr === 'UN' || (!syntax.explicit && !(tag === 0x7fe00010));
      const inner: Syntax = vr === 'UN' ? IMPLICIT_LE : syntax;
      node.itemSyntax = inner;
      const { items, next } = this.items(valueStart, this.bytes.length, inner, isSequence, true, tag);
      if (isSequence) node.items = items;
      node.end = next;
      if (node.vr === 'UN' && !vrExplicit) node.vr = 'SQ';
    } else {
      // The message is built only for a file that is cut short (this runs for every element).
      if (valueStart + length > this.bytes.length) this.need(valueStart, length, `the value of ${tagText(tag)}`, tag);
      node.end = valueStart + length;
      if (vr === 'SQ') {
        node.itemSyntax = syntax;
        node.items = this.items(valueStart, node.end, syntax, true, false, tag).items;
      }
    }
    return node;
  }

  items(at: number, end: number, syntax: Syntax, parseContents: boolean, untilDelimiter: boolean, owner: number): { items: ItemNode[]; next: number } {
    if (++this.depth > MAX_DEPTH) throw new DicomParseError(`sequences nested more than ${MAX_DEPTH} levels deep`, at, tagText(owner));
    try {
      return this.itemsAt(at, end, syntax, parseContents, untilDelimiter, owner);
    } finally {
      this.depth--;
    }
  }

  private itemsAt(at: number, end: number, syntax: Syntax, parseContents: boolean, untilDelimiter: boolean, owner: number): { items: ItemNode[]; next: number } {
    const items: ItemNode[] = [];
    const le = syntax.littleEndian;
    while (at < end) {
      this.need(at, 8, 'an item header', owner);
      const tag = this.readTag(at, le);
      const length = this.u32(at + 4, le);
      if (tag === SEQUENCE_END) {
        if (!untilDelimiter) throw new DicomParseError('sequence delimiter in a sequence of defined length', at, tagText(owner));
        return { items, next: at + 8 };
      }
      if (tag !== ITEM) throw new DicomParseError(`expected an item (FFFE,E000) in sequence ${tagText(owner)} but found ${tagText(tag)}`, at, tagText(owner));
      const valueStart = at + 8;
      const item: ItemNode = { start: at, valueStart, length, end: valueStart, elements: [] };
      if (length === UNDEFINED) {
        if (!parseContents) throw new DicomParseError('fragment of undefined length in encapsulated pixel data', at, tagText(owner));
        const { elements, next } = this.elements(valueStart, this.bytes.length, syntax, true);
        item.elements = elements;
        item.end = next;
      } else {
        if (valueStart + length > this.bytes.length) this.need(valueStart, length, `an item of ${tagText(owner)}`, owner);
        item.end = valueStart + length;
        if (item.end > end) throw new DicomParseError(`item length ${length} runs past the end of sequence`, at, tagText(owner));
        if (parseContents) item.elements = this.elements(valueStart, item.end, syntax, false).elements;
      }
      items.push(item);
      at = item.end;
    }
    if (untilDelimiter) throw new DicomParseError(`file ends inside sequence ${tagText(owner)} (no sequence delimiter)`, at, tagText(owner));
    return { items, next: at };
  }
}

const implicitVrCache = new Map<number, string>();

/** VR for implicit VR files: the dictionary's first alternative, 'UN' for unknown/private tags. */
export function implicitVr(tag: number): string {
  let vr = implicitVrCache.get(tag);
  if (vr === undefined) {
    vr = lookupImplicitVr(tag);
    implicitVrCache.set(tag, vr);
  }
  return vr;
}

function lookupImplicitVr(tag: number): string {
  const group = tag >>> 16;
  const element = tag & 0xffff;
  if (element === 0) return 'UL';
  if (group % 2 === 1) return element >= 0x10 && element <= 0xff ? 'LO' : 'UN';
  const entry = getDictionary().byTag(group, element);
  if (!entry) return 'UN';
  return entry.vr.split('|')[0];
}

const IMPLICIT_LE: Syntax = Object.freeze({ explicit: false, littleEndian: true });
const EXPLICIT_LE: Syntax = Object.freeze({ explicit: true, littleEndian: true });
const EXPLICIT_BE: Syntax = Object.freeze({ explicit: true, littleEndian: false });
/** Retired (PS3.5 has no such transfer syntax any more); DCMTK's detection can still name it. */
const IMPLICIT_BE: Syntax = Object.freeze({ explicit: false, littleEndian: false });

function syntaxOf(ts: string): Syntax {
  if (ts === TS_IMPLICIT_LE) return IMPLICIT_LE;
  if (ts === TS_EXPLICIT_BE) return EXPLICIT_BE;
  return EXPLICIT_LE;
}

/** The file meta information of a Part 10 file, and where its data set starts. */
export interface Part10Meta {
  meta: ElementNode[];
  datasetStart: number;
  transferSyntax: string;
  /** A meta element's text value without its padding (undefined when absent). */
  text(tag: number): string | undefined;
}

/** Reads only the preamble, "DICM" and the meta information (the data set is not walked). */
export function parsePart10Meta(bytes: Uint8Array): Part10Meta {
  const meta = readMeta(bytes, new Walker(bytes));
  if (meta.transferSyntax === undefined) throw new DicomParseError('file meta information has no Transfer Syntax UID (0002,0010)', 132);
  return meta as Part10Meta;
}

const hasDicmPrefix = (bytes: Uint8Array): boolean =>
  bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;

function readMeta(bytes: Uint8Array, walker: Walker): Omit<Part10Meta, 'transferSyntax'> & { transferSyntax: string | undefined } {
  if (bytes.length < 132) throw new DicomParseError(`too short for a DICOM Part 10 file (${bytes.length} bytes)`, bytes.length);
  if (!hasDicmPrefix(bytes)) throw new DicomParseError('not a DICOM Part 10 file: no "DICM" prefix after the 128-byte preamble', 128);
  const { elements: meta, next } = walker.elements(132, bytes.length, EXPLICIT_LE, false, (group) => group !== 0x0002);
  const text = (tag: number): string | undefined => {
    const e = meta.find((m) => m.tag === tag);
    return e ? bufferOf(bytes).toString('latin1', e.valueStart, e.end).replace(/[\0 ]+$/, '') : undefined;
  };
  return { meta, datasetStart: next, transferSyntax: text(0x00020010), text };
}

const SYNTAX_NAMES: Record<string, string> = {
  [TS_IMPLICIT_LE]: 'Implicit VR Little Endian',
  [TS_EXPLICIT_LE]: 'Explicit VR Little Endian',
  [TS_EXPLICIT_BE]: 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.2.implicit': 'Implicit VR Big Endian',
};

/** Whether DCMTK's data dictionary would know the tag (its DcmTag has no error). */
function knownTag(group: number, element: number): boolean {
  if (element === 0x0000) return true; // generic group length
  if (group % 2 === 1) return element >= 0x0010 && element <= 0x00ff; // private creator
  return getDictionary().byTag(group, element) !== undefined;
}

/** What a data set's first element says about its encoding. */
interface DetectedSyntax {
  syntax: Syntax;
  /** The transfer syntax UID it stands for ('1.2.840.10008.1.2.2.implicit' for the retired implicit big endian). */
  transferSyntax: string;
  /** True when the first tag is known in one byte order (or both): a real clue, not a default. */
  confident: boolean;
  /** The first tag as read in the detected byte order. */
  firstTag: number;
}

/**
 * The transfer syntax of a data set from its first 6 bytes, as DCMTK's
 * DcmItem::checkTransferSyntax decides it (dcmdata/libsrc/dcitem.cc): which byte order gives a
 * tag its dictionary knows (group 0008 rather than 0800 when both do), and whether bytes 4-5
 * are a VR. With no known tag either way DCMTK assumes little endian, and so do we.
 */
export function detectSyntax(bytes: Uint8Array, at: number): DetectedSyntax {
  if (bytes.length - at < 6) return { syntax: EXPLICIT_LE, transferSyntax: TS_EXPLICIT_LE, confident: false, firstTag: 0 };
  const g = bytes[at] | (bytes[at + 1] << 8);
  const e = bytes[at + 2] | (bytes[at + 3] << 8);
  const swap = (n: number): number => ((n & 0xff) << 8) | (n >>> 8);
  const little = knownTag(g, e);
  const big = knownTag(swap(g), swap(e));
  const explicit = KNOWN_VRS.has(String.fromCharCode(bytes[at + 4], bytes[at + 5]));
  const littleEndian = !big || (little && !(g > 0xff && swap(g) <= 0xff));
  const syntax = explicit ? (littleEndian ? EXPLICIT_LE : EXPLICIT_BE) : (littleEndian ? IMPLICIT_LE : IMPLICIT_BE);
  const transferSyntax = explicit ? (littleEndian ? TS_EXPLICIT_LE : TS_EXPLICIT_BE) : (littleEndian ? TS_IMPLICIT_LE : '1.2.840.10008.1.2.2.implicit');
  const firstTag = littleEndian ? ((g << 16) | e) >>> 0 : ((swap(g) << 16) | swap(e)) >>> 0;
  return { syntax, transferSyntax, confident: little || big, firstTag };
}

export const syntaxName = (ts: string): string => SYNTAX_NAMES[ts] ?? ts;

/** VRs of PS3.5 6.2, as a quick lookup by their two letters. */
const KNOWN_VRS = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV']);

/**
 * Whether `bytes` could be a DICOM object: a Part 10 file ("DICM" after the preamble) or a bare
 * data set whose first element looks like one (an even group up to 0x7FE0 in either byte order,
 * with a known VR or a length that fits). Text files (README.md, dumps) are not.
 */
export function looksLikeDicom(bytes: Uint8Array): boolean {
  if (hasDicmPrefix(bytes)) return true;
  if (bytes.length < 8) return false;
  const le = bytes[0] | (bytes[1] << 8);
  const be = (bytes[0] << 8) | bytes[1];
  const group = Math.min(le, be);
  if (group % 2 === 1 || group > 0x7fe0 || group === 0) return false;
  if (KNOWN_VRS.has(String.fromCharCode(bytes[4], bytes[5]))) return true;
  const lengthLe = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24)) >>> 0;
  const lengthBe = ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
  return Math.min(lengthLe, lengthBe) <= bytes.length - 8;
}

/**
 * Walks a Part 10 file (128-byte preamble, "DICM", meta information, data set), or a bare data
 * set (no preamble, no meta information: its encoding detected from its first element, as DCMTK
 * does). A meta header without a Transfer Syntax UID gets it inferred the same way, with a
 * warning. A meta header that declares one byte order over a data set whose first element is
 * plainly in the other is refused: anything inserted would be in an encoding the rest of the
 * data set does not use, and no reader could read the result.
 */
export function parsePart10(bytes: Uint8Array, inflate?: (deflated: Uint8Array) => Uint8Array): Part10File {
  const walker = new Walker(bytes);
  if (!hasDicmPrefix(bytes) && looksLikeBareDataset(bytes)) return parseBareDataset(bytes, walker);
  const { meta, datasetStart: next, transferSyntax: declared } = readMeta(bytes, walker);
  const warnings: string[] = [];
  let transferSyntax = declared;
  if (transferSyntax === undefined) {
    const detected = detectSyntax(bytes, next);
    transferSyntax = usableDetected(detected, next);
    warnings.push(`the file meta information has no Transfer Syntax UID (0002,0010): the data set was read as ${syntaxName(transferSyntax)}, detected from its first element as DCMTK does, and is written back the same way (the meta information is left as it is)`);
  } else if (transferSyntax === TS_IMPLICIT_LE || transferSyntax === TS_EXPLICIT_LE || transferSyntax === TS_EXPLICIT_BE) {
    checkDeclaredByteOrder(bytes, next, transferSyntax);
  }
  const syntax = syntaxOf(transferSyntax);
  const file: Part10File = { bytes, datasetStart: next, trailerStart: bytes.length, transferSyntax, syntax, meta, elements: [], framing: 'part10', warnings };
  if (transferSyntax === TS_DEFLATED) {
    if (!inflate) throw new DicomParseError('deflated transfer syntax and no inflater', next);
    let inflated: Uint8Array;
    try {
      inflated = inflate(bytes.subarray(next));
    } catch (error) {
      throw new DicomParseError(`deflated data set cannot be inflated (${(error as Error).message})`, next);
    }
    const walked = new Walker(inflated).elements(0, inflated.length, syntax, false);
    file.deflated = { bytes: inflated, elements: walked.elements, trailerStart: walked.next };
  } else {
    const walked = walker.elements(next, bytes.length, syntax, false);
    file.elements = walked.elements;
    file.trailerStart = walked.next;
  }
  return file;
}

/** A file without "DICM" that DCMTK would read as a data set: its first tag is one the dictionary knows, in either byte order. */
function looksLikeBareDataset(bytes: Uint8Array): boolean {
  return looksLikeDicom(bytes) && detectSyntax(bytes, 0).confident;
}

function parseBareDataset(bytes: Uint8Array, walker: Walker): Part10File {
  const detected = detectSyntax(bytes, 0);
  const transferSyntax = usableDetected(detected, 0);
  const file: Part10File = { bytes, datasetStart: 0, trailerStart: bytes.length, transferSyntax, syntax: detected.syntax, meta: [], elements: [], framing: 'dataset', warnings: [] };
  try {
    const walked = walker.elements(0, bytes.length, detected.syntax, false);
    file.elements = walked.elements;
    file.trailerStart = walked.next;
  } catch (error) {
    if (!(error instanceof DicomParseError)) throw error;
    throw new DicomParseError(`no preamble or file meta information, and not a readable bare data set in ${syntaxName(transferSyntax)} (detected from its first element): ${error.detail}`, error.offset, error.tag);
  }
  return file;
}

function usableDetected(detected: DetectedSyntax, at: number): string {
  if (detected.syntax === IMPLICIT_BE) throw new DicomParseError(`the data set looks like Implicit VR Big Endian (first element ${tagText(detected.firstTag)} without a VR), a retired encoding that is not supported`, at);
  return detected.transferSyntax;
}

function checkDeclaredByteOrder(bytes: Uint8Array, at: number, declared: string): void {
  const detected = detectSyntax(bytes, at);
  if (!detected.confident || detected.syntax.littleEndian === syntaxOf(declared).littleEndian) return;
  throw new DicomParseError(`the file meta information declares ${syntaxName(declared)} (0002,0010), but the data set is ${detected.syntax.littleEndian ? 'little' : 'big'} endian (its first element reads as ${tagText(detected.firstTag)} in that byte order): refused, as coercing it would write elements in a byte order the rest of the data set does not use (correct the Transfer Syntax UID to ${syntaxName(detected.transferSyntax)} first)`, at);
}
