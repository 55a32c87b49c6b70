/**
 * The deploy flow, the same for the CLI and the editor: check the device file (errors block),
 * then for each deploy target of the server read what it holds, compute the difference from the
 * workspace, show it (the caller's `confirm`), apply it operation by operation, read back and
 * verify. If anything fails or the user cancels half-way, the snapshot read at the start is put
 * back and checked. The snapshot is saved to a file before the first write, and kept when the
 * rollback cannot be confirmed, so the previous state is never lost; the report then says
 * which operations are known to be done, which one's outcome is unknown and which never ran.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateDeviceText } from '../devices/validate';
import { cliPathPolicy, diskReaderFor, diskReferences, readNamedTextFile } from '../files/referencedFiles';
import type { PathPolicy, ReferenceText } from '../devices/references';
import type { DeviceTable } from '../devices/model';
import { diffItems, isEmptyDiff, type DeployDiff, type ItemMap } from './diff';
import type { DeployKind } from '../devices/deployKinds';
import { fileNameOf, writeFileAtomic } from './exportFolder';
import { createTarget, targetForSnapshot } from './targetKinds';
import type { Credentials, DeployTarget, Operation, RestoreSetup, Snapshot, TargetSetup } from './target';

export interface ProgressEvent {
  phase: 'check' | 'read' | 'confirm' | 'apply' | 'verify' | 'rollback';
  /** Target label (URL or folder), when the event is about one. */
  target?: string;
  message: string;
  /** Operations done so far and in all, during `apply`. */
  done?: number;
  total?: number;
}

export interface TargetPlan {
  kind: DeployKind;
  target: string;
  diff: DeployDiff;
  operations: string[];
  notes: string[];
  /** False when the target could not be read: then nothing is known about its difference. */
  read: boolean;
  /** What the target holds (when read) and what the workspace would make it, as diff items. */
  current?: ItemMap;
  desired?: ItemMap;
}

export interface DeployOptions {
  /** The .pacs file; referenced rule files and folders are relative to it. */
  file: string;
  /** Its text when it differs from disk (unsaved editor); default: read from disk. */
  text?: string;
  /** Reader for referenced files (default: from disk, next to `file`, under `paths`). */
  readFile?: (p: string) => ReferenceText;
  /**
   * Where paths in the file may lead (default: the file's repository, else its folder). A
   * deploy folder outside it blocks the deploy.
   */
  paths?: PathPolicy;
  /** Which of the server's deploy targets to use (default all). */
  selectTarget?: (kind: string, target: string) => boolean;
  /** Credentials for an Orthanc URL, or undefined for none. */
  credentials?: (url: string) => Promise<Credentials | undefined> | Credentials | undefined;
  /** PEM CA certificate(s) trusted for https targets (a private CA). */
  ca?: string | Buffer;
  /** Limit for each HTTP request, milliseconds. */
  timeoutMs?: number;
  /** Show the difference, change nothing. */
  dryRun?: boolean;
  /** Asked once, with every target's plan, before anything is written; false = nothing is done. */
  confirm?: (plans: TargetPlan[]) => Promise<boolean>;
  signal?: AbortSignal;
  progress?: (event: ProgressEvent) => void;
  /** Where snapshots are saved (default `<folder of file>/.pacsw/snapshots`). */
  snapshotDir?: string;
  /** For tests: called after each operation was applied (e.g. to stop the server there). */
  afterOperation?: (target: string, index: number, op: Operation) => Promise<void> | void;
}

export type TargetOutcome =
  | 'unchanged' // nothing to do
  | 'dry-run'
  | 'applied' // written and verified
  | 'declined' // the user said no: nothing written
  | 'blocked' // the target cannot express the table: nothing written
  | 'cancelled' // cancelled; see rollback when writes had begun
  | 'failed' // see error and rollback
  | 'not-run'; // an earlier target failed or was cancelled

