/**
 * The contract every deploy target implements (Orthanc over REST, an export folder), so that
 * deploy.ts runs one flow for all of them: read what the server holds (a snapshot), plan the
 * operations that turn it into the workspace's table, apply them one by one, read back and
 * verify, and put the snapshot back when something fails.
 */
import type { DeployDiff, ItemMap } from './diff';

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
  readonly kind: 'orthanc' | 'folder';
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
