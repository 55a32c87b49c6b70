/**
 * DatasetAccess over a walked Part 10 file, and the splice writer that turns the recorded edits
 * into the output bytes. Everything the rules did not change is copied from the input as is;
 * only the lengths of the sequences and items that enclose a change (and a group length element
 * of a changed group) are recomputed.
 */
import { getDictionary } from '../dictionary/index';
import { isCoercibleVr, STRING_VRS } from '../coercion/vrRules';
import { AccessRefusal, type AttributeRef, type DatasetAccess } from '../coercion/datasetAccess';
import { bufferOf, charsetFor, type Charset } from './charset';
import { DicomParseError, LONG_VRS, tagText, walkDataset, type ElementNode, type ItemNode, type Part10File, type Syntax } from './part10';

const UNDEFINED = 0xffffffff;

interface Edit {
  /** null: delete. */
  value: string | null;
  vr: string;
  encoded?: Uint8Array;
}

/** Edits of one data set or item, and of the items of its sequences. */
interface EditTree {
  edits: Map<number, Edit>;
  children: Map<number, Map<number, EditTree>>;
}

const newTree = (): EditTree => ({ edits: new Map(), children: new Map() });
const tagOf = (group: number, element: number): number => ((group << 16) | element) >>> 0;

/** The tag as a refusal names it; formatted only then, as it costs more than the checks. */
const where = (ref: AttributeRef): string => tagText(tagOf(ref.group, ref.element));

/** Binary search: top-level data sets have a few hundred elements at most, but it is free. */
function findElement(elements: ElementNode[], tag: number): ElementNode | undefined {
  let lo = 0;
  let hi = elements.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = elements[mid].tag;
    if (t === tag) return elements[mid];
    if (t < tag) lo = mid + 1;
    else hi = mid - 1;
  }
  // Files with elements out of order still work, just slower.
  return elements.find((e) => e.tag === tag);
}

interface Container {
  elements: ElementNode[];
  syntax: Syntax;
}

/** A standard attribute's dictionary VR when it is a string VR (the one a UN element is coerced by). */
function dictionaryStringVr(tag: number): string | undefined {
  if ((tag >>> 16) % 2 === 1) return undefined;
  const entry = getDictionary().byTag(tag >>> 16, tag & 0xffff);
  if (!entry || !isCoercibleVr(entry.vr)) return undefined;
  return entry.vr.split('|')[0];
}

/** An element stored with VR UN (not a sequence) whose tag the dictionary knows: read and written by its dictionary VR (PS3.5 6.2.2). */
const unKnownVr = (e: ElementNode): string | undefined => (e.vr === 'UN' && e.vrExplicit && !e.items ? dictionaryStringVr(e.tag) : undefined);

export interface Part10DatasetOptions {
  /** Compresses a data set for a Deflated Explicit VR LE file; without it such files are not changed. */
  deflate?: (dataset: Uint8Array) => Uint8Array;
}

/** A change made by the writer that the output cannot be trusted after (it reads back differently). */
export class OutputCheckError extends Error {
  constructor(detail: string) {
    super(`the coerced file does not read back as written (${detail}); it was not written. Please report this file`);
    this.name = 'OutputCheckError';
  }
}

export class Part10Dataset implements DatasetAccess {
  readonly charset: Charset;
  private readonly tree = newTree();
  /** The walked bytes (a Buffer, for toString over a range without a view): the inflated data set of a deflated file. */
  private readonly source: Buffer;
  private readonly top: ElementNode[];
  /** Where the data set's trailing padding starts in `source`. */
  private readonly trailerStart: number;
  private editCount = 0;
  private topContainer: Container | undefined;

  constructor(readonly file: Part10File, private readonly options: Part10DatasetOptions = {}) {
    const bytes = file.deflated ? file.deflated.bytes : file.bytes;
    this.source = bufferOf(bytes);
    this.top = file.deflated ? file.deflated.elements : file.elements;
    this.trailerStart = file.deflated ? file.deflated.trailerStart : file.trailerStart;
    const cs = findElement(this.top, 0x00080005);
    this.charset = charsetFor(cs ? this.source.toString('latin1', cs.valueStart, cs.end) : null);
  }