export interface TargetReport extends TargetPlan {
  outcome: TargetOutcome;
  problems: string[];
  /** Operations known to have been applied (before any rollback). */
  applied: string[];
  /** The operation under way when it failed: whether the server applied it is unknown. */
  inFlight?: string;
  /** Operations never started. */
  notApplied: string[];
  error?: string;
  rollback?: { ok: boolean; error?: string };
  /** Snapshot file, kept when the target's state could not be confirmed. */
  snapshotFile?: string;
  /** Read back after applying: the target equals the workspace. */
  verified?: boolean;
}

export interface BlockingProblem {
  line: number;
  column: number;
  code: string;
  message: string;
}

export interface DeployReport {
  file: string;
  server?: string;
  dryRun: boolean;
  ok: boolean;
  /** Errors in the device file (or its rules) that stopped the deploy before any read. */
  blocked: BlockingProblem[];
  targets: TargetReport[];
  /**
   * Other .pacs files of the Parent/Child hierarchy, when a parent or child row changes:
   * eRAD wants such a change made on every server of the hierarchy.
   */
  hierarchy: string[];
}

interface Prepared {
  table: DeviceTable;
  blocked: BlockingProblem[];
}

function prepare(options: DeployOptions): Prepared {
  const disk = diskReferences(options.file, options.paths ?? cliPathPolicy(options.file));
  const readFile = options.readFile ?? disk.readFile;
  const text = options.text ?? readNamedTextFile(options.file);
  const { table, diagnostics } = validateDeviceText(text, { readFile, checkPath: disk.checkPath }, options.file);
  const blocked = diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({ line: d.range.start.line + 1, column: d.range.start.character + 1, code: d.code, message: d.message }));
  return { table, blocked };
}

/** The target objects for the server's `deploy` lines (those `selectTarget` keeps). */
export async function makeTargets(table: DeviceTable, options: DeployOptions): Promise<DeployTarget[]> {
  const paths = options.paths ?? cliPathPolicy(options.file);
  const setup: TargetSetup = {
    file: options.file, paths, readFile: options.readFile ?? diskReaderFor(options.file, paths),
    credentials: options.credentials, ca: options.ca, timeoutMs: options.timeoutMs,
  };
  const out: DeployTarget[] = [];
  for (const t of table.server?.deploy ?? []) {
    if (options.selectTarget && !options.selectTarget(t.kind, t.target)) continue;
    out.push(await createTarget(table, t.kind, t.target, setup));
  }
  return out;
}

