/**
 * The nodes of the device tree (server → category or type → device) and how each looks:
 * label, `AE@host:port` description with the last result, icon per type, tooltip with the
 * details. Nodes only name what they show (file + id); the look is computed from the current
 * table and results each time, so the tree never shows a stale copy.
 */
import * as vscode from 'vscode';
import { DEVICE_TYPES, type CategoryModel, type DeviceModel, type DeviceTable, type DeviceType, type ServerModel } from '../../../../core/src/devices';
import { serviceEntries } from '../../../../core/src/devices/format';
import { clock, formatMs, shortResult, type DeviceResults } from './checkResults';
import { checkEndpoint } from '../../../../core/src/devices';
import { COMMANDS } from '../../../../core/src/contributes';

export type GroupBy = 'category' | 'type';

export interface ServerNode {
  kind: 'server';
  uri: string;
}

export interface GroupNode {
  kind: 'group';
  uri: string;
  by: GroupBy;
  /** Category name or device type; undefined for devices without one. */
  name?: string;
}

export interface DeviceNode {
  kind: 'device';
  uri: string;
  id: string;
}

export type DeviceTreeNode = ServerNode | GroupNode | DeviceNode;

export const REVEAL_COMMAND = COMMANDS.devices.reveal;

const TYPE_ICONS: Record<DeviceType, string> = {
  dicom: 'pulse',
  'backup-source': 'cloud-upload',
  'backup-target': 'archive',
  child: 'type-hierarchy-sub',
  parent: 'type-hierarchy-super',
  'media-creator': 'save',
  viewer: 'eye',
  'web-service': 'globe',
  hl7: 'mail',
  workstation: 'device-desktop',
};

/** The groups of a table, in file order, then the devices without a group. */
export function groupsOf(uri: string, table: DeviceTable, by: GroupBy): GroupNode[] {
  const names: Array<string | undefined> = [];
  if (by === 'category') {
    for (const c of table.categories) if (!names.includes(c.name)) names.push(c.name);
    for (const d of table.devices) if (d.category !== undefined && !names.includes(d.category)) names.push(d.category);
    if (table.devices.some((d) => d.category === undefined)) names.push(undefined);
  } else {
    for (const d of table.devices) if (!names.includes(d.type)) names.push(d.type);
    names.sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b)));
  }
  return names.map((name) => ({ kind: 'group', uri, by, name }));
}

export function devicesOf(group: GroupNode, table: DeviceTable): DeviceNode[] {
  return table.devices
    .filter((d) => (group.by === 'category' ? d.category : d.type) === group.name)
    .map((d) => ({ kind: 'device', uri: group.uri, id: d.id }));
}

/** `AE@host:port`, with `?` for what the file does not say. */
export function addressOf(device: DeviceModel): string {
  const ep = checkEndpoint(device);
  return `${device.ae ?? '?'}@${device.host ?? '?'}:${ep ? ep.port : '?'}`;
}

