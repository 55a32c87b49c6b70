/**
 * What the preview shows, computed without VS Code: rule sets run against each sample with the
 * real evaluator, boiled down to plain, JSON-safe data (no pixel data, long values clipped), so
 * it can be rendered (render.ts), posted to the webview, returned by the test hook, and tested
 * in plain Node.
 */
import * as path from 'node:path';
import { evaluateRules, type RuleSetInput, type TraceOutcome } from '../../../../core/src/coercion/evaluate';
import { clipDump, dumpAccess, dumpLines, type DumpAttribute } from '../../../../core/src/dicom/dump';
import { DicomFileError, loadDatasetBytes, type LoadedDataset } from '../../../../core/src/dicom/files';
import { getDictionary, parseTag } from '../../../../core/src/dictionary/index';

/** Values longer than this are clipped: the webview is for reading, not for whole UT reports. */
export const MAX_VALUE_LENGTH = 500;
/** Larger files are not read at all; a preview of a huge multi-frame object helps nobody. */
export const MAX_SAMPLE_BYTES = 256 * 1024 * 1024;

/** One sample as the extension read it: its bytes, or why they could not be read. */
export interface SampleInput {
  /** Shown as the sample's title, e.g. `samples/ct-outside.dcm`. */
  name: string;
  uri: string;
  bytes?: Uint8Array;
  readError?: string;
}

/** Where a rule is: enough to show `rules.coerce:3` and to reveal the line. */
export interface RuleLocation {
  ruleSet: string;
  uri?: string;
  /** 0-based, as in the syntax tree. */
  line: number;
}

export interface PreviewChange extends RuleLocation {
  /** `(0010,0010)` or `SEQ(0040,0275,0,0040,1001)`. */
  path: string;
  /** Dictionary keyword of the attribute (the leaf of a SEQ path); empty for private tags. */
  keyword: string;
  before: string | null;
  after: string | null;
}

export interface PreviewTraceEntry extends RuleLocation {
  target: string;
  value: string | null;
  outcome: TraceOutcome;
  reason?: string;
}

/**
 * One line of "show all attributes": an attribute before and after the rules, side by side. A
 * sequence's row is followed by a row per item and then the item's attributes (depth + 2).
 */
export interface AttributeRow {
  kind: 'attribute' | 'sequence' | 'item';
  /** How a rule names it (`SEQ(...)` inside items); for an item row, the sequence's path and `[n]`. */
  path: string;
  tag: string;
  keyword: string;
  vr: string;
  depth: number;
  /** Text of the value; `<...>` for a summarised bulk value, `N items` for a sequence; null: absent. */
  before: string | null;
  after: string | null;
  changed: boolean;
  privateCreator?: string;
}

export type SampleStatus = 'changed' | 'unchanged' | 'stopped' | 'failed';

export interface SamplePreview {
  name: string;
  uri: string;
  status: SampleStatus;
  /** Why the sample could not be read or evaluated (status `failed`). */
  error?: string;
  format?: 'part10' | 'json';
  stoppedBy?: RuleLocation;
  changes: PreviewChange[];
  trace: PreviewTraceEntry[];
  /** Rules that failed to evaluate (trace outcome `error`). */
  errors: number;
  /** Every attribute before and after, when the sample's "show all attributes" is on. */
  attributes?: AttributeRow[];
}

export interface PreviewModel {
  /** The rule file being edited (the one the preview follows). */
  document: { uri: string; name: string; version?: number };
  /** Names of the rule sets, in the order they ran. */
  ruleSets: string[];
  /** Things the user should know that belong to no sample, e.g. a global rules file not found. */
  notes: string[];
  samples: SamplePreview[];
}

export function clip(value: string | null): string | null {
  if (value === null || value.length <= MAX_VALUE_LENGTH) return value;
  return `${value.slice(0, MAX_VALUE_LENGTH)}… (${value.length} characters)`;
}