export async function deploy(options: DeployOptions): Promise<DeployReport> {
  const progress = options.progress ?? (() => undefined);
  progress({ phase: 'check', message: `checking ${path.basename(options.file)}` });
  const { table, blocked } = prepare(options);
  const report: DeployReport = { file: options.file, server: table.server?.name, dryRun: !!options.dryRun, ok: false, blocked, targets: [], hierarchy: [] };
  if (blocked.length > 0) return report;
  if (!table.server) {
    report.blocked.push({ line: 1, column: 1, code: 'no-server', message: 'the file has no server block, so there is nothing to deploy to' });
    return report;
  }
  const targets = await makeTargets(table, options);
  if (targets.length === 0) {
    report.blocked.push({ line: table.server.range.start.line + 1, column: 1, code: 'no-deploy-target', message: `server ${table.server.name} has no (selected) deploy target: add e.g. deploy orthanc "http://127.0.0.1:8042"` });
    return report;
  }

  // 1. Read and plan every target before anything is written.
  const planned: Array<{ target: DeployTarget; report: TargetReport; snapshot?: Snapshot; ops: Operation[] }> = [];
  for (const target of targets) {
    const r: TargetReport = {
      kind: target.kind, target: target.label, diff: { added: [], changed: [], removed: [], unchanged: [] }, operations: [],
      notes: target.notes, problems: target.problems, outcome: 'not-run', applied: [], notApplied: [], read: false,
    };
    report.targets.push(r);
    const entry: (typeof planned)[number] = { target, report: r, ops: [] };
    planned.push(entry);
    if (target.problems.length > 0) {
      r.outcome = 'blocked';
      continue;
    }
    progress({ phase: 'read', target: target.label, message: `reading ${target.label}` });
    try {
      entry.snapshot = await target.read(options.signal);
    } catch (e) {
      r.outcome = options.signal?.aborted ? 'cancelled' : 'failed';
      r.error = `reading ${target.label}: ${(e as Error).message}`;
      continue;
    }
    r.read = true;
    r.current = target.itemsOf(entry.snapshot);
    r.desired = target.desired;
    r.diff = diffItems(r.current, r.desired);
    entry.ops = isEmptyDiff(r.diff) ? [] : target.plan(r.diff, entry.snapshot);
    r.operations = entry.ops.map((o) => o.summary);
    r.outcome = entry.ops.length === 0 ? 'unchanged' : options.dryRun ? 'dry-run' : 'not-run';
  }
  report.hierarchy = hierarchyToOffer(table, options.file, report.targets);

  const failedEarly = report.targets.some((r) => r.outcome === 'failed' || r.outcome === 'blocked' || r.outcome === 'cancelled');
  const work = planned.filter((p) => p.ops.length > 0);
  if (options.dryRun || failedEarly || work.length === 0) {
    report.ok = !failedEarly;
    return report;
  }

  // 2. Confirm once, with every plan.
  if (options.confirm) {
    progress({ phase: 'confirm', message: 'waiting for confirmation' });
    const yes = await options.confirm(report.targets.filter((r) => r.operations.length > 0));
    if (!yes) {
      for (const p of work) p.report.outcome = 'declined';
      report.ok = true;
      return report;
    }
  }

  // 3. Apply target by target; stop at the first that does not come out clean.
  let stop = false;
  for (const p of work) {
    if (stop) {
      p.report.notApplied = p.report.operations.slice();
      continue;
    }
    await applyTarget(p.target, p.snapshot!, p.ops, p.report, options, table, progress);
    if (p.report.outcome !== 'applied') stop = true;
  }
  report.ok = report.targets.every((r) => r.outcome === 'applied' || r.outcome === 'unchanged');
  return report;
}

async function applyTarget(
  target: DeployTarget, snapshot: Snapshot, ops: Operation[], r: TargetReport, options: DeployOptions,
  table: DeviceTable, progress: (e: ProgressEvent) => void,
): Promise<void> {
  const signal = options.signal;
  // The confirmation may have taken minutes: refuse to overwrite what someone else changed meanwhile.
  try {
    const again = await target.read(signal);
    const drift = diffItems(target.itemsOf(snapshot), target.itemsOf(again));
    if (!isEmptyDiff(drift)) {
      r.outcome = 'failed';
      r.error = `${target.label} changed since it was read (${[...drift.added, ...drift.changed.map((c) => c.id), ...drift.removed].join(', ')}); nothing was written — run the deploy again to see the new difference`;
      r.notApplied = r.operations.slice();
      return;
    }
    snapshot = again;
  } catch (e) {
    r.outcome = signal?.aborted ? 'cancelled' : 'failed';
    r.error = `reading ${target.label}: ${(e as Error).message}`;
    r.notApplied = r.operations.slice();
    return;
  }

  r.snapshotFile = saveSnapshot(snapshot, options, table);
  let failure: string | undefined;
  let index = 0;
  for (; index < ops.length; index++) {
    const op = ops[index];
    if (signal?.aborted) {
      failure = 'cancelled';
      break;
    }
    progress({ phase: 'apply', target: target.label, message: op.summary, done: index, total: ops.length });
    try {
      await target.apply(op, signal);
    } catch (e) {
      failure = (e as Error).message;
      // Refused before the server acted (connection refused, an HTTP error answer): not applied.
      if (!target.failedCleanly(e)) r.inFlight = op.summary;
      if (r.inFlight) index++;
      break;
    }
    r.applied.push(op.summary);
    try {
      await options.afterOperation?.(target.label, index, op);
    } catch (e) {
      failure = `test hook: ${(e as Error).message}`;
      index++;
      break;
    }
  }
  r.notApplied = ops.slice(index).map((o) => o.summary);

  if (failure === undefined) {
    progress({ phase: 'verify', target: target.label, message: `reading ${target.label} back` });
    try {
      const left = await target.verify();
      if (isEmptyDiff(left)) {
        r.verified = true;
        r.outcome = 'applied';
        removeSnapshot(r);
        return;
      }
      failure = `read back, ${target.label} still differs from the workspace: ${[...left.added, ...left.changed.map((c) => c.id), ...left.removed].join(', ')}`;
    } catch (e) {
      failure = `reading back ${target.label}: ${(e as Error).message}`;
    }
    r.verified = false;
  }

  r.outcome = failure === 'cancelled' || signal?.aborted ? 'cancelled' : 'failed';
  if (failure !== 'cancelled') r.error = failure;
  if (r.applied.length === 0 && !r.inFlight) {
    r.rollback = { ok: true };
    removeSnapshot(r);
    return;
  }
  progress({ phase: 'rollback', target: target.label, message: `restoring what ${target.label} held before` });
  try {
    await target.restore(snapshot);
    if (!(await target.matches(snapshot))) throw new Error('after the restore the server still differs from the snapshot');
    r.rollback = { ok: true };
    removeSnapshot(r);
  } catch (e) {
    r.rollback = { ok: false, error: (e as Error).message };
  }
}