  get hasEdits(): boolean {
    return this.editCount > 0;
  }

  private text(e: ElementNode, vr: string): string {
    // Most values are ASCII, which reads the same in every character set: trim the padding and
    // read the bytes in place. Anything else goes through the character set.
    const bytes = this.source;
    let stop = e.end;
    while (stop > e.valueStart && (bytes[stop - 1] === 0x20 || bytes[stop - 1] === 0)) stop--;
    let ascii = true;
    for (let i = e.valueStart; i < stop && ascii; i++) ascii = bytes[i] < 0x80;
    if (ascii) return bytes.toString('latin1', e.valueStart, stop);
    return this.charset.decode(bytes.subarray(e.valueStart, e.end), vr).replace(/[ \0]+$/, '');
  }

  private container(ref: AttributeRef): Container | undefined {
    if (ref.sequence.length === 0) return (this.topContainer ??= { elements: this.top, syntax: this.file.syntax });
    let elements = this.top;
    let syntax = this.file.syntax;
    for (const step of ref.sequence) {
      const seq = findElement(elements, tagOf(step.group, step.element));
      if (!seq || !seq.items || !seq.itemSyntax) return undefined;
      const item = seq.items[step.item];
      if (!item) return undefined;
      elements = item.elements;
      syntax = seq.itemSyntax;
    }
    return { elements, syntax };
  }

  private editTree(ref: AttributeRef, create: boolean): EditTree | undefined {
    let tree = this.tree;
    for (const step of ref.sequence) {
      const tag = tagOf(step.group, step.element);
      let items = tree.children.get(tag);
      if (!items) {
        if (!create) return undefined;
        items = new Map();
        tree.children.set(tag, items);
      }
      let child = items.get(step.item);
      if (!child) {
        if (!create) return undefined;
        child = newTree();
        items.set(step.item, child);
      }
      tree = child;
    }
    return tree;
  }

  hasContainer(ref: AttributeRef): boolean {
    return this.container(ref) !== undefined;
  }

  vrOf(ref: AttributeRef): string | undefined {
    const tag = tagOf(ref.group, ref.element);
    const edit = this.editTree(ref, false)?.edits.get(tag);
    if (edit) return edit.vr;
    const element = this.container(ref) && findElement(this.container(ref)!.elements, tag);
    if (element && (element.vrExplicit || element.vr !== 'UN')) return unKnownVr(element) ?? element.vr;
    return getDictionary().byTag(ref.group, ref.element)?.vr;
  }

  get(ref: AttributeRef): string | null {
    const tag = tagOf(ref.group, ref.element);
    const edit = this.editTree(ref, false)?.edits.get(tag);
    if (edit) return edit.value;
    const c = this.container(ref);
    const e = c && findElement(c.elements, tag);
    if (!c || !e) return null;
    return this.decode(e, c.syntax);
  }

  /** The value as the language sees it; see docs/rule-engine.md "Values of non-string VRs". */
  private decode(e: ElementNode, syntax: Syntax): string {
    const vr = e.vr === 'UN' ? unKnownVr(e) ?? 'UN' : e.vr;
    if (vr !== e.vr) return this.text(e, vr);
    switch (e.vr) {
      case 'US': case 'SS': case 'UL': case 'SL': case 'FL': case 'FD': case 'SV': case 'UV': case 'AT':
        return this.decodeBinary(e, syntax);
      case 'SQ': case 'OB': case 'OD': case 'OF': case 'OL': case 'OV': case 'OW': return '';
      default: return this.text(e, e.vr);
    }
  }

  private decodeBinary(e: ElementNode, syntax: Syntax): string {
    const bytes = this.source.subarray(e.valueStart, e.end);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = syntax.littleEndian;
    const list = (size: number, read: (at: number) => string): string => {
      const out: string[] = [];
      for (let at = 0; at + size <= bytes.length; at += size) out.push(read(at));
      return out.join('\\');
    };
    switch (e.vr) {
      case 'US': return list(2, (at) => String(view.getUint16(at, le)));
      case 'SS': return list(2, (at) => String(view.getInt16(at, le)));
      case 'UL': return list(4, (at) => String(view.getUint32(at, le)));
      case 'SL': return list(4, (at) => String(view.getInt32(at, le)));
      case 'FL': return list(4, (at) => String(view.getFloat32(at, le)));
      case 'FD': return list(8, (at) => String(view.getFloat64(at, le)));
      case 'SV': return list(8, (at) => String(view.getBigInt64(at, le)));
      case 'UV': return list(8, (at) => String(view.getBigUint64(at, le)));
      default: return list(4, (at) => tagText(((view.getUint16(at, le) << 16) | view.getUint16(at + 2, le)) >>> 0).replace(/[(),]/g, ''));
    }
  }

