/**
 * Deploy target: a folder, for servers we cannot reach by API (eRAD itself). Per server it
 * holds what an administrator types or pastes into eRAD:
 *
 *   <folder>/<SERVER>/devices.tsv          the device table, one row per device
 *   <folder>/<SERVER>/categories.tsv       the categories
 *   <folder>/<SERVER>/rules/<ID>.txt       a device's rules, ready for the Data Coercion box
 *   <folder>/<SERVER>/global/<set>.txt     preceding, trailing, viewer, self (kept apart)
 *
 * Rule files hold one rule per line and nothing else: blank and comment lines are left out
 * because eRAD before 7.3 refuses `#` comments. Every file is written atomically (temporary
 * file in the same folder, flushed, then renamed), so a reader never sees half a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeviceModel, DeviceTable, RuleSetModel } from '../devices/model';
import { serviceEntries } from '../devices/format';
import { ruleSetText } from '../devices/resolve';
import { checkReferencePath } from '../files/referencedFiles';
import { SERVER_RULE_SETS, type ServerRuleSet } from '../devices/schema';
import { diffItems, type DeployDiff, type ItemFields, type ItemMap } from './diff';
import { EMPTY_TABLE, type DeployTarget, type DeployTargetKind, type Operation, type Snapshot } from './target';
import type { ReferenceText } from '../devices/references';

const DEVICE_COLUMNS = [
  'ID', 'Type', 'AE Title', 'Host', 'Port', 'TCP Port', 'TLS Port', 'Category', 'Send Timer', 'Receive Timer',
  'Services', 'Task Limits', 'Enabled', 'Link', 'Rules',
] as const;
const CATEGORY_COLUMNS = ['Category', 'Max Connections'] as const;

interface FolderState {
  /** Relative path (with `/`) → text, for every file of ours present. */
  files: Record<string, string>;
}

interface FolderOperation extends Operation {
  path: string;
  /** undefined: remove the file. */
  text?: string;
}

