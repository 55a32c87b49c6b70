/**
 * A data set as a tree of attributes for people to read: tag, keyword, VR, VM, stored length and
 * the value as text, with sequences and their items, private tags with their creator, and bulk
 * values (pixel data, OB/OW...) summarised instead of dumped. The same tree gives the text dump
 * (one attribute a line, in tag order) that "Compare Before/After" diffs, so two dumps of the
 * same object differ exactly where an attribute does.
 *
 * Values come from the data set's own DatasetAccess, so they read as the rules see them
 * (character set decoded, numbers of binary VRs as text, padding trimmed).
 */
import { formatTag, getDictionary } from '../dictionary/index';
import { isPrivateCreator, privateCreatorElementFor } from '../dictionary/index';
import { formatRef, type AttributeRef, type DatasetAccess, type SequenceStep } from '../coercion/datasetAccess';
import type { SkippedValue } from './head';
import { JsonDatasetAccess, type JsonAttribute, type JsonDataset } from './jsonDataset';
import type { ElementNode, Part10File } from './part10';
import { Part10Dataset } from './part10Dataset';

/** Longer text values are cut in the tree (the dump lines keep them whole). */
export const MAX_DUMP_VALUE = 1000;
const PIXEL_DATA = 0x7fe00010;
const UNDEFINED = 0xffffffff;
/** Bulk VRs: shown as a byte count and, when short, their bytes in hex. */
const BULK_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
/** Hex is shown for bulk values up to this many bytes (e.g. File Meta Information Version). */
const MAX_HEX_BYTES = 16;

export interface DumpAttribute {
  /** `(0010,0010)`. */
  tag: string;
  group: number;
  element: number;
  /** How a rule names it: `(0010,0010)` or `SEQ(0040,0275,0,0040,1001)`; unique in the data set. */
  path: string;
  /** Dictionary keyword; `PrivateCreator` for a private creator; empty for other private tags. */
  keyword: string;
  vr: string;
  /** Number of values (1 for a sequence or bulk value, 0 when empty). */
  vm: number;
  /** Value length as stored in bytes; undefined for undefined length or DICOM JSON. */
  length?: number;
  /** The value as text (rule view); absent for sequences. Bulk values get `summary` instead. */
  value?: string;
  /** For bulk values: what they are, never their content (e.g. `524288 bytes, 512×512, 1 frame`). */
  summary?: string;
  /** Private data elements: the creator that reserves their block, e.g. `ACME 1.0`. */
  privateCreator?: string;
  /** Sequences: their items, each a list of attributes. */
  items?: DumpAttribute[][];
}

export interface DatasetDump {
  format: 'part10' | 'json';
  transferSyntax?: string;
  /** File meta information (group 0002); empty for DICOM JSON. */
  meta: DumpAttribute[];
  dataset: DumpAttribute[];
}

const keywordOf = (group: number, element: number): string => {
  if (isPrivateCreator(group, element)) return 'PrivateCreator';
  if (group % 2 === 1) return '';
  return getDictionary().byTag(group, element)?.keyword ?? '';
};

const countValues = (value: string): number => (value === '' ? 0 : value.split('\\').length);

/** Walks containers of either format through the same steps; values are read by `access`. */
interface Source {
  access: DatasetAccess;
  /** Raw text of a private creator element in the container (for data elements of its block). */
  creator(container: AttributeRef['sequence'], group: number, creatorElement: number): string | undefined;
}

function finish(attribute: DumpAttribute, source: Source, sequence: SequenceStep[]): DumpAttribute {
  const block = privateCreatorElementFor(attribute.group, attribute.element);
  if (block !== undefined) {
    const creator = source.creator(sequence, attribute.group, block);
    if (creator !== undefined) attribute.privateCreator = creator;
  }
  return attribute;
}

function clipValue(value: string): string {
  return value.length <= MAX_DUMP_VALUE ? value : `${value.slice(0, MAX_DUMP_VALUE)}… (${value.length} characters)`;
}

// ---- Part 10 -------------------------------------------------------------------------------