/** `rules.coerce:3`: file name and 1-based line, the way editors and compilers name a line. */
export function ruleLabel(location: RuleLocation): string {
  const file = location.uri ? path.posix.basename(location.uri.replace(/[?#].*$/, '')) : location.ruleSet;
  return `${decodeURIComponent(file)}:${location.line + 1}`;
}

function keywordOf(group: number, element: number): string {
  return getDictionary().byTag(group, element)?.keyword ?? '';
}

/** Keyword of a `(gggg,eeee)` tag; empty for private and unknown tags. */
export function keywordOfTag(tag: string): string {
  const parts = parseTag(tag);
  return parts ? keywordOf(parts.group, parts.element) : '';
}

const location = (l: { ruleSet: string; uri?: string; line: number }): RuleLocation =>
  l.uri === undefined ? { ruleSet: l.ruleSet, line: l.line } : { ruleSet: l.ruleSet, uri: l.uri, line: l.line };

function rowValue(a: DumpAttribute | undefined): string | null {
  if (!a) return null;
  if (a.items) return `${a.items.length} item${a.items.length === 1 ? '' : 's'}`;
  if (a.summary !== undefined) return `<${a.summary}>`;
  return a.value ?? '';
}

/** The two trees side by side in tag order, recursing into the items of sequences. */
export function mergeAttributes(before: DumpAttribute[], after: DumpAttribute[], depth = 0, out: AttributeRow[] = []): AttributeRow[] {
  const key = (a: DumpAttribute): number => a.group * 0x10000 + a.element;
  const byTag = new Map<number, { before?: DumpAttribute; after?: DumpAttribute }>();
  for (const a of before) byTag.set(key(a), { before: a });
  for (const a of after) byTag.set(key(a), { ...byTag.get(key(a)), after: a });
  for (const tag of [...byTag.keys()].sort((x, y) => x - y)) {
    const { before: b, after: a } = byTag.get(tag)!;
    const some = (a ?? b)!;
    const row: AttributeRow = {
      kind: b?.items || a?.items ? 'sequence' : 'attribute',
      path: some.path, tag: some.tag, keyword: some.keyword, vr: some.vr, depth,
      before: rowValue(b), after: rowValue(a), changed: false,
    };
    row.changed = row.before !== row.after;
    if (some.privateCreator !== undefined) row.privateCreator = some.privateCreator;
    out.push(row);
    if (row.kind === 'sequence') {
      const count = Math.max(b?.items?.length ?? 0, a?.items?.length ?? 0);
      for (let i = 0; i < count; i++) {
        const bi = b?.items?.[i];
        const ai = a?.items?.[i];
        out.push({
          kind: 'item', path: `${some.path}[${i}]`, tag: some.tag, keyword: `item ${i + 1}`, vr: '', depth: depth + 1,
          before: bi ? 'item' : null, after: ai ? 'item' : null, changed: !bi !== !ai,
        });
        mergeAttributes(bi ?? [], ai ?? [], depth + 2, out);
      }
    }
  }
  return out;
}

/** The object after the rules, read back from the bytes the writer would produce. */
function reloaded(loaded: LoadedDataset, name: string): LoadedDataset {
  return loadDatasetBytes(loaded.serialize(), name);
}

/** Both sides of a sample as text dumps (one attribute a line, tag order) for a diff editor. */
export function sampleDumps(ruleSets: RuleSetInput[], sample: SampleInput): { before: string[]; after: string[]; stopped: boolean } {
  if (sample.bytes === undefined) throw new Error(sample.readError ?? `${sample.name}: the file could not be read`);
  const original = loadDatasetBytes(sample.bytes, sample.name);
  const dumpOf = (l: LoadedDataset): string[] => {
    const d = dumpAccess(l.access);
    return [...dumpLines(d.meta), ...dumpLines(d.dataset)];
  };
  const before = dumpOf(original);
  const edited = loadDatasetBytes(sample.bytes, sample.name);
  const result = evaluateRules(ruleSets, edited.access);
  return { before, after: dumpOf(reloaded(edited, sample.name)), stopped: result.stopped };
}

export interface SampleOptions {
  /** Also list every attribute before and after (the sample's "show all attributes"). */
  allAttributes?: boolean;
}

/** Runs `ruleSets` (in order) on one sample; never throws: a failure is the sample's status. */
export function previewSample(ruleSets: RuleSetInput[], sample: SampleInput, options: SampleOptions = {}): SamplePreview {
  const base = { name: sample.name, uri: sample.uri, changes: [], trace: [], errors: 0 };
  if (sample.bytes === undefined) return { ...base, status: 'failed', error: sample.readError ?? 'the file could not be read' };
  if (sample.bytes.length > MAX_SAMPLE_BYTES) {
    return { ...base, status: 'failed', error: `the file is ${sample.bytes.length} bytes; samples over ${MAX_SAMPLE_BYTES} bytes are not previewed` };
  }
  let loaded;
  try {
    // Loaded afresh for every evaluation: the evaluator edits the data set it is given.
    loaded = loadDatasetBytes(sample.bytes, sample.name);
  } catch (error) {
    const reason = error instanceof DicomFileError ? error.reason : error instanceof Error ? error.message : String(error);
    return { ...base, status: 'failed', error: `not readable as DICOM: ${reason}` };
  }
  let result;
  try {
    result = evaluateRules(ruleSets, loaded.access);
  } catch (error) {
    // A bug in the evaluator must not blank the whole preview; show it on this sample.
    return { ...base, format: loaded.format, status: 'failed', error: `evaluation failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const preview: SamplePreview = {
    ...base,
    format: loaded.format,
    status: result.stopped ? 'stopped' : result.changes.length > 0 ? 'changed' : 'unchanged',
    changes: result.changes.map((c) => ({
      ...location(c),
      path: c.path,
      keyword: keywordOf(c.ref.group, c.ref.element),
      before: clip(c.before),
      after: clip(c.after),
    })),
    trace: result.trace.map((t) => {
      const entry: PreviewTraceEntry = { ...location(t), target: t.target, value: clip(t.value), outcome: t.outcome };
      if (t.reason !== undefined) entry.reason = t.reason;
      return entry;
    }),
    errors: result.errors,
  };
  if (result.stoppedBy) preview.stoppedBy = location(result.stoppedBy);
  if (options.allAttributes) {
    try {
      const before = dumpAccess(loadDatasetBytes(sample.bytes, sample.name).access);
      const after = dumpAccess(reloaded(loaded, sample.name).access);
      preview.attributes = mergeAttributes(clipDump(before.dataset), clipDump(after.dataset));
    } catch (error) {
      preview.error = `the attributes cannot be listed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return preview;
}

export function buildPreview(
  document: PreviewModel['document'],
  ruleSets: RuleSetInput[],
  samples: SampleInput[],
  notes: string[] = [],
  /** URIs of the samples whose "show all attributes" is on. */
  expanded: ReadonlySet<string> = new Set(),
): PreviewModel {
  return {
    document,
    ruleSets: ruleSets.map((s) => s.name),
    notes,
    samples: samples.map((s) => previewSample(ruleSets, s, { allAttributes: expanded.has(s.uri) })),
  };
}

/** What the test hook returns: the model in a compact, comparable form. */
export interface PreviewSummary {
  document: string;
  documentVersion?: number;
  ruleSets: string[];
  notes: string[];
  samples: Array<{
    name: string;
    status: SampleStatus;
    error?: string;
    stoppedBy?: string;
    changes: Array<{ path: string; keyword: string; before: string | null; after: string | null; rule: string }>;
    trace: Array<{ rule: string; target: string; outcome: TraceOutcome }>;
  }>;
}

export function summarize(model: PreviewModel): PreviewSummary {
  const summary: PreviewSummary = {
    document: model.document.uri,
    ruleSets: model.ruleSets,
    notes: model.notes,
    samples: model.samples.map((s) => {
      const sample: PreviewSummary['samples'][number] = {
        name: s.name,
        status: s.status,
        changes: s.changes.map((c) => ({ path: c.path, keyword: c.keyword, before: c.before, after: c.after, rule: ruleLabel(c) })),
        trace: s.trace.map((t) => ({ rule: ruleLabel(t), target: t.target, outcome: t.outcome })),
      };
      if (s.error !== undefined) sample.error = s.error;
      if (s.stoppedBy) sample.stoppedBy = ruleLabel(s.stoppedBy);
      return sample;
    }),
  };
  if (model.document.version !== undefined) summary.documentVersion = model.document.version;
  return summary;
}
