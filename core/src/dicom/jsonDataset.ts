/**
 * DatasetAccess over a DICOM JSON data set (PS3.18 Annex F): `{"00100010": {"vr": "PN",
 * "Value": [{"Alphabetic": "DOE^JOHN"}]}}`. A multi-valued attribute is seen as its values joined
 * with backslashes; a PN value as its component groups joined with "=" (as in Part 10).
 */
import { getDictionary } from '../dictionary/index';
import { formatTag } from '../dictionary/tag';
import { isCoercibleVr, STRING_VRS } from '../coercion/vrRules';
import { AccessRefusal, type AttributeRef, type DatasetAccess } from '../coercion/datasetAccess';

export type JsonDataset = Record<string, JsonAttribute>;
export interface JsonAttribute {
  vr?: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

const key = (group: number, element: number): string =>
  (group.toString(16).padStart(4, '0') + element.toString(16).padStart(4, '0')).toUpperCase();

export class JsonDatasetError extends Error {}

/** Checks the shape we rely on, naming the first attribute that does not fit. */
export function checkJsonDataset(value: unknown, where = ''): asserts value is JsonDataset {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JsonDatasetError(`${where || 'top level'}: expected a JSON object of attributes`);
  for (const [tag, attr] of Object.entries(value as Record<string, unknown>)) {
    const at = `${where}${where ? '/' : ''}${tag}`;
    if (!/^[0-9A-Fa-f]{8}$/.test(tag)) throw new JsonDatasetError(`${at}: attribute key is not 8 hex digits`);
    if (typeof attr !== 'object' || attr === null || Array.isArray(attr)) throw new JsonDatasetError(`${at}: expected an object with "vr"`);
    const a = attr as JsonAttribute;
    if (typeof a.vr !== 'string' || !/^[A-Z]{2}$/.test(a.vr)) throw new JsonDatasetError(`${at}: missing or invalid "vr"`);
    if (a.Value !== undefined && !Array.isArray(a.Value)) throw new JsonDatasetError(`${at}: "Value" must be an array`);
    if (a.vr === 'SQ') (a.Value ?? []).forEach((item, i) => checkJsonDataset(item, `${at}/${i}`));
  }
}

function pnText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  const o = v as { Alphabetic?: string; Ideographic?: string; Phonetic?: string };
  const groups = [o.Alphabetic ?? '', o.Ideographic ?? '', o.Phonetic ?? ''];
  while (groups.length > 1 && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

function pnValue(text: string): unknown {
  const [Alphabetic, Ideographic, Phonetic] = text.split('=');
  const o: Record<string, string> = {};
  if (Alphabetic) o.Alphabetic = Alphabetic;
  if (Ideographic) o.Ideographic = Ideographic;
  if (Phonetic) o.Phonetic = Phonetic;
  return o;
}

export class JsonDatasetAccess implements DatasetAccess {
  private changed = false;
  constructor(readonly root: JsonDataset) {}

  get hasEdits(): boolean {
    return this.changed;
  }

  private container(ref: AttributeRef): JsonDataset | undefined {
    let ds = this.root;
    for (const step of ref.sequence) {
      const seq = ds[key(step.group, step.element)];
      if (!seq || seq.vr !== 'SQ') return undefined;
      const item = seq.Value?.[step.item];
      if (!item) return undefined;
      ds = item as JsonDataset;
    }
    return ds;
  }

  hasContainer(ref: AttributeRef): boolean {
    return this.container(ref) !== undefined;
  }

  vrOf(ref: AttributeRef): string | undefined {
    return this.container(ref)?.[key(ref.group, ref.element)]?.vr ?? getDictionary().byTag(ref.group, ref.element)?.vr;
  }

  get(ref: AttributeRef): string | null {
    const attr = this.container(ref)?.[key(ref.group, ref.element)];
    if (!attr) return null;
    if (!attr.Value || attr.vr === 'SQ') return '';
    const values = attr.Value.map((v) => (attr.vr === 'PN' ? pnText(v) : v === null || v === undefined ? '' : String(v)));
    return values.join('\\');
  }

  private writableVr(ref: AttributeRef): string {
    const where = formatTag(ref.group, ref.element);
    if (ref.group === 0x0002) throw new AccessRefusal(`${where} is file meta information, which coercion does not change`, 'skip');
    if (ref.group === 0x0008 && ref.element === 0x0005) throw new AccessRefusal('(0008,0005) Specific Character Set is not coerced: changing it would change the meaning of every other text value', 'skip');
    const ds = this.container(ref);
    if (!ds) throw new AccessRefusal('the sequence item does not exist', 'skip');
    const existing = ds[key(ref.group, ref.element)];
    let vr = existing?.vr;
    if (!vr) {
      if (ref.group % 2 === 1) throw new AccessRefusal(`${where} is a private attribute that is not present; its VR is unknown, so it is not created`, 'skip');
      const entry = getDictionary().byTag(ref.group, ref.element);
      if (!entry) throw new AccessRefusal(`${where} is not in the data dictionary; its VR is unknown, so it is not created`, 'skip');
      if (!isCoercibleVr(entry.vr)) throw new AccessRefusal(`${where} has VR ${entry.vr}; only string attributes can be coerced`, 'skip');
      vr = entry.vr.split('|')[0];
    }
    if (!STRING_VRS.has(vr)) throw new AccessRefusal(`${where} has VR ${vr}; only string attributes can be coerced`, 'skip');
    return vr;
  }

  set(ref: AttributeRef, value: string): void {
    const vr = this.writableVr(ref);
    const ds = this.container(ref)!;
    const k = key(ref.group, ref.element);
    const attr: JsonAttribute = { vr };
    if (value !== '') {
      attr.Value = value.split('\\').map((v) => {
        if (vr === 'PN') return pnValue(v);
        // PS3.18 F.2.3: IS and DS values are JSON numbers when they are plain numbers.
        if ((vr === 'IS' || vr === 'DS') && v.trim() !== '' && String(Number(v)) === v.trim()) return Number(v);
        return v;
      });
    }
    ds[k] = attr;
    this.changed = true;
  }

  delete(ref: AttributeRef): void {
    if (this.get(ref) === null) return;
    this.writableVr(ref);
    delete this.container(ref)![key(ref.group, ref.element)];
    this.changed = true;
  }
}

/**
 * JSON text with attributes in tag order, recursively. Written by hand because JavaScript
 * objects put keys that look like array indexes (e.g. "20100010") first, whatever their order.
 */
export function serializeJsonDataset(ds: JsonDataset | JsonDataset[], indent = 2): string {
  const pad = (depth: number): string => (indent ? '\n' + ' '.repeat(indent * depth) : '');
  const colon = indent ? ': ' : ':';
  const value = (v: unknown, depth: number): string => {
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return '[' + v.map((x) => pad(depth + 1) + value(x, depth + 1)).join(',') + pad(depth) + ']';
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) return '{}';
      const isDataset = entries.every(([k]) => /^[0-9A-Fa-f]{8}$/.test(k));
      if (isDataset) entries.sort((a, b) => parseInt(a[0], 16) - parseInt(b[0], 16));
      return '{' + entries.map(([k, x]) => pad(depth + 1) + JSON.stringify(k) + colon + value(x, depth + 1)).join(',') + pad(depth) + '}';
    }
    return JSON.stringify(v) ?? 'null';
  };
  return value(ds, 0) + (indent ? '\n' : '');
}