function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Fragments of encapsulated pixel data: counted from their item headers, never read. */
function fragmentsOf(bytes: Uint8Array, e: ElementNode): { count: number; bytes: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = e.valueStart;
  let count = 0;
  let total = 0;
  while (at + 8 <= e.end) {
    const tag = ((view.getUint16(at, true) << 16) | view.getUint16(at + 2, true)) >>> 0;
    if (tag === 0xfffee0dd) break;
    const length = view.getUint32(at + 4, true);
    count++;
    total += length;
    at += 8 + length;
  }
  // The first item is the Basic Offset Table, not a fragment of a frame.
  return { count: Math.max(0, count - 1), bytes: total };
}

function pixelSummary(access: DatasetAccess, sequence: SequenceStep[], storedBytes: string): string {
  const read = (element: number): string | null => access.get({ sequence, group: 0x0028, element });
  const rows = read(0x0010);
  const columns = read(0x0011);
  const frames = read(0x0008);
  const bits = read(0x0100);
  const parts = [storedBytes];
  if (rows && columns) parts.push(`${columns}×${rows}`);
  const n = Number(frames || '1');
  parts.push(`${Number.isFinite(n) && n > 0 ? n : 1} frame${n === 1 || !Number.isFinite(n) ? '' : 's'}`);
  if (bits) parts.push(`${bits} bits allocated`);
  return `${parts.join(', ')}; not shown`;
}

function part10Attributes(elements: ElementNode[], bytes: Uint8Array, source: Source, sequence: SequenceStep[], skipped?: ReadonlyMap<number, SkippedValue>): DumpAttribute[] {
  return elements.map((e) => {
    const group = e.tag >>> 16;
    const element = e.tag & 0xffff;
    const ref: AttributeRef = { sequence, group, element };
    const attribute: DumpAttribute = {
      tag: formatTag(group, element), group, element, path: formatRef(ref), keyword: keywordOf(group, element), vr: e.vr, vm: 1,
    };
    if (e.length !== UNDEFINED) attribute.length = e.length;
    const notRead = sequence.length === 0 ? skipped?.get(e.tag) : undefined;
    if (notRead) {
      // Left on disk by readPart10Head: describe it from what the header said.
      const encapsulated = notRead.fragments !== undefined;
      if (encapsulated) delete attribute.length;
      else attribute.length = notRead.bytes;
      const stored = encapsulated ? `encapsulated, ${notRead.fragments} fragment${notRead.fragments === 1 ? '' : 's'}, ${notRead.bytes} bytes` : `${notRead.bytes} bytes`;
      attribute.summary = e.tag === PIXEL_DATA ? pixelSummary(source.access, sequence, stored) : `${stored}; not read`;
    } else if (e.items) {
      attribute.items = e.items.map((item, index) => part10Attributes(item.elements, bytes, source, [...sequence, { group, element, item: index }]));
    } else if (e.tag === PIXEL_DATA && sequence.length === 0) {
      const stored = e.length === UNDEFINED
        ? (() => {
            const f = fragmentsOf(bytes, e);
            return `encapsulated, ${f.count} fragment${f.count === 1 ? '' : 's'}, ${f.bytes} bytes`;
          })()
        : `${e.length} bytes`;
      attribute.summary = pixelSummary(source.access, sequence, stored);
    } else if (BULK_VRS.has(e.vr) || e.length === UNDEFINED) {
      const length = e.end - e.valueStart;
      attribute.summary = length <= MAX_HEX_BYTES ? `${length} bytes: ${hexOf(bytes.subarray(e.valueStart, e.end))}` : `${length} bytes; not shown`;
    } else {
      const value = source.access.get(ref) ?? '';
      attribute.value = value;
      attribute.vm = countValues(value);
    }
    return finish(attribute, source, sequence);
  });
}

function metaAttributes(file: Part10File): DumpAttribute[] {
  // Meta elements are always Explicit VR Little Endian, whatever the data set uses.
  const meta = new Part10Dataset({ ...file, syntax: { explicit: true, littleEndian: true }, elements: file.meta, deflated: undefined });
  const source: Source = { access: meta, creator: () => undefined };
  return part10Attributes(file.meta, file.bytes, source, []);
}

/** `skipped`: top-level values that readPart10Head left on disk (their elements are empty here). */
export function dumpPart10(file: Part10File, skipped?: ReadonlyMap<number, SkippedValue>): DatasetDump {
  const access = new Part10Dataset(file);
  const bytes = file.deflated ? file.deflated.bytes : file.bytes;
  const source: Source = {
    access,
    creator: (sequence, group, block) => access.get({ sequence, group, element: block }) ?? undefined,
  };
  return {
    format: 'part10',
    transferSyntax: file.transferSyntax,
    meta: metaAttributes(file),
    dataset: part10Attributes(file.deflated ? file.deflated.elements : file.elements, bytes, source, [], skipped),
  };
}

