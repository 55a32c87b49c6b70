/**
 * The device commands (palette, view title and context menu): echo, ping, echo/ping all,
 * enable, disable, add, edit, delete, refresh IP addresses, reveal in file. Edits go through
 * fileEdits (one undoable step each); network commands need a trusted workspace.
 *
 * Programmatic use (other extensions, tests) passes `{ uri, id }` or `{ uri }` instead of a
 * tree node, plus: add(file, newDevice) and edit(device, change) skip the prompts;
 * delete(device, { confirm: false }) skips the confirmation.
 */
import * as vscode from 'vscode';
import { addDevice, applyEdits, removeDevice, setEnabled, updateDevice, validateDeviceText, type NewDevice } from '../../../../core/src/devices';
import { requireTrust } from '../../trust';
import { addDeviceWizard } from './addDeviceWizard';
import { SHOW_OUTPUT, SHOW_OUTPUT_COMMAND, type BatchSummary } from './batchSummary';
import type { CheckLog } from './checkLog';
import type { CheckResults } from './checkResults';
import { devicesForBatch, deviceTarget, fileTarget } from './commandTargets';
import type { DeviceChecks, CheckKind } from './deviceChecks';
import { checkNewDevice } from './deviceFields';
import type { DeviceFiles } from './deviceFiles';
import { editDevicePrompt, type DeviceChange } from './editDevicePrompt';
import { applyDeviceEdits } from './fileEdits';
import { networkSettings, PASSPHRASE_SECRET } from './networkSettings';
import { describeResolution, HostAddressMemory } from './refreshIp';
import { GROUP_BY_SETTING, currentGroupBy, type DeviceTreeProvider } from './treeProvider';
import { snapshotTree } from '../treeSnapshot';
import { REVEAL_COMMAND, type DeviceTreeNode } from './treeModel';
import { COMMANDS, NAMESPACE } from '../../../../core/src/contributes';

export const DEVICE_COMMANDS = {
  echo: COMMANDS.devices.echo,
  ping: COMMANDS.devices.ping,
  echoAll: COMMANDS.devices.echoAll,
  pingAll: COMMANDS.devices.pingAll,
  /** Echo All / Ping All of one server row: the same run, a label that says its scope. */
  echoServer: COMMANDS.devices.echoServer,
  pingServer: COMMANDS.devices.pingServer,
  showOutput: SHOW_OUTPUT_COMMAND,
  enable: COMMANDS.devices.enable,
  disable: COMMANDS.devices.disable,
  add: COMMANDS.devices.add,
  edit: COMMANDS.devices.edit,
  delete: COMMANDS.devices.delete,
  refreshIp: COMMANDS.devices.refreshIp,
  reveal: REVEAL_COMMAND,
  refresh: COMMANDS.devices.refresh,
  toggleGroupBy: COMMANDS.devices.toggleGroupBy,
  setTlsPassphrase: COMMANDS.devices.setTlsPassphrase,
  clearTlsPassphrase: COMMANDS.devices.clearTlsPassphrase,
  testState: COMMANDS.devices.testState,
} as const;

export interface DeviceCommandDeps {
  files: DeviceFiles;
  results: CheckResults;
  log: CheckLog;
  checks: DeviceChecks;
  provider: DeviceTreeProvider;
  secrets: vscode.SecretStorage;
  summary: BatchSummary;
}

