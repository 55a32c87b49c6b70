/**
 * What a tree view shows, read through its own TreeDataProvider: the test hooks of the Devices
 * and Traffic views return this, so an e2e test checks the items a user sees (label,
 * description, tooltip, icon, context value for the menus, the command a click runs).
 */
import * as vscode from 'vscode';

export interface TreeSnapshot {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  icon?: string;
  iconColor?: string;
  /** What a click on the item runs: the command and its arguments, as VS Code would call it. */
  command?: { command: string; arguments?: unknown[] };
  /**
   * The provider's own element, which VS Code hands to the item's menu commands (not
   * enumerable: it stays out of JSON and of deep comparisons).
   */
  readonly element?: unknown;
  children: TreeSnapshot[];
}

interface Provider<T> {
  getChildren(node?: T): vscode.ProviderResult<T[]>;
  getTreeItem(node: T): vscode.TreeItem | Thenable<vscode.TreeItem>;
}

/** Tooltip Markdown as a reader sees it: no bold marks, no escapes, one line per entry. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*/g, '').replace(/\\(.)/g, '$1').replace(/ {2}\n/g, '\n');
}

export async function snapshotTree<T>(provider: Provider<T>, node?: T): Promise<TreeSnapshot[]> {
  const out: TreeSnapshot[] = [];
  for (const child of (await provider.getChildren(node)) ?? []) {
    const item = await provider.getTreeItem(child);
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
    const snapshot: TreeSnapshot = {
      label: typeof item.label === 'string' ? item.label : item.label?.label ?? '',
      description: typeof item.description === 'string' ? item.description : undefined,
      tooltip: typeof item.tooltip === 'string' ? item.tooltip : item.tooltip && plain(item.tooltip.value),
      contextValue: item.contextValue,
      icon: icon?.id,
      // ThemeColor keeps its id at run time; the 1.82 typings do not declare it.
      iconColor: (icon?.color as { id?: string } | undefined)?.id,
      children: await snapshotTree(provider, child),
    };
    if (item.command) snapshot.command = { command: item.command.command, arguments: item.command.arguments };
    Object.defineProperty(snapshot, 'element', { value: child, enumerable: false });
    out.push(snapshot);
  }
  return out;
}
