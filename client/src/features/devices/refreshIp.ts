/**
 * "Refresh IP Addresses" (as in eRAD's device table): resolves every device host name again
 * and reports which addresses changed since the last refresh in this session. IP literals have
 * nothing to resolve. Each lookup is bounded by the network timeout setting.
 */
import { promises as dns } from 'node:dns';
import * as net from 'node:net';
import type { DeviceModel } from '../../../../core/src/devices';

export interface HostResolution {
  host: string;
  /** Device IDs using this host. */
  devices: string[];
  /** Sorted addresses; undefined when the name did not resolve. */
  addresses?: string[];
  /** Addresses from the previous refresh, when there was one. */
  previous?: string[];
  status: 'address' | 'new' | 'unchanged' | 'changed' | 'unresolved';
  /** Why it did not resolve. */
  reason?: string;
}

/** Remembers what each host name resolved to, so the next refresh can say what changed. */
export class HostAddressMemory {
  private readonly known = new Map<string, string[]>();

  async refresh(devices: DeviceModel[], timeoutMs: number): Promise<HostResolution[]> {
    const byHost = new Map<string, string[]>();
    for (const d of devices) {
      if (!d.host) continue;
      byHost.set(d.host, [...(byHost.get(d.host) ?? []), d.id]);
    }
    return Promise.all(
      [...byHost.entries()].map(async ([host, ids]): Promise<HostResolution> => {
        if (net.isIP(host)) return { host, devices: ids, addresses: [host], status: 'address' };
        const previous = this.known.get(host);
        const looked = await lookup(host, timeoutMs);
        if ('reason' in looked) return { host, devices: ids, previous, status: 'unresolved', reason: looked.reason };
        const addresses = looked.addresses;
        this.known.set(host, addresses);
        const status = !previous ? 'new' : same(previous, addresses) ? 'unchanged' : 'changed';
        return { host, devices: ids, addresses, previous, status };
      }),
    );
  }
}

async function lookup(host: string, timeoutMs: number): Promise<{ addresses: string[] } | { reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ reason: `no answer from the resolver within ${timeoutMs} ms` }), timeoutMs);
  });
  const resolved = dns.lookup(host, { all: true, verbatim: false }).then(
    (list) => ({ addresses: [...new Set(list.map((a) => a.address))].sort() }),
    (e: NodeJS.ErrnoException) => ({ reason: e.code === 'ENOTFOUND' ? 'host name not found' : `${e.code ?? ''} ${e.message}`.trim() }),
  );
  try {
    return await Promise.race([resolved, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** One line per host for the output channel. */
export function describeResolution(r: HostResolution): string {
  const who = r.devices.join(', ');
  switch (r.status) {
    case 'address':
      return `${r.host} (${who}): an IP address, nothing to resolve`;
    case 'new':
      return `${r.host} (${who}): ${r.addresses!.join(', ')}`;
    case 'unchanged':
      return `${r.host} (${who}): ${r.addresses!.join(', ')} (unchanged)`;
    case 'changed':
      return `${r.host} (${who}): changed ${r.previous!.join(', ')} → ${r.addresses!.join(', ')}`;
    case 'unresolved':
      return `${r.host} (${who}): name not resolved — ${r.reason}${r.previous ? ` (was ${r.previous.join(', ')})` : ''}`;
  }
}
