/** The Traffic view: a tree over the TrafficModel (receiver state, warnings, forward queue, devices, objects, changes). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ObjectChange } from '../../../../core/src/receiver/types';
import { limitText, objectCounts, queueText, queueTrouble, type AssociationEvent, type DeviceTraffic, type ForwardFailure, type ObjectEvent, type TrafficModel } from './trafficModel';
import { COMMANDS } from '../../../../core/src/contributes';

export type TrafficNode =
  | { kind: 'status' }
  | { kind: 'warnings' }
  | { kind: 'warning'; text: string }
  | { kind: 'device'; name: string }
  | { kind: 'rejections'; device: string }
  | { kind: 'rejection'; event: AssociationEvent }
  | { kind: 'object'; event: ObjectEvent }
  | { kind: 'change'; change: ObjectChange }
  | { kind: 'queue' }
  | { kind: 'destination'; id: string }
  | { kind: 'forwardFailure'; event: ForwardFailure };

const shortValue = (v: string | null): string => (v === null ? 'absent' : v === '' ? '""' : v.length > 40 ? `"${v.slice(0, 39)}…"` : `"${v}"`);

export class TrafficView implements vscode.TreeDataProvider<TrafficNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TrafficNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly model: TrafficModel, private readonly running: () => string | undefined) {}

  /** Redraws at most ten times a second: a burst of objects is one refresh. */
  refresh(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.changed.fire(undefined);
    }, 100);
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.changed.dispose();
  }

  getChildren(node?: TrafficNode): TrafficNode[] {
    if (!node) {
      const top: TrafficNode[] = [{ kind: 'status' }];
      if (this.model.warnings.length) top.push({ kind: 'warnings' });
      if (this.model.queue.size) top.push({ kind: 'queue' });
      return [...top, ...[...this.model.devices.keys()].sort().map((name): TrafficNode => ({ kind: 'device', name }))];
    }
    switch (node.kind) {
      case 'warnings':
        return this.model.warnings.map((text): TrafficNode => ({ kind: 'warning', text }));
      case 'device': {
        const d = this.model.devices.get(node.name);
        if (!d) return [];
        const rows: TrafficNode[] = d.rejected.length ? [{ kind: 'rejections', device: d.name }] : [];
        return [...rows, ...d.objects.map((event): TrafficNode => ({ kind: 'object', event }))];
      }
      case 'rejections':
        return (this.model.devices.get(node.device)?.rejected ?? []).map((event): TrafficNode => ({ kind: 'rejection', event }));
      case 'object':
        return node.event.changes.map((change): TrafficNode => ({ kind: 'change', change }));
      case 'queue':
        return [...this.model.queue.keys()].map((id): TrafficNode => ({ kind: 'destination', id }));
      case 'destination':
        return (this.model.forwardFailures.get(node.id) ?? []).map((event): TrafficNode => ({ kind: 'forwardFailure', event }));
      default:
        return [];
    }
  }

  getTreeItem(node: TrafficNode): vscode.TreeItem {
    const None = vscode.TreeItemCollapsibleState.None;
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'status': {
        const l = this.model.listening;
        const running = this.running();
        const item = new vscode.TreeItem(running && l ? `Receiving as ${l.ae} on ${[l.tcpPort !== undefined ? `${l.host}:${l.tcpPort}` : '', l.tlsPort !== undefined ? `TLS ${l.tlsPort}` : ''].filter(Boolean).join(', ')}` : running ? `Starting receiver for ${running}…` : 'Receiver stopped', None);
        item.description = running && l ? `storing under ${l.store}` : 'Start Receiver on a server in the Devices view';
        item.iconPath = new vscode.ThemeIcon(running ? 'radio-tower' : 'debug-stop');
        item.contextValue = running ? 'traffic.status.running' : 'traffic.status.stopped';
        return item;
      }
      case 'warnings': {
        const item = new vscode.TreeItem(`Warnings (${this.model.warnings.length})`, Collapsed);
        item.iconPath = new vscode.ThemeIcon('warning');
        return item;
      }
      case 'warning': {
        const item = new vscode.TreeItem(node.text, None);
        item.tooltip = node.text;
        return item;
      }
      case 'device': {
        const d = this.model.devices.get(node.name)!;
        const n = objectCounts(d);
        const item = new vscode.TreeItem(d.name, d.objects.length || d.rejected.length ? Collapsed : None);
        item.description = `${d.accepted} accepted, ${d.rejected.length} rejected · ${limitText(d)} · ${n.stored} stored, ${n.stopped} stopped, ${n.failed} failed`;
        item.tooltip = deviceTooltip(d);
        item.iconPath = new vscode.ThemeIcon(n.failed || d.rejected.length ? 'warning' : 'device-desktop');
        item.contextValue = 'traffic.device';
        return item;
      }
      case 'rejections': {
        const d = this.model.devices.get(node.device)!;
        const item = new vscode.TreeItem(`Rejected associations (${d.rejected.length})`, Collapsed);
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        return item;
      }
      case 'rejection': {
        const e = node.event;
        const item = new vscode.TreeItem(`${e.callingAe} → ${e.calledAe} from ${e.peer}`, None);
        item.description = e.reason;
        item.tooltip = `${e.time}\n${e.reason}\n${e.rejection ? `${e.rejection.result}, source ${e.rejection.source}, reason ${e.rejection.reason}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('error');
        return item;
      }
      case 'object': {
        const e = node.event;
        const item = new vscode.TreeItem(e.sopInstanceUid, e.changes.length ? Collapsed : None);
        item.description = e.status === 'stored' ? `stored, ${e.changes.length} change${e.changes.length === 1 ? '' : 's'}` : e.status === 'stopped' ? `stopped: ${e.reason}` : `failed (0x${e.dimseStatus.toString(16).padStart(4, '0')}): ${e.reason}`;
        item.tooltip = `${e.time}\nSOP class ${e.sopClassUid}\ntransfer syntax ${e.transferSyntaxUid}\n${e.file ? `stored as ${e.file}\n` : ''}${e.reason ?? ''}\nrules: ${e.rules.map((r) => path.basename(r)).join(' → ') || 'none'}`;
        item.iconPath = new vscode.ThemeIcon(e.status === 'stored' ? 'pass' : e.status === 'stopped' ? 'debug-pause' : 'error');
        item.contextValue = `traffic.object.${e.status}${e.original ? '.original' : ''}`;
        // One click: the object before and after the rules, as the rule preview shows a sample.
        item.command = { command: COMMANDS.receiver.showChanges, title: 'Show What the Rules Changed', arguments: [node] };
        return item;
      }
      case 'queue': {
        const all = [...this.model.queue.values()];
        const item = new vscode.TreeItem('Forward queue', vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${all.reduce((n, d) => n + d.pending, 0)} pending, ${all.reduce((n, d) => n + d.failed, 0)} failed`;
        item.tooltip = 'Copies of the received objects for the AutoFwd devices, kept on disk until each has them (pacsw queue shows the same)';
        item.iconPath = new vscode.ThemeIcon('send');
        return item;
      }
      case 'destination': {
        const d = this.model.queue.get(node.id)!;
        const trouble = queueTrouble(d);
        const failures = this.model.forwardFailures.get(node.id) ?? [];
        const item = new vscode.TreeItem(d.id, failures.length ? Collapsed : None);
        item.description = [queueText(d), trouble].filter(Boolean).join(' · ');
        item.tooltip = [
          `${d.id}${d.ae ? `: ${d.ae} at ${d.host}:${d.port}${d.tls ? ' (TLS)' : ''}` : ''}`,
          queueText(d),
          `${d.deliveredSinceStart} delivered since the receiver started${d.lastDeliveredAt ? `, last at ${d.lastDeliveredAt}` : ''}`,
          ...(d.nextRetryAt ? [`next retry: ${d.nextRetryAt}`] : []),
          ...(d.lastError ? [`last error (${d.lastErrorAt}): ${d.lastError}`] : []),
        ].join('\n');
        item.iconPath = new vscode.ThemeIcon(d.failed || trouble ? 'warning' : !d.enabled ? 'debug-pause' : 'cloud-upload');
        // Retry needs failed entries, or pending ones a running node holds back after failures
        // (it then sends at once instead of at the retry time); Drop any entries.
        const waiting = !!this.running() && d.pending > 0 && (d.consecutiveFailures > 0 || !!d.nextRetryAt);
        item.contextValue = `traffic.destination${d.failed ? '.failed' : ''}${d.pending ? '.pending' : ''}${waiting ? '.waiting' : ''}`;
        return item;
      }
      case 'forwardFailure': {
        const e = node.event;
        const item = new vscode.TreeItem(e.sopInstanceUid, None);
        item.description = e.reason;
        item.tooltip = `${e.time}\nfailed for good${e.dimseStatus !== undefined ? ` (0x${e.dimseStatus.toString(16).padStart(4, '0')})` : ''}: ${e.reason}\nqueue key ${e.key}`;
        item.iconPath = new vscode.ThemeIcon('error');
        return item;
      }
      case 'change': {
        const c = node.change;
        const item = new vscode.TreeItem(c.path, None);
        item.description = `${shortValue(c.before)} → ${shortValue(c.after)} (${c.uri ? path.basename(c.uri) : c.ruleSet}:${c.line})`;
        item.tooltip = `${c.path}\nbefore: ${shortValue(c.before)}\nafter: ${shortValue(c.after)}\nlast changed by ${c.ruleSet}, line ${c.line}`;
        item.iconPath = new vscode.ThemeIcon(c.after === null ? 'remove' : c.before === null ? 'add' : 'edit');
        if (c.uri) {
          item.command = { command: 'vscode.open', title: 'Open Rule', arguments: [vscode.Uri.file(c.uri), { selection: new vscode.Range(c.line - 1, 0, c.line - 1, 0) }] };
        }
        return item;
      }
    }
  }
}

function deviceTooltip(d: DeviceTraffic): string {
  const n = objectCounts(d);
  return [
    `${d.name}${d.category ? ` (category ${d.category})` : ''}`,
    `associations: ${d.accepted} accepted, ${d.rejected.length} rejected`,
    `now: ${limitText(d)}`,
    `objects: ${n.stored} stored, ${n.stopped} stopped, ${n.failed} failed`,
  ].join('\n');
}