export function serverItem(uri: vscode.Uri, table: DeviceTable): vscode.TreeItem {
  const server = table.server;
  const fileName = uri.path.split('/').pop() ?? uri.path;
  const item = new vscode.TreeItem(server?.name ?? fileName, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `${uri.toString()}|server`;
  item.iconPath = new vscode.ThemeIcon('server');
  item.contextValue = 'server';
  item.resourceUri = uri;
  item.description = server ? `${serverAddress(server)} · ${fileName}` : `${fileName} (no server block)`;
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**Server** ${esc(server?.name ?? '(none)')}  \n`);
  if (server) {
    line(tip, 'Storage AE', server.ae);
    line(tip, 'Query AE', server.queryAe);
    line(tip, 'Host', server.host);
    line(tip, 'TCP port', server.tcpPort);
    line(tip, 'TLS port', server.tlsPort);
  }
  line(tip, 'Devices', `${table.devices.length} (${table.devices.filter((d) => !d.enabled).length} disabled)`);
  line(tip, 'File', vscode.workspace.asRelativePath(uri));
  item.tooltip = tip;
  return item;
}

function serverAddress(server: ServerModel): string {
  const port = server.tlsPort && server.tlsPort > 0 && !server.tcpPort ? server.tlsPort : server.tcpPort;
  return `${server.ae ?? '?'}@${server.host ?? '?'}:${port ?? '?'}`;
}

export function groupItem(group: GroupNode, table: DeviceTable): vscode.TreeItem {
  const members = devicesOf(group, table).length;
  let label: string;
  let detail: string | undefined;
  if (group.by === 'category') {
    label = group.name ?? '(no category)';
    const category: CategoryModel | undefined = table.categories.find((c) => c.name === group.name);
    if (group.name !== undefined && !category) detail = 'category not defined in this file';
    else if (category?.maxConnections !== undefined) detail = `max ${category.maxConnections} connections`;
  } else {
    label = group.name ?? '(no type)';
    detail = group.name ? DEVICE_TYPES[group.name as DeviceType] : undefined;
  }
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `${group.uri}|${group.by}|${group.name ?? ''}`;
  item.iconPath = new vscode.ThemeIcon(group.by === 'category' ? 'folder' : 'symbol-enum');
  item.contextValue = 'group';
  item.description = `${members} device${members === 1 ? '' : 's'}${detail && group.by === 'category' ? ` · ${detail}` : ''}`;
  if (detail) item.tooltip = `${label}: ${detail}`;
  return item;
}

export function deviceItem(node: DeviceNode, device: DeviceModel, results: DeviceResults, uri: vscode.Uri): vscode.TreeItem {
  const item = new vscode.TreeItem(device.id, vscode.TreeItemCollapsibleState.None);
  const ep = checkEndpoint(device);
  // What changes (the results, disabled) comes first: a narrow sidebar cuts the end off.
  const parts: string[] = [];
  if (!device.enabled) parts.push('disabled');
  if (results.echo) parts.push(`echo ${shortResult(results.echo)}`);
  if (results.ping) {
    // The TCP connect says most (the DICOM port answers); ICMP stands in when there is none.
    const { tcp, icmp, ok } = results.ping;
    const shown = tcp && (tcp.ok || !icmp.ok) ? tcp : icmp;
    parts.push(`ping ${ok ? 'ok' : 'failed'} ${formatMs(shown.ms)}`);
  }
  parts.push(addressOf(device) + (ep?.tls ? ' TLS' : ''));
  item.description = parts.join(' · ');
  item.contextValue = device.enabled ? 'device.enabled' : 'device.disabled';
  item.iconPath = new vscode.ThemeIcon(device.type ? TYPE_ICONS[device.type] : 'question', iconColor(device, results));
  item.tooltip = deviceTooltip(device, results, uri);
  item.command = { command: REVEAL_COMMAND, title: 'Reveal in File', arguments: [node] };
  item.accessibilityInformation = { label: `${device.id}, ${item.description}` };
  return item;
}

/** Disabled devices are greyed; otherwise the colour says how the last check went. */
function iconColor(device: DeviceModel, results: DeviceResults): vscode.ThemeColor | undefined {
  if (!device.enabled) return new vscode.ThemeColor('disabledForeground');
  const last = latest(results);
  if (last === undefined) return undefined;
  return new vscode.ThemeColor(last ? 'testing.iconPassed' : 'testing.iconFailed');
}

/** Whether the most recent check (echo or ping) succeeded; undefined when none ran. */
function latest(results: DeviceResults): boolean | undefined {
  const { echo, ping } = results;
  if (echo && (!ping || echo.at >= ping.at)) return echo.ok;
  return ping?.ok;
}

function deviceTooltip(device: DeviceModel, results: DeviceResults, uri: vscode.Uri): vscode.MarkdownString {
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${esc(device.id)}**`);
  if (!device.enabled) tip.appendMarkdown(' — *disabled*');
  tip.appendMarkdown('  \n');
  line(tip, 'Type', device.type ? DEVICE_TYPES[device.type] : undefined);
  line(tip, 'AE title', device.ae);
  line(tip, 'Host', device.host);
  line(tip, 'Port', device.port);
  line(tip, 'TCP port', device.tcpPort);
  line(tip, 'TLS port', device.tlsPort);
  const ep = checkEndpoint(device);
  line(tip, 'Echo/ping use', ep ? `port ${ep.port}${ep.tls ? ' over TLS' : ''}` : 'no DICOM port');
  line(tip, 'Category', device.category);
  const services = serviceEntries(device.services);
  line(tip, 'Services', services.length ? services.join(', ') : undefined);
  if (device.rules) line(tip, 'Rules', device.rules.kind === 'file' ? device.rules.path : 'inline');
  if (device.link) line(tip, 'Linked server', device.link);
  const { echo, ping } = results;
  if (echo) {
    line(tip, 'Last echo', `${echo.outcome} in ${formatMs(echo.ms)} at ${clock(echo.at)} — ${echo.reason} (${echo.target})`);
  } else {
    line(tip, 'Last echo', 'not run yet');
  }
  if (ping) {
    const tcp = ping.tcp ? `TCP ${shortResult(ping.tcp)}` : 'TCP: no DICOM port';
    line(tip, 'Last ping', `${tcp}; ICMP ${shortResult(ping.icmp)} at ${clock(ping.at)}`);
  }
  line(tip, 'File', `${vscode.workspace.asRelativePath(uri)}:${device.range.start.line + 1}`);
  return tip;
}

/** Backslash-escapes Markdown syntax so file text shows as typed (appendText would also turn spaces into &nbsp;). */
export function esc(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function line(tip: vscode.MarkdownString, name: string, value: string | number | undefined): void {
  if (value === undefined) return;
  tip.appendMarkdown(`${name}: ${esc(String(value))}  \n`);
}