export function registerDeviceCommands(deps: DeviceCommandDeps): vscode.Disposable[] {
  const { files, results, log, checks, provider, secrets, summary } = deps;
  const hosts = new HostAddressMemory();

  /** Commands report failures themselves (message + output channel) and resolve to undefined. */
  const command = (id: string, run: (...args: any[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (e) {
        const message = (e as Error).message;
        log.line(`${id.replace(`${NAMESPACE}.devices.`, '')}: ${message}`);
        void vscode.window.showErrorMessage(`PACS Devices: ${message}`);
        return undefined;
      }
    });

  const check = async (kind: CheckKind, arg: unknown) => {
    if (!requireTrust(kind === 'echo' ? 'Echo' : 'Ping')) return undefined;
    const ref = await deviceTarget(files, arg, `Device to ${kind}`);
    if (!ref) return undefined;
    log.show();
    if (!ref.device.enabled) warnDisabled(kind, ref.uri, ref.device.id);
    return kind === 'echo' ? checks.echo(ref) : checks.ping(ref);
  };

  /** A disabled device is checked when asked for by name, but never silently: Echo All skips it. */
  const warnDisabled = (kind: CheckKind, uri: vscode.Uri, id: string) => {
    const where = vscode.workspace.asRelativePath(uri);
    log.line(`${kind} ${id}: the device is disabled in ${where}; checking it anyway, as asked (${kind === 'echo' ? 'Echo' : 'Ping'} All skips it)`);
    const enable = 'Enable Device';
    void vscode.window
      .showWarningMessage(`${id} is disabled in ${where}: ${kind === 'echo' ? 'echoed' : 'pinged'} anyway, as asked. The PACS does not use a disabled device.`, enable, SHOW_OUTPUT)
      .then((choice) => {
        if (choice === enable) void vscode.commands.executeCommand(DEVICE_COMMANDS.enable, { uri, id });
        if (choice === SHOW_OUTPUT) log.show();
      });
  };

  const checkAll = async (kind: CheckKind, arg: unknown) => {
    if (!requireTrust(kind === 'echo' ? 'Echo All' : 'Ping All')) return undefined;
    const { refs, skipped } = await devicesForBatch(files, arg);
    log.show();
    if (skipped.length) log.line(`${kind} all: skipping disabled device(s) ${skipped.map((r) => r.device.id).join(', ')}`);
    if (refs.length === 0) {
      void vscode.window.showInformationMessage(
        skipped.length ? `No enabled devices to check (${skipped.length} disabled: ${skipped.map((r) => r.device.id).join(', ')}).` : 'No devices to check.');
      return [];
    }
    const out = await checks.many(kind, refs);
    const scope = isPlainObject(arg) && 'uri' in (arg as object) ? (refs[0].table.server?.name ?? vscode.workspace.asRelativePath(refs[0].uri)) : undefined;
    summary.report(kind, scope, out, skipped.map((r) => r.device.id));
    return out;
  };

  const setDeviceEnabled = async (arg: unknown, enabled: boolean) => {
    const ref = await deviceTarget(files, arg, `Device to ${enabled ? 'enable' : 'disable'}`);
    if (!ref) return false;
    const id = ref.device.id;
    const changed = await applyDeviceEdits(ref.uri, (text) => setEnabled(text, id, enabled), `${enabled ? 'Enable' : 'Disable'} device ${id}`);
    await files.load(ref.uri);
    return changed;
  };

  return [
    command(DEVICE_COMMANDS.echo, (arg) => check('echo', arg)),
    command(DEVICE_COMMANDS.ping, (arg) => check('ping', arg)),
    command(DEVICE_COMMANDS.echoAll, (arg) => checkAll('echo', arg)),
    command(DEVICE_COMMANDS.pingAll, (arg) => checkAll('ping', arg)),
    command(DEVICE_COMMANDS.echoServer, (arg) => checkAll('echo', arg)),
    command(DEVICE_COMMANDS.pingServer, (arg) => checkAll('ping', arg)),
    command(DEVICE_COMMANDS.showOutput, async () => log.show()),
    command(DEVICE_COMMANDS.enable, (arg) => setDeviceEnabled(arg, true)),
    command(DEVICE_COMMANDS.disable, (arg) => setDeviceEnabled(arg, false)),

    command(DEVICE_COMMANDS.add, async (arg?: unknown, given?: NewDevice) => {
      const file = await fileTarget(files, arg, 'Device table to add the device to');
      if (!file) return undefined;
      const device = isPlainObject(given) ? given : await addDeviceWizard(file.table);
      if (!device) return undefined;
      const problems = checkNewDevice(device, file.table);
      if (problems.length) throw new Error(`Cannot add device ${device.id ?? ''}: ${problems.join('; ')}`);
      await applyDeviceEdits(file.uri, (text) => {
        const edits = addDevice(text, device);
        assertNewDeviceValid(applyEdits(text, edits), device.id);
        return edits;
      }, `Add device ${device.id}`);
      await files.load(file.uri);
      const added = files.get(file.uri.toString())?.table.devices.find((d) => d.id === device.id);
      log.line(`added device ${device.id} to ${vscode.workspace.asRelativePath(file.uri)}`);
      // Show the new block, so the user sees what was written and can go on editing it.
      if (added) {
        const { start, end } = added.range;
        await vscode.window.showTextDocument(file.uri, { selection: new vscode.Range(start.line, 0, end.line, end.character), preserveFocus: false });
      }
      return device.id;
    }),

    command(DEVICE_COMMANDS.edit, async (arg?: unknown, given?: DeviceChange) => {
      const ref = await deviceTarget(files, arg, 'Device to edit');
      if (!ref) return false;
      const change = isPlainObject(given) ? given : await editDevicePrompt(ref.device, ref.table);
      if (!change) return false;
      const id = ref.device.id;
      const changed = await applyDeviceEdits(ref.uri, (text) => {
        const edits = updateDevice(text, id, change);
        assertNewDeviceValid(applyEdits(text, edits), id);
        return edits;
      }, `Edit device ${id}`);
      await files.load(ref.uri);
      return changed;
    }),

    command(DEVICE_COMMANDS.delete, async (arg?: unknown, options?: { confirm?: boolean }) => {
      const ref = await deviceTarget(files, arg, 'Device to delete');
      if (!ref) return false;
      const { device } = ref;
      if (!isPlainObject(options) || options.confirm !== false) {
        const disableInstead = device.enabled ? 'Disable Instead' : undefined;
        const choice = await vscode.window.showWarningMessage(
          `Delete device ${device.id} (${device.ae ?? 'no AE'}) from ${vscode.workspace.asRelativePath(ref.uri)}?`,
          { modal: true, detail: 'A device that is only offline for a while is better disabled: its configuration is kept. Undo (Ctrl+Z in the file) brings a deleted device back.' },
          ...['Delete', disableInstead].filter((x): x is string => !!x),
        );
        if (choice === 'Disable Instead') return setDeviceEnabled(arg ?? { uri: ref.uri, id: device.id }, false);
        if (choice !== 'Delete') return false;
      }
      await applyDeviceEdits(ref.uri, (text) => removeDevice(text, device.id), `Delete device ${device.id}`);
      await files.load(ref.uri);
      log.line(`deleted device ${device.id} from ${vscode.workspace.asRelativePath(ref.uri)}`);
      if (device.type === 'parent' || device.type === 'child') {
        log.line(`${device.id} was a ${device.type} link: remove it on the linked server too, then recollect the hierarchy (DotCom) info.`);
      }
      return true;
    }),

    command(DEVICE_COMMANDS.refreshIp, async (arg?: unknown) => {
      if (!requireTrust('Refresh IP Addresses')) return undefined;
      const { refs, skipped } = await devicesForBatch(files, arg);
      // Disabled devices keep their host: their addresses are refreshed too.
      const all = [...refs, ...skipped].map((r) => r.device);
      log.show();
      log.line(`refresh IP addresses: ${all.length} device(s)`);
      const resolutions = await hosts.refresh(all, networkSettings().timeoutMs);
      for (const r of resolutions) log.line('  ' + describeResolution(r));
      const changed = resolutions.filter((r) => r.status === 'changed').length;
      const unresolved = resolutions.filter((r) => r.status === 'unresolved').length;
      void vscode.window.showInformationMessage(
        `Refresh IP addresses: ${resolutions.length} host(s), ${changed} changed, ${unresolved} not resolved (details in the PACS Devices output).`,
      );
      return resolutions;
    }),

    command(DEVICE_COMMANDS.reveal, async (arg?: unknown) => {
      const node = arg as Partial<DeviceTreeNode> | undefined;
      let uri: vscode.Uri;
      let range;
      if (node && node.kind !== 'device' && node.uri && !('id' in node)) {
        const file = files.get(String(node.uri));
        if (!file) return false;
        uri = file.uri;
        range = file.table.server?.nameRange ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      } else {
        const ref = await deviceTarget(files, arg, 'Device to reveal');
        if (!ref) return false;
        uri = ref.uri;
        range = ref.device.idRange;
      }
      const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
      await vscode.window.showTextDocument(uri, { selection, preserveFocus: false });
      return true;
    }),

    command(DEVICE_COMMANDS.refresh, () => files.reloadAll()),

    command(DEVICE_COMMANDS.toggleGroupBy, async () => {
      const next = currentGroupBy() === 'category' ? 'type' : 'category';
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration(NAMESPACE).update(GROUP_BY_SETTING, next, target);
      return next;
    }),

    command(DEVICE_COMMANDS.setTlsPassphrase, async () => {
      const value = await vscode.window.showInputBox({ prompt: 'Passphrase of the TLS client key (kept in VS Code\'s secret storage)', password: true, ignoreFocusOut: true });
      if (value === undefined) return false;
      await secrets.store(PASSPHRASE_SECRET, value);
      return true;
    }),

    command(DEVICE_COMMANDS.clearTlsPassphrase, async () => {
      await secrets.delete(PASSPHRASE_SECRET);
      return true;
    }),

    // Test hook: what the view shows (through the provider itself) and what was logged.
    command(DEVICE_COMMANDS.testState, async () => {
      await files.settled();
      return {
        tree: await snapshotTree(provider),
        results: Object.fromEntries(results.entries()),
        log: log.recent(),
        summary: summary.state(),
      };
    }),
  ];
}

/** A menu may pass the tree's selection (an array) as the second argument; that is not data. */
function isPlainObject<T>(value: T | undefined): value is T {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses an edit that would leave the device with a validation error. */
function assertNewDeviceValid(newText: string, id: string): void {
  const { table, diagnostics } = validateDeviceText(newText);
  const device = table.devices.find((d) => d.id === id);
  if (!device) throw new Error(`device ${id} is not in the edited text`);
  const errors = diagnostics.filter(
    (d) => d.severity === 'error' && d.range.start.line >= device.range.start.line && d.range.end.line <= device.range.end.line,
  );
  if (errors.length) throw new Error(`device ${id} would not be valid: ${errors.map((e) => e.message).join(' ')}`);
}

