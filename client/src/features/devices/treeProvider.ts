/**
 * TreeDataProvider of the PACS Devices view: one root per .pacs file (its server), then the
 * categories or device types (setting `pacsWorkbench.devices.groupBy`), then the devices.
 * Refreshes whenever a file or a check result changes.
 */
import * as vscode from 'vscode';
import type { CheckResults } from './checkResults';
import type { DeviceFiles } from './deviceFiles';
import { deviceItem, devicesOf, groupItem, groupsOf, serverItem, type DeviceTreeNode, type GroupBy } from './treeModel';
import { NAMESPACE, settingId, SETTINGS } from '../../../../core/src/contributes';

export const GROUP_BY_SETTING = SETTINGS.groupBy;

export function currentGroupBy(): GroupBy {
  return vscode.workspace.getConfiguration(NAMESPACE).get<string>(GROUP_BY_SETTING) === 'type' ? 'type' : 'category';
}

export class DeviceTreeProvider implements vscode.TreeDataProvider<DeviceTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeviceTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly files: DeviceFiles,
    private readonly results: CheckResults,
  ) {
    this.disposables = [
      this.changed,
      files.onDidChange(() => this.changed.fire(undefined)),
      results.onDidChange(() => this.changed.fire(undefined)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(settingId(GROUP_BY_SETTING))) this.changed.fire(undefined);
      }),
    ];
  }

  getChildren(node?: DeviceTreeNode): DeviceTreeNode[] {
    if (!node) return this.files.all().map((f) => ({ kind: 'server', uri: f.uri.toString() }));
    const file = this.files.get(node.uri);
    if (!file) return [];
    if (node.kind === 'server') return groupsOf(node.uri, file.table, currentGroupBy());
    if (node.kind === 'group') return devicesOf(node, file.table);
    return [];
  }

  getTreeItem(node: DeviceTreeNode): vscode.TreeItem {
    const file = this.files.get(node.uri);
    if (!file) return new vscode.TreeItem('(file removed)');
    switch (node.kind) {
      case 'server':
        return serverItem(file.uri, file.table);
      case 'group':
        return groupItem(node, file.table);
      case 'device': {
        const device = file.table.devices.find((d) => d.id === node.id);
        if (!device) return new vscode.TreeItem(`${node.id} (removed)`);
        return deviceItem(node, device, this.results.get(node.uri, node.id), file.uri);
      }
    }
  }

  getParent(node: DeviceTreeNode): DeviceTreeNode | undefined {
    if (node.kind === 'server') return undefined;
    if (node.kind === 'group') return { kind: 'server', uri: node.uri };
    const device = this.files.device(node.uri, node.id)?.device;
    const by = currentGroupBy();
    return { kind: 'group', uri: node.uri, by, name: by === 'category' ? device?.category : device?.type };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