  /** Why the attribute cannot be written, or its VR (and a note for the trace when it is not the stored one). */
  private writableVr(ref: AttributeRef): { vr: string; note?: string } {
    if (ref.group === 0x0002) throw new AccessRefusal(`${where(ref)} is file meta information, which coercion does not change`, 'skip');
    if (ref.group === 0x0008 && ref.element === 0x0005) throw new AccessRefusal('(0008,0005) Specific Character Set is not coerced: changing it would change the meaning of every other text value', 'skip');
    if (ref.element === 0x0000) throw new AccessRefusal(`${where(ref)} is a group length, which the writer maintains`, 'skip');
    const c = this.container(ref);
    if (!c) throw new AccessRefusal('the sequence item does not exist', 'skip');
    const tag = tagOf(ref.group, ref.element);
    const edit = this.editTree(ref, false)?.edits.get(tag);
    const existing = findElement(c.elements, tag);
    let vr: string | undefined;
    let note: string | undefined;
    const unVr = existing && !edit ? unKnownVr(existing) : undefined;
    if (edit) vr = edit.vr;
    else if (unVr) {
      vr = unVr;
      note = `${where(ref)} was stored with VR UN; it is coerced and written as ${unVr}, its VR in the data dictionary (PS3.5 6.2.2)`;
    } else if (existing && (existing.vrExplicit || existing.vr !== 'UN')) vr = existing.vr;
    else if (existing) throw new AccessRefusal(`${where(ref)} is stored without a VR (implicit VR) and the dictionary does not know it`, 'skip');
    else if (ref.group % 2 === 1) throw new AccessRefusal(`${where(ref)} is a private attribute that is not present; its VR is unknown, so it is not created`, 'skip');
    else {
      const entry = getDictionary().byTag(ref.group, ref.element);
      if (!entry) throw new AccessRefusal(`${where(ref)} is not in the data dictionary; its VR is unknown, so it is not created`, 'skip');
      if (!isCoercibleVr(entry.vr)) throw new AccessRefusal(`${where(ref)} has VR ${entry.vr}; only string attributes can be coerced`, 'skip');
      vr = entry.vr.split('|')[0];
    }
    if (!STRING_VRS.has(vr)) throw new AccessRefusal(`${where(ref)} has VR ${vr}; only string attributes can be coerced`, 'skip');
    if (this.file.deflated && !this.options.deflate) throw new AccessRefusal('the file uses the Deflated transfer syntax, and this reader has no compressor to write it back', 'error');
    return { vr, note };
  }

  set(ref: AttributeRef, value: string): string | undefined {
    const { vr, note } = this.writableVr(ref);
    const padded = encodeValue(this.charset, value, vr);
    if (!LONG_VRS.has(vr) && padded.length > 0xfffe) throw new AccessRefusal(`value of ${padded.length} bytes is too long for VR ${vr} (at most 65534)`, 'error');
    this.editTree(ref, true)!.edits.set(tagOf(ref.group, ref.element), { value, vr, encoded: padded });
    this.editCount++;
    return note;
  }

  delete(ref: AttributeRef): string | undefined {
    if (this.get(ref) === null) return undefined;
    const { vr } = this.writableVr(ref);
    this.editTree(ref, true)!.edits.set(tagOf(ref.group, ref.element), { value: null, vr });
    this.editCount++;
    return undefined;
  }

  /** The output file: the input bytes with the edits spliced in. */
  serialize(): Uint8Array {
    return Buffer.concat(this.serializeChunks());
  }

