/**
 * The deploy targets, one entry per kind a .pacs file can name (core/src/devices/deployKinds.ts):
 * how to make each from a `deploy` line and from a saved snapshot. Keyed by `DeployKind`, so a
 * kind without its target is a type error, and an unknown kind at run time an error, not a skip.
 */
import type { DeviceTable } from '../devices/model';
import { isDeployKind, type DeployKind } from '../devices/deployKinds';
import { folderTargetKind } from './exportFolder';
import { orthancTargetKind } from './orthanc';
import type { DeployTarget, DeployTargetKind, RestoreSetup, Snapshot, TargetSetup } from './target';

export const DEPLOY_TARGET_KINDS: { readonly [K in DeployKind]: DeployTargetKind } = {
  orthanc: orthancTargetKind,
  folder: folderTargetKind,
};

/** The target of a `deploy <kind> "<target>"` line; throws on a kind no target implements. */
export function createTarget(table: DeviceTable, kind: string, target: string, setup: TargetSetup): Promise<DeployTarget> {
  if (!isDeployKind(kind)) throw new Error(`unknown deploy target kind "${kind}": expected ${Object.keys(DEPLOY_TARGET_KINDS).join(' or ')}`);
  return DEPLOY_TARGET_KINDS[kind].create(table, target, setup);
}

/** A target that can put `snapshot` back, or undefined when the snapshot names no known kind. */
export function targetForSnapshot(snapshot: Snapshot, setup: RestoreSetup): DeployTarget | undefined {
  const kind: unknown = typeof snapshot === 'object' && snapshot !== null ? snapshot.kind : undefined;
  return typeof kind === 'string' && isDeployKind(kind) ? DEPLOY_TARGET_KINDS[kind].forSnapshot(snapshot, setup) : undefined;
}
