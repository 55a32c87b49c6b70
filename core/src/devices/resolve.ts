/**
 * Resolving what a .pacs table refers to, without touching the disk: a rule set's text (inline,
 * or the referenced file through the caller's reader) and the order in which a device's rules
 * run (Preceding Global, device, Trailing Global). The disk reader is core/src/files/referencedFiles.ts.
 */
import type { DeviceModel, DeviceTable, RuleSetModel } from './model';
import type { ReferenceText } from './references';

/** The text of a rule set: inline text (absolute .pacs line numbers) or the referenced file. */
export function ruleSetText(rs: RuleSetModel, readFile: (p: string) => ReferenceText): string | undefined {
  if (rs.kind === 'inline') return rs.text;
  const text = readFile(rs.path);
  return typeof text === 'string' ? text : undefined;
}

export interface RuleChainStep {
  role: 'preceding' | 'device' | 'trailing';
  ruleSet: RuleSetModel;
}

/**
 * The rule sets that run on an object received from `device`, in order: Preceding Global,
 * the device's own rules, Trailing Global. For the Self device (scanned-in data) pass
 * undefined: the server's `self` rules take the device's place.
 */
export function ruleChain(table: DeviceTable, device: DeviceModel | undefined): RuleChainStep[] {
  const s = table.server;
  const steps: RuleChainStep[] = [];
  if (s?.rules.preceding) steps.push({ role: 'preceding', ruleSet: s.rules.preceding });
  const own = device ? device.rules : s?.rules.self;
  if (own) steps.push({ role: 'device', ruleSet: own });
  if (s?.rules.trailing) steps.push({ role: 'trailing', ruleSet: s.rules.trailing });
  return steps;
}

/** Devices selected by ID (in the given order), or all enabled devices when no ID is given. */
export function selectDevices(table: DeviceTable, ids: string[]): { devices: DeviceModel[]; unknown: string[] } {
  if (ids.length === 0) return { devices: table.devices.filter((d) => d.enabled), unknown: [] };
  const devices: DeviceModel[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const d = table.devices.find((x) => x.id === id);
    if (d) devices.push(d);
    else unknown.push(id);
  }
  return { devices, unknown };
}