  /**
   * The output as consecutive pieces, mostly views of the input (no copy of pixel data). Runs of
   * unchanged elements become one view each, so a file with a few changes is a few pieces.
   */
  serializeChunks(): Uint8Array[] {
    if (!this.hasEdits) return [this.file.bytes];
    const { syntax } = this.file;
    if (this.file.deflated) {
      // The inflated data set is spliced like any other, checked, and compressed again.
      const inner = new Pieces(this.source);
      this.writeContainer(this.top, this.tree, syntax, inner, true);
      inner.copy(this.trailerStart, this.source.length);
      const dataset = Buffer.concat(inner.finish());
      this.checkReadsBack(dataset, dataset.length, syntax);
      return [this.file.bytes.subarray(0, this.file.datasetStart), this.options.deflate!(dataset)];
    }
    const out = new Pieces(this.source);
    out.copy(0, this.file.datasetStart);
    out.mark();
    this.writeContainer(this.top, this.tree, syntax, out, true);
    out.copy(this.trailerStart, this.source.length);
    const pieces = out.finish();
    // What was written up to the last change is walked again (the rest is the input's own bytes).
    const [from, to] = out.marks();
    const head = Buffer.concat(pieces.slice(from, to));
    this.checkReadsBack(head, head.length, syntax);
    return pieces;
  }

  /**
   * Walks the rewritten part of the data set and checks that every edit reads back as made: an
   * output must be readable wherever its input was (issue 10, item 6).
   */
  private checkReadsBack(bytes: Uint8Array, end: number, syntax: Syntax): void {
    let elements: ElementNode[];
    try {
      elements = walkDataset(bytes, end, syntax);
    } catch (error) {
      if (error instanceof DicomParseError) throw new OutputCheckError(error.message);
      throw error;
    }
    const check = (container: ElementNode[], tree: EditTree, path: string): void => {
      for (const [tag, edit] of tree.edits) {
        const e = findElement(container, tag);
        // The tag's text only for a message: formatting it for every edit of every file cost more than the check.
        if (edit.value === null) {
          if (e) throw new OutputCheckError(`${path}${tagText(tag)} is still present after its deletion`);
          continue;
        }
        if (!e) throw new OutputCheckError(`${path}${tagText(tag)} is missing`);
        if (syntax.explicit && e.vr !== edit.vr) throw new OutputCheckError(`${path}${tagText(tag)} reads back with VR ${e.vr}, not ${edit.vr}`);
        if (!sameBytes(bytes, e.valueStart, e.end, edit.encoded!)) throw new OutputCheckError(`${path}${tagText(tag)} reads back with another value`);
      }
      for (const [tag, items] of tree.children) {
        const seq = findElement(container, tag);
        for (const [index, child] of items) {
          const item = seq?.items?.[index];
          if (!item) throw new OutputCheckError(`item ${index} of ${path}${tagText(tag)} is missing`);
          check(item.elements, child, `${path}${tagText(tag)}[${index}] `);
        }
      }
    };
    check(elements, this.tree, '');
  }

