/**
 * Writing device-language text: one field per line, values quoted only when they must be.
 * Used by the edit helpers (add/update a device) and by `formatDeviceFile` (re-indentation).
 */
import type { DeviceModel, Services, TaskLimits } from './model';
import { splitLines } from './parser';
import { lexLine, LCurly, RCurly } from './lexer';

/** Plain field values of a device, as the tree-view commands set them: the model's fields,
 *  all optional, with a rule-file reference in place of the parsed rule set. */
export type DeviceFields = Partial<
  Pick<DeviceModel, 'type' | 'ae' | 'host' | 'port' | 'tcpPort' | 'tlsPort' | 'category' | 'sendTimer' | 'receiveTimer' | 'services' | 'limits' | 'link' | 'enabled'>
> & {
  /** Reference to a .coerce file (inline rules are edited as text, not through this). */
  rulesFile?: string;
};

export interface NewDevice extends DeviceFields {
  id: string;
}

/** Field order used when writing a device. */
export const DEVICE_FIELD_ORDER: Array<keyof DeviceFields> = [
  'type', 'ae', 'host', 'port', 'tcpPort', 'tlsPort', 'category', 'sendTimer', 'receiveTimer',
  'services', 'limits', 'link', 'rulesFile', 'enabled',
];

/** Language key of each DeviceFields property. */
export const FIELD_KEYS: Record<keyof DeviceFields, string> = {
  type: 'type', ae: 'ae', host: 'host', port: 'port', tcpPort: 'tcp-port', tlsPort: 'tls-port',
  category: 'category', sendTimer: 'send-timer', receiveTimer: 'receive-timer', services: 'services',
  limits: 'limits', rulesFile: 'rules', link: 'link', enabled: 'enabled',
};

/** A word as is when it lexes as one word, otherwise a quoted string. */
export function formatWord(value: string): string {
  return /^[^\s{}"#\\]+$/.test(value) ? value : quote(value);
}

export function quote(value: string): string {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/**
 * The text of one device field (possibly several lines, for services and limits), indented
 * with `indent`; undefined when there is nothing to write (e.g. `enabled: true` is the default
 * and still written, as `enabled`).
 */
export function formatDeviceField(key: keyof DeviceFields, value: unknown, indent: string, eol: string): string | undefined {
  if (value === undefined) return undefined;
  const k = FIELD_KEYS[key];
  switch (key) {
    case 'ae':
    case 'rulesFile':
    case 'link':
      return `${indent}${k} ${quote(String(value))}`;
    case 'services': {
      const entries = serviceEntries(value as Services);
      if (entries.length === 0) return `${indent}services { }`;
      return [`${indent}services {`, ...entries.map((e) => `${indent}  ${e}`), `${indent}}`].join(eol);
    }
    case 'limits': {
      const entries = Object.entries(value as TaskLimits).map(([n, v]) => `${n} ${v}`);
      if (entries.length === 0) return `${indent}limits { }`;
      return [`${indent}limits {`, ...entries.map((e) => `${indent}  ${e}`), `${indent}}`].join(eol);
    }
    case 'enabled':
      return `${indent}${value ? 'enabled' : 'disabled'}`;
    default:
      return `${indent}${k} ${formatWord(String(value))}`;
  }
}

export function serviceEntries(s: Services): string[] {
  const out: string[] = [];
  for (const [name, roles] of Object.entries(s.roles)) {
    if (!roles) continue;
    const cols = [roles.u ? 'U' : '', roles.p ? 'P' : ''].filter(Boolean).join(' ');
    out.push(cols ? `${name} ${cols}` : name);
  }
  for (const name of Object.keys(s.flags)) out.push(name);
  return out;
}

/** A whole `device ID { ... }` block, without a trailing line break. */
export function formatDevice(device: NewDevice, eol = '\n', indent = '  '): string {
  const lines = [`device ${formatWord(device.id)} {`];
  for (const key of DEVICE_FIELD_ORDER) {
    const text = formatDeviceField(key, device[key], indent, eol);
    if (text !== undefined) lines.push(text);
  }
  lines.push('}');
  return lines.join(eol);
}

/**
 * Re-indents a .pacs file: blocks at column 0, fields by two spaces per open brace, trailing
 * white space removed. Lines inside inline rule blocks keep their text (trimmed of leading
 * space, re-indented) because a coercion rule never spans lines.
 */
/**
 * Deepest indentation written: a block, a field's `{ }` list or inline rules inside it. The
 * language nests no deeper, so an unbalanced file (10,000 `services {` lines) must not get
 * ever-deeper indentation, whose text grows with the square of the line count.
 */
const MAX_INDENT_DEPTH = 2;

export function formatDeviceFile(text: string, indent = '  '): string {
  const { lines, eol } = splitLines(text);
  const out: string[] = [];
  let depth = 0;
  let inRules = false;
  for (const raw of lines) {
    const trimmed = raw.trim();
    if (inRules) {
      if (trimmed.startsWith('}')) {
        inRules = false;
        depth = Math.max(0, depth - 1);
        out.push(indent.repeat(Math.min(depth, MAX_INDENT_DEPTH)) + trimmed);
      } else {
        out.push(trimmed === '' ? '' : indent.repeat(Math.min(depth, MAX_INDENT_DEPTH)) + trimmed);
      }
      continue;
    }
    if (trimmed === '') {
      out.push('');
      continue;
    }
    const toks = lexLine(trimmed).tokens;
    const opens = toks.filter((t) => t.tokenType === LCurly).length;
    const closes = toks.filter((t) => t.tokenType === RCurly).length;
    const startsWithClose = toks[0]?.tokenType === RCurly;
    const lineDepth = startsWithClose ? Math.max(0, depth - 1) : depth;
    out.push(indent.repeat(Math.min(lineDepth, MAX_INDENT_DEPTH)) + trimmed);
    depth = Math.max(0, depth + opens - closes);
    if (/^rules\b.*\{$/.test(trimmed)) inRules = true;
  }
  return out.join(eol);
}
