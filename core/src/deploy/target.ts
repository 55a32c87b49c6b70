/**
 * The contract every deploy target implements (Orthanc over REST, an export folder), so that
 * deploy.ts runs one flow for all of them: read what the server holds (a snapshot), plan the
 * operations that turn it into the workspace's table, apply them one by one, read back and
 * verify, and put the snapshot back when something fails.
 */
import type { DeviceTable } from '../devices/model';
import type { DeployKind } from '../devices/deployKinds';
import type { PathPolicy, ReferenceText } from '../devices/references';
import type { DeployDiff, ItemMap } from './diff';

export interface Credentials {
  username: string;
  password: string;
}

/** What a target held before a deploy, complete enough to put it back exactly. */
export interface Snapshot {
  kind: string;
  /** URL or folder. */
  target: string;
  /** ISO time the snapshot was read. */
  takenAt: string;
  /** Target-specific raw state (Orthanc: every modality's full configuration; folder: file texts). */
  state: unknown;
}

/** One write on the target. */
export interface Operation {
  /** The diff item it serves (`CT1`, `device CT1`, ...). */
  item: string;
  action: 'add' | 'change' | 'remove';
  /** e.g. `PUT /modalities/CT1`, `write rules/CT1.txt`. */
  summary: string;
}

export interface DeployTarget {
  readonly kind: DeployKind;
  /** URL or resolved folder path, never credentials. */
  readonly label: string;
  /** The workspace's items, as this target can express them. */
  readonly desired: ItemMap;
  /** What the target cannot express (skipped devices, fields it has no place for). */
  readonly notes: string[];
  /** Problems that block a deploy to this target (e.g. an ID the server cannot name). */
  readonly problems: string[];
  read(signal?: AbortSignal): Promise<Snapshot>;
  /** The snapshot's content as diff items (the same fields as `desired`). */
  itemsOf(snapshot: Snapshot): ItemMap;
  /** Operations turning `snapshot` into `desired`, in the order they must run. */
  plan(diff: DeployDiff, snapshot: Snapshot): Operation[];
  apply(op: Operation, signal?: AbortSignal): Promise<void>;
  /** True when `apply` failed with `error` such that the operation certainly did not happen. */
  failedCleanly(error: unknown): boolean;
  /** Reads back; the difference left between the target and `desired` (empty = verified). */
  verify(signal?: AbortSignal): Promise<DeployDiff>;
  /** Puts `snapshot` back (not cancellable: a half restore is worse than a slow one). */
  restore(snapshot: Snapshot): Promise<void>;
  /** True when the target now holds exactly `snapshot`. */
  matches(snapshot: Snapshot): Promise<boolean>;
}

/** What making a target from a server's `deploy <kind> "<target>"` line may use. */
export interface TargetSetup {
  /** The .pacs file; targets written as paths are relative to its folder. */
  file: string;
  /** Where paths in the file may lead. */
  paths: PathPolicy;
  /** Reads files the table refers to (rule files). */
  readFile: (p: string) => ReferenceText;
  credentials?: (url: string) => Promise<Credentials | undefined> | Credentials | undefined;
  ca?: string | Buffer;
  timeoutMs?: number;
}

/** What putting a saved snapshot back may use. */
export interface RestoreSetup {
  credentials?: Credentials;
  ca?: string | Buffer;
  timeoutMs?: number;
  /** The Orthanc to restore to when it is no longer reached at the snapshot's URL. */
  url?: string;
}

/** The table of a target made only to restore a snapshot. */
export const EMPTY_TABLE: DeviceTable = { servers: [], categories: [], devices: [] };

/** One kind of deploy target, as the registry (targetKinds.ts) holds it. */
export interface DeployTargetKind {
  /** The target for `table` named by `target` (a URL, a folder, as written in the file). */
  create(table: DeviceTable, target: string, setup: TargetSetup): Promise<DeployTarget>;
  /** A target able to put `snapshot` back (its table is empty: it only restores). */
  forSnapshot(snapshot: Snapshot, setup: RestoreSetup): DeployTarget;
}