  /**
   * Appends the container's elements to `out`; returns the number of bytes appended. Kept to
   * plain loops over arrays (no iterator spreads, array callbacks or closures): it runs for every
   * file of a batch while V8 has not optimised it yet, and what it inlines is compiled again in
   * every process (docs/rule-engine.md, Benchmark).
   */
  private writeContainer(elements: ElementNode[], tree: EditTree, syntax: Syntax, out: Pieces, top = false): number {
    const inserts = insertsOf(elements, tree.edits);
    // Group length elements (gggg,0000) of groups that change get their new value at the end.
    // Elements outside [first, last] have no edit, so most skip the lookups (this loop runs for
    // every element of every changed container).
    const changedGroups = new Set<number>();
    let first = Infinity;
    let last = -1;
    for (const tag of tree.edits.keys()) {
      changedGroups.add(tag >>> 16);
      if (tag < first) first = tag;
      if (tag > last) last = tag;
    }
    for (const tag of tree.children.keys()) {
      changedGroups.add(tag >>> 16);
      if (tag < first) first = tag;
      if (tag > last) last = tag;
    }
    const groupLengths = new Map<number, GroupLength>();
    let total = 0;
    let next = 0;
    let marked = !top;
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i];
      const tag = e.tag;
      if (!marked && tag > last && next >= inserts.length) {
        // Nothing changes from here on: the output's head that the check walks again ends here.
        out.mark();
        marked = true;
      }
      while (next < inserts.length && inserts[next].tag < tag) {
        const insert = inserts[next++];
        total += addToGroup(groupLengths, insert.tag, writeElement(insert.tag, insert.edit.vr, insert.edit.encoded!, syntax, out));
      }
      if (tag >= first && tag <= last) {
        const edit = tree.edits.get(tag);
        if (edit) {
          if (edit.value !== null) total += addToGroup(groupLengths, tag, writeElement(tag, edit.vr, edit.encoded!, syntax, out));
          continue;
        }
        const itemEdits = tree.children.get(tag);
        if (itemEdits && e.items) {
          total += addToGroup(groupLengths, tag, this.writeSequence(e, itemEdits, syntax, out));
          continue;
        }
      }
      if ((tag & 0xffff) === 0 && changedGroups.has(tag >>> 16) && e.end - e.valueStart === 4) {
        const bytes = Buffer.from(this.source.subarray(e.start, e.end));
        out.add(bytes);
        total += bytes.length;
        groupLengths.set(tag >>> 16, { bytes, sum: 0 });
        continue;
      }
      out.copy(e.start, e.end);
      total += addToGroup(groupLengths, tag, e.end - e.start);
    }
    for (; next < inserts.length; next++) {
      const insert = inserts[next];
      total += addToGroup(groupLengths, insert.tag, writeElement(insert.tag, insert.edit.vr, insert.edit.encoded!, syntax, out));
    }
    if (!marked) out.mark();
    for (const { bytes, sum } of groupLengths.values()) writeU32(bytes, bytes.length - 4, sum, syntax.littleEndian);
    return total;
  }

  private writeSequence(e: ElementNode, itemEdits: Map<number, EditTree>, syntax: Syntax, out: Pieces): number {
    const header = Buffer.from(this.source.subarray(e.start, e.valueStart));
    out.add(header);
    let contentLength = 0;
    const inner = e.itemSyntax!;
    const items = e.items!;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const edits = itemEdits.get(index);
      if (edits) contentLength += this.writeItem(item, edits, inner, out);
      else {
        out.copy(item.start, item.end);
        contentLength += item.end - item.start;
      }
    }
    let total = header.length + contentLength;
    if (e.length === UNDEFINED) {
      out.copy(e.end - 8, e.end);
      total += 8;
    } else {
      // Defined-length sequence: its length field is the last 4 bytes of its header.
      writeU32(header, header.length - 4, contentLength, syntax.littleEndian);
    }
    return total;
  }

  private writeItem(item: ItemNode, edits: EditTree, syntax: Syntax, out: Pieces): number {
    const header = Buffer.from(this.source.subarray(item.start, item.valueStart));
    out.add(header);
    const contentLength = this.writeContainer(item.elements, edits, syntax, out);
    if (item.length === UNDEFINED) {
      out.copy(item.end - 8, item.end);
      return header.length + contentLength + 8;
    }
    writeU32(header, 4, contentLength, syntax.littleEndian);
    return header.length + contentLength;
  }
}

interface GroupLength {
  /** The group length element as it will be written; its value is patched at the end. */
  bytes: Uint8Array;
  /** Bytes written so far for the rest of the group. */
  sum: number;
}

/** Counts `length` bytes of `tag` into its group's length when that is recomputed; returns `length`. */
function addToGroup(groupLengths: Map<number, GroupLength>, tag: number, length: number): number {
  if (groupLengths.size > 0) {
    const groupLength = groupLengths.get(tag >>> 16);
    if (groupLength) groupLength.sum += length;
  }
  return length;
}

interface Insert {
  tag: number;
  edit: Edit;
}

/** The edits that add an element the container does not have, in tag order. */
function insertsOf(elements: ElementNode[], edits: Map<number, Edit>): Insert[] {
  const inserts: Insert[] = [];
  for (const [tag, edit] of edits) if (edit.value !== null && !findElement(elements, tag)) inserts.push({ tag, edit });
  if (inserts.length > 1) inserts.sort((a, b) => a.tag - b.tag);
  return inserts;
}

