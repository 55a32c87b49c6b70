/**
 * What a device command acts on. From the tree it gets a node; from another extension or a
 * test, `{ uri, id }`; from the command palette nothing, so it asks with a quick pick.
 */
import * as vscode from 'vscode';
import type { DeviceRef } from './deviceChecks';
import type { DeviceFile, DeviceFiles } from './deviceFiles';
import { addressOf } from './treeModel';

/** A device named by its file and ID (a tree DeviceNode has this shape too). */
export interface DeviceArg {
  uri: string | vscode.Uri;
  id: string;
}

/** A file (a tree ServerNode has this shape too). */
export interface FileArg {
  uri: string | vscode.Uri;
}

function isDeviceArg(arg: unknown): arg is DeviceArg {
  return typeof arg === 'object' && arg !== null && 'uri' in arg && typeof (arg as DeviceArg).id === 'string';
}

function isFileArg(arg: unknown): arg is FileArg {
  return typeof arg === 'object' && arg !== null && 'uri' in arg;
}

function uriOf(u: string | vscode.Uri): vscode.Uri {
  return typeof u === 'string' ? vscode.Uri.parse(u) : u;
}

/** The device named by `arg`, or the one the user picks; undefined when cancelled. */
export async function deviceTarget(files: DeviceFiles, arg: unknown, placeHolder: string): Promise<DeviceRef | undefined> {
  await files.settled();
  if (isDeviceArg(arg)) {
    const found = files.device(uriOf(arg.uri).toString(), arg.id);
    if (!found) throw new Error(`No device ${arg.id} in ${vscode.workspace.asRelativePath(uriOf(arg.uri))}.`);
    return { uri: found.file.uri, table: found.file.table, device: found.device };
  }
  const items = files.all().flatMap((file) =>
    file.table.devices.map((device) => ({
      label: device.id,
      description: addressOf(device) + (device.enabled ? '' : ' · disabled'),
      detail: vscode.workspace.asRelativePath(file.uri),
      ref: { uri: file.uri, table: file.table, device } as DeviceRef,
    })),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No devices: there is no *.pacs file with a device in this workspace.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true }))?.ref;
}

/** The file named by `arg`, the only one there is, or the one the user picks. */
export async function fileTarget(files: DeviceFiles, arg: unknown, placeHolder: string): Promise<DeviceFile | undefined> {
  await files.settled();
  if (isFileArg(arg)) {
    const file = files.get(uriOf(arg.uri).toString());
    if (!file) throw new Error(`${vscode.workspace.asRelativePath(uriOf(arg.uri))} is not a known device file.`);
    return file;
  }
  const all = files.all();
  if (all.length <= 1) {
    if (all.length === 0) void vscode.window.showInformationMessage('There is no *.pacs device file in this workspace.');
    return all[0];
  }
  const picked = await vscode.window.showQuickPick(
    all.map((file) => ({ label: file.table.server?.name ?? vscode.workspace.asRelativePath(file.uri), description: vscode.workspace.asRelativePath(file.uri), file })),
    { placeHolder },
  );
  return picked?.file;
}

/** The devices of one file (server node) or of every file; disabled ones left out. */
export async function devicesForBatch(files: DeviceFiles, arg: unknown): Promise<{ refs: DeviceRef[]; skipped: DeviceRef[] }> {
  await files.settled();
  const chosen = isFileArg(arg) ? [files.get(uriOf(arg.uri).toString())].filter((f): f is DeviceFile => !!f) : files.all();
  const refs: DeviceRef[] = [];
  const skipped: DeviceRef[] = [];
  for (const file of chosen) {
    for (const device of file.table.devices) {
      (device.enabled ? refs : skipped).push({ uri: file.uri, table: file.table, device });
    }
  }
  return { refs, skipped };
}
