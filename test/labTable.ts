/**
 * Device tables (.pacs text) of a lab on this machine, for the e2e tests and the screenshot
 * scripts: a server on 127.0.0.1, the category `modalities` when asked for, and devices as
 * core's formatDevice writes them (the tree's Add Device), with inline rules where given.
 */
import { formatDevice, quote, type NewDevice } from '../core/src/devices/format';

export interface LabDevice extends NewDevice {
  /** Rules written inline (`rules { ... }`) before `enabled`: formatDevice writes a rule file's name only. */
  inlineRules?: string[];
  /** A comment line above the device: why it is in the table. */
  comment?: string;
}

export interface LabTable {
  /** The first line's comment: what the table is for. */
  comment?: string;
  /** The server, at host 127.0.0.1; `ae` is its name unless given; `fields` are written after tcp-port. */
  server: { name: string; ae?: string; tcpPort: number; fields?: string[] };
  /** `max-connections` of the category `modalities`, when the table has that category. */
  modalities?: number;
  devices: LabDevice[];
}

export function labTable(table: LabTable): string {
  const { name, ae = name, tcpPort, fields = [] } = table.server;
  const lines = table.comment ? [`# ${table.comment}`] : [];
  lines.push(`server ${name} {`, `  ae ${quote(ae)}`, '  host 127.0.0.1', `  tcp-port ${tcpPort}`, ...fields.map((f) => `  ${f}`), '}', '');
  if (table.modalities !== undefined) lines.push('category modalities {', `  max-connections ${table.modalities}`, '}', '');
  for (const { comment, inlineRules, ...device } of table.devices) {
    if (comment) lines.push(`# ${comment}`);
    lines.push(inlineRules ? withInlineRules(device, inlineRules) : formatDevice(device), '');
  }
  return lines.join('\n');
}

function withInlineRules(device: NewDevice, rules: string[]): string {
  const { enabled, ...fields } = device;
  const block = formatDevice(fields).split('\n');
  const state = enabled === undefined ? [] : [enabled ? '  enabled' : '  disabled'];
  block.splice(-1, 0, '  rules {', ...rules.map((r) => `    ${r}`), '  }', ...state);
  return block.join('\n');
}
