/**
 * Who may open an association, as eRAD decides it: the calling AE title must be a registered,
 * enabled device whose host resolves to the peer's address, and the called AE title must be the
 * server's storage or query AE title. Pure: the host addresses are resolved by the caller.
 */
import type { DeviceModel, DeviceTable } from '../devices/model';
import type { AssociationDecision, AssociationRequest } from '../net/types';

export type Rejection = Extract<AssociationDecision, { accept: false }>;

export type Admission =
  | { admitted: true; device?: DeviceModel }
  | { admitted: false; rejection: Rejection };

/** IPv4 peers on a dual-stack socket show as `::ffff:a.b.c.d`. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

/** AE titles: leading and trailing spaces are not significant, case is (PS3.5 6.2). */
const sameAe = (a: string | undefined, b: string): boolean => a !== undefined && a.trim() === b.trim();

const reject = (reason: number, why: string): Admission => ({
  admitted: false,
  rejection: { accept: false, result: 'rejected-permanent', source: 'service-user', reason, why },
});

/** PS3.8 Table 9-21, source 1 (service user). */
export const REASON_CALLING_AE_NOT_RECOGNIZED = 3;
export const REASON_CALLED_AE_NOT_RECOGNIZED = 7;

/**
 * `addresses` holds, per device ID, the addresses its `host` resolved to (an IP address resolves
 * to itself). A device whose host could not be resolved has none and admits nobody.
 */
export function admit(table: DeviceTable, addresses: ReadonlyMap<string, readonly string[]>, req: AssociationRequest): Admission {
  const server = table.server;
  const called = req.calledAe.trim();
  if (!server || !(sameAe(server.ae, called) || sameAe(server.queryAe, called))) {
    const ours = [server?.ae, server?.queryAe].filter((a): a is string => !!a).map((a) => `"${a}"`).join(' or ');
    return reject(REASON_CALLED_AE_NOT_RECOGNIZED, `called AE "${called}" is not this server's AE title (${ours || 'none set'})`);
  }
  const calling = req.callingAe.trim();
  const peer = normalizeAddress(req.peer.address);
  const registered = table.devices.filter((d) => sameAe(d.ae, calling));
  const enabled = registered.filter((d) => d.enabled);
  const device = enabled.find((d) => (addresses.get(d.id) ?? []).some((a) => normalizeAddress(a) === peer));
  if (device) return { admitted: true, device };
  if (registered.length === 0 && server.acceptUnknownCallers) return { admitted: true };
  if (registered.length === 0) {
    return reject(REASON_CALLING_AE_NOT_RECOGNIZED, `calling AE "${calling}" is not a registered device (set \`accept-unknown-callers yes\` on the server to admit unknown callers)`);
  }
  if (enabled.length === 0) {
    return reject(REASON_CALLING_AE_NOT_RECOGNIZED, `calling AE "${calling}" is device ${registered.map((d) => d.id).join(', ')}, which is disabled`);
  }
  const where = enabled.map((d) => {
    const resolved = addresses.get(d.id) ?? [];
    return `${d.id} at ${d.host ?? '(no host)'}${resolved.length && resolved.join() !== d.host ? ` = ${resolved.join(', ')}` : resolved.length ? '' : ' (not resolved)'}`;
  }).join('; ');
  return reject(REASON_CALLING_AE_NOT_RECOGNIZED, `calling AE "${calling}" came from ${peer}, but it is registered as ${where}`);
}