function saveSnapshot(snapshot: Snapshot, options: DeployOptions, table: DeviceTable): string {
  const dir = options.snapshotDir ?? path.join(path.dirname(path.resolve(options.file)), '.pacsw', 'snapshots');
  const stamp = snapshot.takenAt.replace(/[:.]/g, '-');
  const file = path.join(dir, `${fileNameOf(table.server?.name ?? 'server')}-${snapshot.kind}-${stamp}.json`);
  writeFileAtomic(file, JSON.stringify(snapshot, null, 2) + '\n');
  return file;
}

function removeSnapshot(r: TargetReport): void {
  if (r.snapshotFile) fs.rmSync(r.snapshotFile, { force: true });
  r.snapshotFile = undefined;
}

/** Puts a saved snapshot back on its target (after a failed rollback, once the server is back). */
export async function restoreSnapshotFile(
  file: string,
  options: RestoreSetup = {},
): Promise<{ target: string; ok: boolean }> {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  } catch (e) {
    throw new Error(`${file}: cannot read the snapshot (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const target = targetForSnapshot(snapshot, options);
  if (!target) throw new Error(`${file}: not a deploy snapshot (kind "${String((snapshot as Partial<Snapshot> | null)?.kind)}")`);
  await target.restore(snapshot);
  return { target: target.label, ok: await target.matches(snapshot) };
}

/**
 * When a parent or child row is among the changes, the other .pacs files of the hierarchy
 * (following `link` from file to file).
 */
function hierarchyToOffer(table: DeviceTable, file: string, reports: TargetReport[]): string[] {
  const touched = new Set<string>();
  for (const r of reports) {
    for (const id of [...r.diff.added, ...r.diff.changed.map((c) => c.id), ...r.diff.removed]) touched.add(id.replace(/^device /, ''));
  }
  const linked = table.devices.some((d) => (d.type === 'parent' || d.type === 'child') && touched.has(d.id));
  return linked ? hierarchyFiles(file) : [];
}

/** Every .pacs file reachable through `link` from `file` (not `file` itself), resolved paths. */
export function hierarchyFiles(file: string): string[] {
  const start = path.resolve(file);
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    const f = queue.shift()!;
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const { table } = validateDeviceText(text, {}, f);
    for (const d of table.devices) {
      if (!d.link || (d.type !== 'parent' && d.type !== 'child')) continue;
      const linked = path.resolve(path.dirname(f), d.link);
      if (!seen.has(linked) && fs.existsSync(linked)) {
        seen.add(linked);
        queue.push(linked);
      }
    }
  }
  seen.delete(start);
  return [...seen];
}

export type { ItemMap };