// ---- DICOM JSON ----------------------------------------------------------------------------

function jsonAttributes(ds: JsonDataset, source: Source, sequence: SequenceStep[]): DumpAttribute[] {
  return Object.keys(ds)
    .sort((a, b) => parseInt(a, 16) - parseInt(b, 16))
    .map((key) => {
      const group = parseInt(key.slice(0, 4), 16);
      const element = parseInt(key.slice(4), 16);
      const a: JsonAttribute = ds[key];
      const vr = a.vr ?? 'UN';
      const ref: AttributeRef = { sequence, group, element };
      const attribute: DumpAttribute = { tag: formatTag(group, element), group, element, path: formatRef(ref), keyword: keywordOf(group, element), vr, vm: 1 };
      if (vr === 'SQ') {
        attribute.items = (a.Value ?? []).map((item, index) => jsonAttributes(item as JsonDataset, source, [...sequence, { group, element, item: index }]));
      } else if (a.InlineBinary !== undefined) {
        attribute.summary = `${Math.floor((a.InlineBinary.replace(/=+$/, '').length * 3) / 4)} bytes inline; not shown`;
      } else if (a.BulkDataURI !== undefined) {
        attribute.summary = `bulk data at ${a.BulkDataURI}`;
      } else {
        const value = source.access.get(ref) ?? '';
        attribute.value = value;
        attribute.vm = countValues(value);
      }
      return finish(attribute, source, sequence);
    });
}

export function dumpJson(root: JsonDataset): DatasetDump {
  const access = new JsonDatasetAccess(root);
  const source: Source = { access, creator: (sequence, group, block) => access.get({ sequence, group, element: block }) ?? undefined };
  return { format: 'json', meta: [], dataset: jsonAttributes(root, source, []) };
}

/** The dump of whatever `loadDatasetBytes` loaded: its access is a Part10Dataset or a JsonDatasetAccess. */
export function dumpAccess(access: DatasetAccess): DatasetDump {
  if (access instanceof Part10Dataset) return dumpPart10(access.file);
  if (access instanceof JsonDatasetAccess) return dumpJson(access.root);
  throw new Error('dumpAccess: not a Part 10 or DICOM JSON data set');
}

/** Cuts long text values for display (the tree goes to a webview; dump lines stay whole). */
export function clipDump(attributes: DumpAttribute[]): DumpAttribute[] {
  return attributes.map((a) => {
    const copy: DumpAttribute = { ...a };
    if (copy.value !== undefined) copy.value = clipValue(copy.value);
    if (copy.items) copy.items = copy.items.map(clipDump);
    return copy;
  });
}

/** Every attribute of the tree, depth first in tag order (sequence before its items' attributes). */
export function flattenDump(attributes: DumpAttribute[]): DumpAttribute[] {
  const out: DumpAttribute[] = [];
  const walk = (list: DumpAttribute[]): void => {
    for (const a of list) {
      out.push(a);
      for (const item of a.items ?? []) walk(item);
    }
  };
  walk(attributes);
  return out;
}

/** What a line shows after the keyword: the quoted value, the summary, or the item count. */
export function displayValue(a: DumpAttribute): string {
  if (a.items) return `${a.items.length} item${a.items.length === 1 ? '' : 's'}`;
  if (a.summary !== undefined) return `<${a.summary}>`;
  return JSON.stringify(a.value ?? '');
}

/**
 * One attribute a line, in tag order, sequences before their items' attributes:
 * `(0010,0010) PN PatientName "JANE^SMITH"`, `SEQ(0040,0275,0,0040,1001) SH RequestedProcedureID "RP77"`.
 * Values are JSON strings, so a trailing space or a newline shows and stays on its line.
 */
export function dumpLines(attributes: DumpAttribute[]): string[] {
  return flattenDump(attributes).map((a) => {
    const creator = a.privateCreator !== undefined ? ` [${a.privateCreator}]` : '';
    const keyword = a.keyword ? ` ${a.keyword}` : '';
    return `${a.path} ${a.vr}${keyword}${creator} ${displayValue(a)}`;
  });
}