/**
 * Output pieces: new bytes, and ranges of the source, where ranges that follow each other are
 * merged into one view (one view per element was most of the writer's allocations).
 */
class Pieces {
  private readonly list: Uint8Array[] = [];
  private runStart = 0;
  private runEnd = 0;
  private readonly markList: number[] = [];
  constructor(private readonly source: Uint8Array) {}

  /** Ends the current piece here and remembers the place (an index into the pieces). */
  mark(): void {
    this.flush();
    this.markList.push(this.list.length);
  }

  marks(): number[] {
    return this.markList;
  }

  copy(start: number, end: number): void {
    if (start === this.runEnd && this.runEnd > this.runStart) this.runEnd = end;
    else {
      this.flush();
      this.runStart = start;
      this.runEnd = end;
    }
  }

  /** New bytes; the caller may still change them (lengths are patched after their contents). */
  add(bytes: Uint8Array): void {
    this.flush();
    this.list.push(bytes);
  }

  finish(): Uint8Array[] {
    this.flush();
    return this.list;
  }

  private flush(): void {
    if (this.runEnd > this.runStart) this.list.push(this.source.subarray(this.runStart, this.runEnd));
    this.runStart = this.runEnd = 0;
  }
}

/** Whether `bytes[start, end)` holds `expected`: a loop over a value of a few bytes, where Buffer.compare needs a view first. */
function sameBytes(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[start + i] !== expected[i]) return false;
  return true;
}

function padTo(bytes: Uint8Array, pad: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}

function writeU32(buf: Uint8Array, at: number, value: number, le: boolean): void {
  new DataView(buf.buffer, buf.byteOffset, buf.byteLength).setUint32(at, value, le);
}

/** Appends a new element (its header, then the value); returns its length in bytes. */
function writeElement(tag: number, vr: string, value: Uint8Array, syntax: Syntax, out: Pieces): number {
  const long = !syntax.explicit || LONG_VRS.has(vr);
  const header = new Uint8Array(syntax.explicit && long ? 12 : 8);
  const length = value.length;
  putU16(header, 0, tag >>> 16, syntax.littleEndian);
  putU16(header, 2, tag & 0xffff, syntax.littleEndian);
  if (!syntax.explicit) putU32(header, 4, length, syntax.littleEndian);
  else {
    header[4] = vr.charCodeAt(0);
    header[5] = vr.charCodeAt(1);
    if (long) putU32(header, 8, length, syntax.littleEndian);
    else putU16(header, 6, length, syntax.littleEndian);
  }
  out.add(header);
  if (length > 0) out.add(value);
  return header.length + length;
}

function putU16(bytes: Uint8Array, at: number, value: number, le: boolean): void {
  bytes[at + (le ? 0 : 1)] = value & 0xff;
  bytes[at + (le ? 1 : 0)] = value >>> 8;
}

function putU32(bytes: Uint8Array, at: number, value: number, le: boolean): void {
  for (let i = 0; i < 4; i++) bytes[at + (le ? i : 3 - i)] = (value >>> (8 * i)) & 0xff;
}

/**
 * ASCII values, encoded and padded, by value and pad byte: a batch writes the same few values
 * into every file. ASCII encodes the same in every character set the writer accepts.
 */
const asciiValues = new Map<string, Uint8Array>();
const ASCII_CACHE_LIMIT = 4096;

/** The value's bytes in the file's character set, padded to even length (PS3.5 6.2). */
function encodeValue(charset: Charset, value: string, vr: string): Uint8Array {
  const pad = vr === 'UI' ? 0 : 0x20;
  const key = pad === 0 ? `\0${value}` : value;
  const known = asciiValues.get(key);
  if (known) return known;
  const encoded = charset.encode(value, vr);
  if ('refused' in encoded) throw new AccessRefusal(encoded.refused, 'error');
  const padded = encoded.length % 2 === 0 ? encoded : padTo(encoded, pad);
  if (value.length <= 256 && /^[\x00-\x7f]*$/.test(value)) {
    if (asciiValues.size >= ASCII_CACHE_LIMIT) asciiValues.clear();
    asciiValues.set(key, padded);
  }
  return padded;
}
