/**
 * What the Traffic view shows, built from the receiving node's events (`pacsw serve --json`):
 * per device, its associations (accepted, rejected with the reason, open against the limits)
 * and its objects (stored with what the rules changed, stopped, failed). No vscode here.
 */
import type { AssociationCounts, ReceiverEvent } from '../../../../core/src/receiver/types';

export type ObjectEvent = Extract<ReceiverEvent, { event: 'object' }>;
export type AssociationEvent = Extract<ReceiverEvent, { event: 'association' }>;

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
  add(e: ReceiverEvent): boolean {
    switch (e.event) {
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
  }
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
