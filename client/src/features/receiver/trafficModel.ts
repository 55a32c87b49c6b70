/**
 * What the Traffic view shows, built from the receiving node's events (`pacsw serve --json`):
 * per device, its associations (accepted, rejected with the reason, open against the limits)
 * and its objects (stored with what the rules changed, stopped, failed); per forward
 * destination, its queue (depth, last error, next retry) and the objects it failed for good.
 * No vscode here.
 */
import type { ForwardEvent, NodeEvent } from '../../../../core/src/forward/events';
import type { DestinationStatus } from '../../../../core/src/forward/forwarder';
import type { AssociationCounts, ReceiverEvent } from '../../../../core/src/receiver/types';

export type ObjectEvent = Extract<ReceiverEvent, { event: 'object' }>;
export type AssociationEvent = Extract<ReceiverEvent, { event: 'association' }>;
export type ForwardFailure = Extract<ForwardEvent, { event: 'forward'; status: 'failed' }>;

export interface DeviceTraffic {
  /** Device ID, or `unknown <AE>` for an unknown caller. */
  name: string;
  category?: string;
  accepted: number;
  rejected: AssociationEvent[];
  open: number;
  counts?: AssociationCounts;
  objects: ObjectEvent[];
}

/** Objects kept per device: the view is for looking, the files are on disk. */
const MAX_OBJECTS = 500;
const MAX_REJECTIONS = 100;

export class TrafficModel {
  readonly devices = new Map<string, DeviceTraffic>();
  listening?: Extract<ReceiverEvent, { event: 'listening' }>;
  warnings: string[] = [];
  /** The forward queue per destination, as the node's last `queue` event said. */
  readonly queue = new Map<string, DestinationStatus>();
  /** Objects each destination failed for good since the view started (latest first). */
  readonly forwardFailures = new Map<string, ForwardFailure[]>();
  /** Open associations by peer, to count them down when they close. */
  private readonly openByPeer = new Map<string, string>();

  private device(name: string): DeviceTraffic {
    let d = this.devices.get(name);
    if (!d) {
      d = { name, accepted: 0, rejected: [], open: 0, objects: [] };
      this.devices.set(name, d);
    }
    return d;
  }

  /** Applies one event; returns false for events that change nothing shown. */
  add(e: NodeEvent): boolean {
    switch (e.event) {
      case 'queue':
        this.queue.clear();
        for (const d of e.destinations) this.queue.set(d.id, d);
        return true;
      case 'forward': {
        if (e.status === 'failed') {
          const list = this.forwardFailures.get(e.destination) ?? [];
          list.unshift(e);
          list.length = Math.min(list.length, MAX_OBJECTS);
          this.forwardFailures.set(e.destination, list);
          return true;
        }
        // A retry is shown at once; depths follow with the next queue event.
        const d = e.status === 'retry' ? this.queue.get(e.destination) : undefined;
        if (!d || e.status !== 'retry') return false;
        this.queue.set(e.destination, { ...d, lastError: e.reason, lastErrorAt: e.time, nextRetryAt: e.nextRetryAt, consecutiveFailures: e.attempt });
        return true;
      }
      case 'listening':
        this.listening = e;
        return true;
      case 'association': {
        const d = this.device(e.device ?? `unknown ${e.callingAe}`);
        d.category = e.category ?? d.category;
        d.counts = e.counts;
        if (e.outcome === 'accepted') {
          d.accepted++;
          d.open++;
          this.openByPeer.set(e.peer, d.name);
        } else {
          d.rejected.unshift(e);
          d.rejected.length = Math.min(d.rejected.length, MAX_REJECTIONS);
        }
        return true;
      }
      case 'closed': {
        const name = this.openByPeer.get(e.peer);
        this.openByPeer.delete(e.peer);
        const d = name ? this.devices.get(name) : undefined;
        if (d) d.open = Math.max(0, d.open - 1);
        return !!d;
      }
      case 'object': {
        const d = this.device(e.device ?? `unknown ${e.callingAe}`);
        d.objects.unshift(e);
        d.objects.length = Math.min(d.objects.length, MAX_OBJECTS);
        return true;
      }
      case 'warning':
        this.warnings.unshift(e.message);
        this.warnings.length = Math.min(this.warnings.length, 50);
        return true;
      case 'table':
        if (e.status === 'kept-last-good') {
          this.warnings.unshift(`table NOT reloaded (${e.errors.length} error${e.errors.length === 1 ? '' : 's'}): ${e.errors[0] ?? ''}`);
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  clear(): void {
    for (const d of this.devices.values()) {
      d.accepted = 0;
      d.rejected = [];
      d.objects = [];
    }
    this.warnings = [];
    this.forwardFailures.clear(); // the queue itself is on disk: its status stays
  }
}

/** "3 pending (1 being sent), 2 failed · disabled" for a destination's row. */
export function queueText(d: DestinationStatus): string {
  const parts = [`${d.pending} pending${d.inFlight ? ` (${d.inFlight} being sent)` : ''}`, `${d.failed} failed`];
  if (!d.configured) parts.push('not in the table (queue kept)');
  else if (!d.enabled) parts.push('disabled (queue kept)');
  return parts.join(', ');
}

/** "retry at 12:04:05 · last error: connection refused" (local time), or undefined when all is well. */
export function queueTrouble(d: DestinationStatus, now = Date.now()): string | undefined {
  const parts: string[] = [];
  // A retry time with nothing pending (all dropped) would promise a send that does not come.
  if (d.pending > 0 && d.nextRetryAt && Date.parse(d.nextRetryAt) > now) parts.push(`retry at ${new Date(d.nextRetryAt).toLocaleTimeString()}`);
  if (d.lastError && (parts.length || d.consecutiveFailures > 0 || d.failed > 0)) parts.push(`last error: ${d.lastError}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/** "2 open of 8 (category modalities), store-in 1 of 4" */
export function limitText(d: DeviceTraffic): string {
  const c = d.counts;
  const parts: string[] = [];
  if (c?.device) parts.push(`${d.open} open${c.device.max !== undefined ? ` of max ${c.device.max}` : ''}`);
  else parts.push(`${d.open} open`);
  if (c?.device?.storeInMax !== undefined) parts.push(`store-in ${c.device.storeIn ?? 0} of ${c.device.storeInMax}`);
  if (c?.category) parts.push(`category ${c.category.name} ${c.category.open} of ${c.category.max ?? '∞'}`);
  return parts.join(', ');
}

export function objectCounts(d: DeviceTraffic): Record<ObjectEvent['status'], number> {
  const n = { stored: 0, stopped: 0, failed: 0 };
  for (const o of d.objects) n[o.status]++;
  return n;
}
