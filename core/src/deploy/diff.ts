/**
 * The difference between what a server holds and what the workspace says, item by item and
 * field by field. Pure: both sides are plain records (a target turns its own state into them),
 * so the same diff serves Orthanc modalities and exported files, and is easy to test.
 */

export type FieldValue = string | number | boolean | null;
export type ItemFields = Record<string, FieldValue>;
/** Items by ID (an Orthanc modality name, `device CT1`, `global preceding`, ...). */
export type ItemMap = Record<string, ItemFields>;

export interface FieldChange {
  field: string;
  /** undefined: the field is absent on that side. */
  before: FieldValue | undefined;
  after: FieldValue | undefined;
}

export interface ChangedItem {
  id: string;
  changes: FieldChange[];
}

export interface DeployDiff {
  added: string[];
  changed: ChangedItem[];
  removed: string[];
  unchanged: string[];
}

/** `current` = the server now, `desired` = the workspace. IDs are compared exactly. */
export function diffItems(current: ItemMap, desired: ItemMap): DeployDiff {
  const diff: DeployDiff = { added: [], changed: [], removed: [], unchanged: [] };
  for (const id of Object.keys(desired).sort()) {
    const before = current[id];
    if (!Object.prototype.hasOwnProperty.call(current, id)) {
      diff.added.push(id);
      continue;
    }
    const changes = diffFields(before, desired[id]);
    if (changes.length === 0) diff.unchanged.push(id);
    else diff.changed.push({ id, changes });
  }
  for (const id of Object.keys(current).sort()) {
    if (!Object.prototype.hasOwnProperty.call(desired, id)) diff.removed.push(id);
  }
  return diff;
}

export function diffFields(before: ItemFields, after: ItemFields): FieldChange[] {
  const changes: FieldChange[] = [];
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const field of fields) {
    const b = has(before, field) ? before[field] : undefined;
    const a = has(after, field) ? after[field] : undefined;
    if (b !== a) changes.push({ field, before: b, after: a });
  }
  return changes;
}

function has(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

export function changeCount(diff: DeployDiff): number {
  return diff.added.length + diff.changed.length + diff.removed.length;
}

export function isEmptyDiff(diff: DeployDiff): boolean {
  return changeCount(diff) === 0;
}

/** `11 changes`: added, changed and removed items, the one number every message uses. */
export function changesText(diff: DeployDiff): string {
  const n = changeCount(diff);
  return `${n} change${n === 1 ? '' : 's'}`;
}

/**
 * Human-readable lines: `+ CT1`, `~ MR1: Port 104 → 11112`, `- OLD`, then a count line. With
 * `operations`, the count line also says how many writes make the changes (a folder target
 * writes one file for several items), so both numbers are named wherever they appear.
 */
export function formatDiff(diff: DeployDiff, showUnchanged = false, operations?: number): string[] {
  const lines: string[] = [];
  for (const id of diff.added) lines.push(`+ ${id}`);
  for (const c of diff.changed) {
    lines.push(`~ ${c.id}`);
    for (const ch of c.changes) lines.push(`    ${ch.field}: ${show(ch.before)} → ${show(ch.after)}`);
  }
  for (const id of diff.removed) lines.push(`- ${id}`);
  if (showUnchanged) for (const id of diff.unchanged) lines.push(`= ${id}`);
  const ops = operations === undefined ? '' : `: ${changesText(diff)} in ${operations} operation${operations === 1 ? '' : 's'}`;
  lines.push(`${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed, ${diff.unchanged.length} unchanged${ops}`);
  return lines;
}

/**
 * One line per item, sorted by ID, every field on it (`device CT1  AE="CT1"  Port=104`): the
 * text of one side of the plan, so that VS Code's diff editor shows the plan exactly.
 */
export function itemLines(items: ItemMap): string[] {
  return Object.keys(items)
    .sort()
    .map((id) => {
      const fields = Object.keys(items[id]).sort().map((f) => `${f}=${JSON.stringify(items[id][f])}`);
      return [id, ...fields].join('  ');
    });
}

function show(v: FieldValue | undefined): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') {
    if (v.includes('\n')) {
      const n = v.split('\n').filter((l) => l !== '').length;
      return `(${n} line${n === 1 ? '' : 's'})`;
    }
    return JSON.stringify(v);
  }
  return String(v);
}
