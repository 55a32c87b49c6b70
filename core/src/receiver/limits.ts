/**
 * Concurrency bounds on associations, as eRAD's categories and task limits set them: a
 * category's `max-connections` for all its members together, a device's `max` (all its tasks)
 * and `store-in` (its incoming store tasks). An association over a bound is refused at once
 * (the caller rejects it as transient, "local limit exceeded"); nothing waits in a queue.
 * The bounds are read from the table at each request, so an edited table applies to new
 * associations while the ones open keep their place. Pure state, no I/O.
 */
import type { CategoryModel, DeviceModel } from '../devices/model';
import type { AssociationCounts } from './types';

export interface Lease {
  deviceId?: string;
  /** Lower-case category name (categories are compared without case). */
  category?: string;
  storing: boolean;
  released: boolean;
}

export type Acquired = { ok: true; lease: Lease } | { ok: false; why: string };

export class ConcurrencyLimits {
  private readonly categories = new Map<string, number>();
  private readonly devices = new Map<string, { all: number; storing: number }>();

  /** Takes a place for one association of `device` (undefined: an unknown caller, unbounded). */
  acquire(device: DeviceModel | undefined, category: CategoryModel | undefined, storing: boolean): Acquired {
    if (!device) return { ok: true, lease: { storing, released: false } };
    const key = category?.name.toLowerCase();
    const inCategory = key ? this.categories.get(key) ?? 0 : 0;
    const own = this.devices.get(device.id) ?? { all: 0, storing: 0 };
    if (category && category.maxConnections !== undefined && inCategory >= category.maxConnections) {
      return { ok: false, why: `category ${category.name} holds ${inCategory} of its max-connections ${category.maxConnections}` };
    }
    const max = device.limits.max;
    if (max !== undefined && own.all >= max) return { ok: false, why: `device ${device.id} holds ${own.all} of its limit max ${max}` };
    const storeIn = device.limits['store-in'];
    if (storing && storeIn !== undefined && own.storing >= storeIn) {
      return { ok: false, why: `device ${device.id} holds ${own.storing} store associations of its limit store-in ${storeIn}` };
    }
    if (key) this.categories.set(key, inCategory + 1);
    this.devices.set(device.id, { all: own.all + 1, storing: own.storing + (storing ? 1 : 0) });
    return { ok: true, lease: { deviceId: device.id, category: key, storing, released: false } };
  }

  /** Gives the place back; a second release of the same lease does nothing. */
  release(lease: Lease): void {
    if (lease.released) return;
    lease.released = true;
    if (lease.category) this.categories.set(lease.category, Math.max(0, (this.categories.get(lease.category) ?? 1) - 1));
    if (lease.deviceId) {
      const own = this.devices.get(lease.deviceId);
      if (own) this.devices.set(lease.deviceId, { all: Math.max(0, own.all - 1), storing: Math.max(0, own.storing - (lease.storing ? 1 : 0)) });
    }
  }

  /** What the device and its category hold now, against their bounds. */
  counts(device: DeviceModel | undefined, category: CategoryModel | undefined): AssociationCounts {
    const counts: AssociationCounts = {};
    if (category) counts.category = { name: category.name, open: this.categories.get(category.name.toLowerCase()) ?? 0, max: category.maxConnections };
    if (device) {
      const own = this.devices.get(device.id) ?? { all: 0, storing: 0 };
      counts.device = { name: device.id, open: own.all, max: device.limits.max, storeIn: own.storing, storeInMax: device.limits['store-in'] };
    }
    return counts;
  }
}
