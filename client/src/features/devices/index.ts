/**
 * The PACS Devices view and its commands: a tree of every *.pacs device table in the
 * workspace, with echo, ping, enable/disable, add, edit, delete, refresh IP and reveal.
 * Everything it creates is disposed with the extension; in-flight checks are aborted then.
 */
import * as vscode from 'vscode';
import type { Feature } from '../feature';
import { BatchSummary } from './batchSummary';
import { CheckLog } from './checkLog';
import { CheckResults } from './checkResults';
import { registerDeviceCommands } from './commands';
import { DeviceChecks } from './deviceChecks';
import { DeviceFiles } from './deviceFiles';
import { DeviceTreeProvider } from './treeProvider';
import { VIEWS } from '../../../../core/src/contributes';

export const DEVICES_VIEW_ID = VIEWS.devices;

export const devicesFeature: Feature = {
  name: 'device tree',
  register(context) {
    const files = new DeviceFiles();
    const results = new CheckResults();
    const log = new CheckLog();
    const checks = new DeviceChecks(results, log, context.secrets);
    const provider = new DeviceTreeProvider(files, results);
    const view = vscode.window.createTreeView(DEVICES_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
    const summary = new BatchSummary(() => log.show());
    context.subscriptions.push(files, results, log, provider, view, checks, summary);
    context.subscriptions.push(...registerDeviceCommands({ files, results, log, checks, provider, secrets: context.secrets, summary }));
  },
};
