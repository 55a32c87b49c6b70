/**
 * Checks of single device field values as a user types them (Add and Edit device), and of a
 * whole new device given as command arguments. Each returns a plain message or undefined.
 */
import * as net from 'node:net';
import { checkAeTitle, DEVICE_TYPES, type DeviceTable, type DeviceType, type NewDevice } from '../../../../core/src/devices';

/** Types a new row may use ("workstation" is retired in eRAD: old rows only). */
export const NEW_DEVICE_TYPES = (Object.keys(DEVICE_TYPES) as DeviceType[]).filter((t) => t !== 'workstation');

export function checkId(value: string, table: DeviceTable, except?: string): string | undefined {
  const id = value.trim();
  if (id === '') return 'Enter an ID, e.g. CT2.';
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) return 'Use letters, digits, "_", "-" or "." only.';
  if (id !== except && table.devices.some((d) => d.id === id)) return `A device with ID ${id} already exists in this file.`;
  return undefined;
}

export function checkAe(value: string): string | undefined {
  return checkAeTitle(value)?.message;
}

/** An IPv4/IPv6 address or a DNS host name. */
export function checkHost(value: string): string | undefined {
  const host = value.trim();
  if (host === '') return 'Enter an IP address or a host name.';
  if (net.isIP(host)) return undefined;
  if (/^[\d.]+$/.test(host)) return `${host} is not a valid IPv4 address.`;
  if (host.length > 253 || !/^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/.test(host)) {
    return `${host} is neither an IP address nor a valid host name.`;
  }
  return undefined;
}

/** `allowZero`: TCP and TLS ports use 0 for "disabled". */
export function checkPort(value: string, allowZero = false): string | undefined {
  const v = value.trim();
  if (!/^\d{1,5}$/.test(v)) return 'Enter a port number (1–65535).';
  const n = Number(v);
  if (n === 0 && allowZero) return undefined;
  if (n < 1 || n > 65535) return `${v} is not a port number (1–65535${allowZero ? ', or 0 to disable' : ''}).`;
  return undefined;
}

export function checkType(value: string): string | undefined {
  if ((NEW_DEVICE_TYPES as string[]).includes(value)) return undefined;
  if (value === 'workstation') return 'The Workstation type is retired: new devices may not use it.';
  return `Unknown device type ${value}. Known: ${NEW_DEVICE_TYPES.join(', ')}.`;
}

export function checkCategory(value: string, table: DeviceTable): string | undefined {
  if (table.categories.some((c) => c.name === value)) return undefined;
  const known = table.categories.map((c) => c.name);
  return `No category ${value} in this file${known.length ? ` (known: ${known.join(', ')})` : ''}.`;
}

/** Every problem of a device given as arguments; an empty list when it can be added. */
export function checkNewDevice(device: NewDevice, table: DeviceTable): string[] {
  const problems: string[] = [];
  const add = (field: string, message: string | undefined) => message && problems.push(`${field}: ${message}`);
  add('id', typeof device.id === 'string' ? checkId(device.id, table) : 'missing');
  if (device.type !== undefined) add('type', checkType(device.type));
  if (device.ae !== undefined) add('ae', checkAe(device.ae));
  if (device.host !== undefined) add('host', checkHost(device.host));
  if (device.port !== undefined) add('port', checkPort(String(device.port)));
  if (device.tcpPort !== undefined) add('tcpPort', checkPort(String(device.tcpPort), true));
  if (device.tlsPort !== undefined) add('tlsPort', checkPort(String(device.tlsPort), true));
  if (device.category !== undefined) add('category', checkCategory(device.category, table));
  return problems;
}
