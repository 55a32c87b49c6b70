/**
 * Which devices of a table get a copy of every received object (AutoFwd, and Store P: the
 * device takes C-STORE as SCP), how to reach them, and how many associations each may hold.
 */
import { checkEndpoint, type DeviceModel, type DeviceTable } from '../devices/model';

export interface ForwardDestination {
  /** Device ID: the queue's name for it. */
  id: string;
  enabled: boolean;
  ae: string;
  host: string;
  port: number;
  /** TLS whenever the device has a TLS port, as for echo. */
  tls: boolean;
  category?: string;
  /** Category's max-connections (shared by its members), when set. */
  categoryLimit?: number;
  /** Associations to this destination at once. */
  concurrency: number;
}

export interface DestinationProblem {
  id: string;
  problem: string;
}

/** Forward associations per destination when the device sets no `dicom-out` limit. */
export const DEFAULT_FORWARD_CONCURRENCY = 1;

/**
 * Destinations of `table`, disabled ones included (they keep their queue). A device with
 * AutoFwd that cannot be reached (no AE, host or port, or no Store P) is listed as a problem
 * rather than silently skipped.
 */
export function forwardDestinations(table: DeviceTable): { destinations: ForwardDestination[]; problems: DestinationProblem[] } {
  const destinations: ForwardDestination[] = [];
  const problems: DestinationProblem[] = [];
  for (const d of table.devices) {
    if (!d.services.flags.autofwd) continue;
    const problem = unreachable(d);
    if (problem) {
      problems.push({ id: d.id, problem });
      continue;
    }
    const ep = checkEndpoint(d)!;
    const category = d.category ? table.categories.find((c) => c.name === d.category) : undefined;
    destinations.push({
      id: d.id,
      enabled: d.enabled,
      ae: d.ae!,
      host: d.host!,
      port: ep.port,
      tls: ep.tls,
      category: d.category,
      categoryLimit: category?.maxConnections,
      concurrency: concurrencyOf(d, category?.maxConnections),
    });
  }
  return { destinations, problems };
}

function unreachable(d: DeviceModel): string | undefined {
  if (!d.services.roles.store?.p) return 'has autofwd but not "store P" (it does not take C-STORE), so nothing is forwarded to it';
  if (!d.ae) return 'has autofwd but no AE title';
  if (!d.host) return 'has autofwd but no host';
  if (!checkEndpoint(d)) return 'has autofwd but no DICOM port (port, tcp-port or tls-port)';
  return undefined;
}

/** `dicom-out` (else the default), never above the device's `max` or its category's limit. */
function concurrencyOf(d: DeviceModel, categoryLimit: number | undefined): number {
  let n = d.limits['dicom-out'] ?? DEFAULT_FORWARD_CONCURRENCY;
  if (d.limits.max !== undefined) n = Math.min(n, d.limits.max);
  if (categoryLimit !== undefined) n = Math.min(n, categoryLimit);
  return Math.max(1, n);
}
