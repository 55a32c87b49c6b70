/**
 * Resolving what a .pacs file refers to: files next to it on disk, rule sets by reference,
 * and the order in which a device's rules run (Preceding Global, device, Trailing Global).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CoreDiagnostic } from '../diagnostics';
import type { DeviceModel, DeviceTable, RuleSetModel } from './model';
import { validateDeviceText, type DeviceValidateOptions } from './validate';

/** A `readFile` callback for the validator that reads paths relative to the .pacs file. */
export function diskReaderFor(pacsFile: string): (p: string) => string | undefined {
  const dir = path.dirname(path.resolve(pacsFile));
  return (p: string) => {
    try {
      return fs.readFileSync(path.resolve(dir, p), 'utf8');
    } catch {
      return undefined;
    }
  };
}

export interface LoadedDeviceFile {
  path: string;
  text: string;
  table: DeviceTable;
  diagnostics: CoreDiagnostic[];
}

/** Reads, parses and validates a .pacs file from disk (the CLI's entry point). */
export function loadDeviceFile(file: string, options: Omit<DeviceValidateOptions, 'readFile'> = {}): LoadedDeviceFile {
  const text = fs.readFileSync(file, 'utf8');
  const { table, diagnostics } = validateDeviceText(text, { ...options, readFile: diskReaderFor(file) }, file);
  return { path: file, text, table, diagnostics };
}

/** The text of a rule set: inline text (absolute .pacs line numbers) or the referenced file. */
export function ruleSetText(rs: RuleSetModel, readFile: (p: string) => string | undefined): string | undefined {
  return rs.kind === 'inline' ? rs.text : readFile(rs.path);
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