/** Rule lines only, one per line, each trimmed; blank and `#` lines left out. */
export function pasteableRules(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** A device ID or server name as one safe file name (no separators, no `..`). */
export function fileNameOf(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]|^\./g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** `<folder>/<SERVER>`: `folder` as written in the .pacs file, relative to its folder `baseDir`. */
export function exportRoot(table: DeviceTable, folder: string, baseDir: string): string {
  return path.join(path.resolve(baseDir, folder), fileNameOf(table.server?.name ?? 'SERVER'));
}

export class ExportFolderTarget implements DeployTarget {
  readonly kind = 'folder';
  readonly label: string;
  readonly desired: ItemMap = {};
  readonly notes: string[] = [];
  readonly problems: string[] = [];
  /** Relative path → text the workspace wants. */
  readonly files: Record<string, string> = {};

  /**
   * `root` is the server's own folder (see exportRoot); `readFile` reads referenced rule files
   * relative to the .pacs file.
   */
  constructor(table: DeviceTable, root: string, readFile: (p: string) => ReferenceText) {
    this.label = root;
    const rulesOf = (rs: RuleSetModel | undefined, owner: string): string | undefined => {
      if (!rs) return undefined;
      const text = ruleSetText(rs, readFile);
      if (text === undefined) {
        this.problems.push(`${owner}: rule file "${(rs as { path: string }).path}" cannot be read`);
        return undefined;
      }
      const lines = pasteableRules(text);
      return lines.length ? lines.join('\n') + '\n' : '';
    };

    const rows: string[][] = [];
    for (const d of table.devices) {
      const rules = rulesOf(d.rules, `device ${d.id}`);
      const rulesFile = rules !== undefined ? `rules/${fileNameOf(d.id)}.txt` : '';
      const row = deviceRow(d, rulesFile);
      rows.push(row);
      const item = rowFields(DEVICE_COLUMNS, row);
      if (rules !== undefined) {
        this.files[rulesFile] = rules;
        item.rules = rules;
      }
      this.desired[`device ${d.id}`] = item;
    }
    this.files['devices.tsv'] = tsv(DEVICE_COLUMNS, rows);

    const catRows = table.categories.map((c) => [c.name, c.maxConnections === undefined ? '' : String(c.maxConnections)]);
    for (const r of catRows) this.desired[`category ${r[0]}`] = rowFields(CATEGORY_COLUMNS, r);
    this.files['categories.tsv'] = tsv(CATEGORY_COLUMNS, catRows);

    for (const set of Object.keys(SERVER_RULE_SETS) as ServerRuleSet[]) {
      const rules = rulesOf(table.server?.rules[set], `global ${set}`);
      if (rules === undefined) continue;
      this.files[`global/${set}.txt`] = rules;
      this.desired[`global ${set}`] = { rules };
    }
  }

  async read(): Promise<Snapshot> {
    const files: Record<string, string> = {};
    const take = (rel: string): void => {
      try {
        files[rel] = fs.readFileSync(path.join(this.label, rel), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    };
    take('devices.tsv');
    take('categories.tsv');
    for (const sub of ['rules', 'global']) {
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(path.join(this.label, sub), { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      const names = entries.filter((e) => e.isFile() && e.name.endsWith('.txt')).map((e) => e.name);
      for (const n of names.sort()) take(`${sub}/${n}`);
    }
    const state: FolderState = { files };
    return { kind: this.kind, target: this.label, takenAt: new Date().toISOString(), state };
  }

  itemsOf(snapshot: Snapshot): ItemMap {
    const files = (snapshot.state as FolderState).files;
    const items: ItemMap = {};
    for (const row of parseTsv(files['devices.tsv'] ?? '')) {
      const item = { ...row };
      if (row.Rules) {
        const text = files[String(row.Rules)];
        if (text !== undefined) item.rules = text;
      }
      items[`device ${row.ID}`] = item;
    }
    for (const row of parseTsv(files['categories.tsv'] ?? '')) items[`category ${row.Category}`] = row;
    for (const [rel, text] of Object.entries(files)) {
      const m = /^global\/(.+)\.txt$/.exec(rel);
      if (m) items[`global ${m[1]}`] = { rules: text };
    }
    return items;
  }

  plan(_diff: DeployDiff, snapshot: Snapshot): Operation[] {
    const have = (snapshot.state as FolderState).files;
    const ops: FolderOperation[] = [];
    // Rule files before the table that names them; removals last.
    const order = (p: string): number => (p.endsWith('.tsv') ? 1 : 0);
    for (const rel of Object.keys(this.files).sort((a, b) => order(a) - order(b) || a.localeCompare(b))) {
      if (have[rel] === this.files[rel]) continue;
      ops.push({ item: rel, action: have[rel] === undefined ? 'add' : 'change', summary: `write ${rel}`, path: rel, text: this.files[rel] });
    }
    for (const rel of Object.keys(have).sort()) {
      if (!(rel in this.files)) ops.push({ item: rel, action: 'remove', summary: `remove ${rel}`, path: rel });
    }
    return ops;
  }

  async apply(op: Operation): Promise<void> {
    const o = op as FolderOperation;
    if (o.text === undefined) removeFile(path.join(this.label, o.path));
    else writeFileAtomic(path.join(this.label, o.path), o.text);
  }

  failedCleanly(): boolean {
    // Writes are a rename of a complete temporary file: a failure leaves the old file in place.
    return true;
  }

  async verify(): Promise<DeployDiff> {
    const snap = await this.read();
    const diff = diffItems(this.itemsOf(snap), this.desired);
    // The items can agree while a file differs (e.g. row order): the files are what counts.
    const files = (snap.state as FolderState).files;
    for (const [rel, text] of Object.entries(this.files)) {
      if (files[rel] !== text && !diff.changed.some((c) => c.id === rel)) diff.changed.push({ id: rel, changes: [{ field: 'file', before: files[rel] ?? null, after: text }] });
    }
    return diff;
  }

  async restore(snapshot: Snapshot): Promise<void> {
    const want = (snapshot.state as FolderState).files;
    const now = ((await this.read()).state as FolderState).files;
    for (const rel of Object.keys(now)) if (!(rel in want)) removeFile(path.join(this.label, rel));
    for (const [rel, text] of Object.entries(want)) if (now[rel] !== text) writeFileAtomic(path.join(this.label, rel), text);
  }

  async matches(snapshot: Snapshot): Promise<boolean> {
    const want = (snapshot.state as FolderState).files;
    const now = ((await this.read()).state as FolderState).files;
    const keys = new Set([...Object.keys(want), ...Object.keys(now)]);
    for (const k of keys) if (want[k] !== now[k]) return false;
    return true;
  }
}

function deviceRow(d: DeviceModel, rulesFile: string): string[] {
  const num = (n: number | '*' | undefined): string => (n === undefined ? '' : String(n));
  return [
    d.id, d.type ?? '', d.ae ?? '', d.host ?? '', num(d.port), num(d.tcpPort), num(d.tlsPort), d.category ?? '',
    num(d.sendTimer), num(d.receiveTimer), serviceEntries(d.services).join('; '),
    Object.entries(d.limits).map(([k, v]) => `${k} ${v}`).join('; '), d.enabled ? 'yes' : 'no', d.link ?? '', rulesFile,
  ];
}

function rowFields(columns: readonly string[], row: string[]): ItemFields {
  const f: ItemFields = {};
  columns.forEach((c, i) => (f[c] = row[i] ?? ''));
  return f;
}

/** Tabs, line breaks and backslashes in a cell are escaped (`\t`, `\n`, `\\`). */
function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r?\n|\r/g, '\\n');
}

function unescapeCell(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
}

function tsv(columns: readonly string[], rows: string[][]): string {
  return [columns.join('\t'), ...rows.map((r) => r.map(escapeCell).join('\t'))].join('\n') + '\n';
}

function parseTsv(text: string): ItemFields[] {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0) return [];
  const header = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t').map(unescapeCell);
    const f: ItemFields = {};
    header.forEach((h, i) => (f[h] = cells[i] ?? ''));
    return f;
  });
}

/** Write beside the target, flush, rename over it: readers see the old file or the new one. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function removeFile(file: string): void {
  fs.rmSync(file, { force: true });
}

export const folderTargetKind: DeployTargetKind = {
  async create(table, folder, setup) {
    // deploy() refuses such a file before this; a caller that skips its check still cannot write outside.
    const refused = checkReferencePath(setup.file, folder, setup.paths);
    if (refused) throw new Error(refused.refused);
    return new ExportFolderTarget(table, exportRoot(table, folder, path.dirname(path.resolve(setup.file))), setup.readFile);
  },
  forSnapshot(snapshot) {
    return new ExportFolderTarget(EMPTY_TABLE, snapshot.target, () => undefined);
  },
};
