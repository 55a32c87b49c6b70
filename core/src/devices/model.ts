/**
 * The resolved, plain model of a .pacs file: what the tree view, the CLI and deploy work with.
 * `buildDeviceTable` is lenient: it keeps whatever it can understand and leaves the rest
 * undefined; validate.ts reports what is wrong. Every entity keeps the source ranges of its
 * block and of each field, so that edits and diagnostics can point at the right text.
 */
import type { Range } from '../text/range';
import { excerpt } from '../text/excerpt';
import type { BlockNode, DeviceFileNode, FieldNode, InlineRulesNode, ValueNode } from './ast';
import type { DeviceCode } from './diagnosticCodes';
import {
  DEVICE_TYPES,
  FLAG_SERVICES,
  ROLE_SERVICES,
  SERVER_RULE_SETS,
  type DeployKind,
  type DeviceType,
  type FlagService,
  type RoleService,
  type ServerRuleSet,
  type TaskLimitName,
} from './schema';

export type { DeviceType, RoleService, FlagService, ServerRuleSet, TaskLimitName, DeployKind } from './schema';

/** `*` = use the server's default. */
export type Timer = number | '*';

export interface Roles {
  /** Device acts as SCU (U column). */
  u: boolean;
  /** Device acts as SCP (P column). */
  p: boolean;
}

export interface Services {
  roles: Partial<Record<RoleService, Roles>>;
  flags: Partial<Record<FlagService, true>>;
}

export type TaskLimits = Partial<Record<TaskLimitName, number>>;

/** A rule set, inline or by reference to a .coerce file. */
export type RuleSetModel = InlineRuleSet | FileRuleSet;

export interface InlineRuleSet {
  kind: 'inline';
  /** The field `rules ... {` ... `}`. */
  range: Range;
  /**
   * The rules as a coercion rule file whose line numbers are those of the .pacs file: lines
   * before the block are empty, each rule line is kept verbatim (indentation included), so a
   * coercion parser run on it reports absolute line/column positions.
   */
  text: string;
  /** 0-based .pacs line of the first rule line (the line after `rules {`). */
  firstLine: number;
  /** Number of rule lines (blank and comment lines included). */
  lineCount: number;
}

export interface FileRuleSet {
  kind: 'file';
  range: Range;
  /** Path as written, relative to the .pacs file's folder. */
  path: string;
  pathRange: Range;
}

export interface DeployTarget {
  kind: DeployKind | string;
  /** URL (orthanc) or folder path (folder). Never credentials. */
  target: string;
  range: Range;
}

export interface DeviceModel {
  id: string;
  idRange: Range;
  /** The whole `device ... { }` block. */
  range: Range;
  type?: DeviceType;
  ae?: string;
  host?: string;
  port?: number;
  tcpPort?: number;
  tlsPort?: number;
  category?: string;
  sendTimer?: Timer;
  receiveTimer?: Timer;
  services: Services;
  limits: TaskLimits;
  rules?: RuleSetModel;
  /** Parent/child only: .pacs file of the linked server. */
  link?: string;
  enabled: boolean;
  /** Range of the key of each field present, by field name (e.g. `ae`, `services`). */
  fieldRanges: Record<string, Range>;
}

export interface ServerModel {
  name: string;
  nameRange: Range;
  range: Range;
  ae?: string;
  queryAe?: string;
  host?: string;
  tcpPort?: number;
  tlsPort?: number;
  transferSyntax?: string;
  maxPdu?: number;
  /** Associations from AE titles that are no registered device are accepted (global rules only). */
  acceptUnknownCallers?: boolean;
  /** Seconds; 30 each by default on eRAD. */
  timeouts: { send?: number; receive?: number; connection?: number; wait?: number };
  rules: Partial<Record<ServerRuleSet, RuleSetModel>>;
  deploy: DeployTarget[];
  fieldRanges: Record<string, Range>;
}

export interface CategoryModel {
  name: string;
  nameRange: Range;
  range: Range;
  maxConnections?: number;
  fieldRanges: Record<string, Range>;
}

export interface DeviceTable {
  uri?: string;
  /** Every `server` block; the file describes the table of the first one (`server`). */
  servers: ServerModel[];
  server?: ServerModel;
  categories: CategoryModel[];
  devices: DeviceModel[];
}

// ---- building -------------------------------------------------------------------------------

export function buildDeviceTable(ast: DeviceFileNode): DeviceTable {
  const table: DeviceTable = { uri: ast.uri, servers: [], categories: [], devices: [] };
  for (const block of ast.blocks) {
    if (!block.name) continue;
    if (block.keyword === 'server') table.servers.push(buildServer(block));
    else if (block.keyword === 'category') table.categories.push(buildCategory(block));
    else if (block.keyword === 'device') table.devices.push(buildDevice(block));
  }
  table.server = table.servers[0];
  return table;
}

function buildDevice(block: BlockNode): DeviceModel {
  const d: DeviceModel = {
    id: block.name!.value,
    idRange: block.name!.range,
    range: block.range,
    services: { roles: {}, flags: {} },
    limits: {},
    enabled: true,
    fieldRanges: {},
  };
  for (const f of block.fields) {
    d.fieldRanges[f.key] = f.keyRange;
    const v = f.values[0]?.value;
    switch (f.key) {
      case 'type':
        if (v !== undefined && v.toLowerCase() in DEVICE_TYPES) d.type = v.toLowerCase() as DeviceType;
        break;
      case 'ae':
        d.ae = v;
        break;
      case 'host':
        d.host = v;
        break;
      case 'port':
        d.port = toInt(v);
        break;
      case 'tcp-port':
        d.tcpPort = toInt(v);
        break;
      case 'tls-port':
        d.tlsPort = toInt(v);
        break;
      case 'category':
        d.category = v;
        break;
      case 'send-timer':
        d.sendTimer = toTimer(v);
        break;
      case 'receive-timer':
        d.receiveTimer = toTimer(v);
        break;
      case 'services':
        d.services = parseServices(f.block?.kind === 'ListBlock' ? f.block.items : f.values).services;
        break;
      case 'limits':
        d.limits = parseLimits(f.block?.kind === 'ListBlock' ? f.block.items : f.values).limits;
        break;
      case 'rules': {
        const rs = ruleSetOf(f, f.values);
        if (rs) d.rules = rs;
        break;
      }
      case 'link':
        d.link = v;
        break;
      case 'enabled':
        d.enabled = v === undefined ? true : toBool(v) ?? true;
        break;
      case 'disabled':
        d.enabled = false;
        break;
    }
  }
  return d;
}

function buildServer(block: BlockNode): ServerModel {
  const s: ServerModel = {
    name: block.name!.value,
    nameRange: block.name!.range,
    range: block.range,
    timeouts: {},
    rules: {},
    deploy: [],
    fieldRanges: {},
  };
  for (const f of block.fields) {
    const v = f.values[0]?.value;
    if (f.key !== 'rules' && f.key !== 'deploy') s.fieldRanges[f.key] = f.keyRange;
    switch (f.key) {
      case 'ae':
        s.ae = v;
        break;
      case 'query-ae':
        s.queryAe = v;
        break;
      case 'host':
        s.host = v;
        break;
      case 'tcp-port':
        s.tcpPort = toInt(v);
        break;
      case 'tls-port':
        s.tlsPort = toInt(v);
        break;
      case 'transfer-syntax':
        s.transferSyntax = v;
        break;
      case 'max-pdu':
        s.maxPdu = toInt(v);
        break;
      case 'accept-unknown-callers':
        s.acceptUnknownCallers = v === undefined ? true : toBool(v);
        break;
      case 'send-timeout':
        s.timeouts.send = toInt(v);
        break;
      case 'receive-timeout':
        s.timeouts.receive = toInt(v);
        break;
      case 'connection-timeout':
        s.timeouts.connection = toInt(v);
        break;
      case 'wait-timeout':
        s.timeouts.wait = toInt(v);
        break;
      case 'rules': {
        const which = f.values[0]?.value;
        if (which && which in SERVER_RULE_SETS) {
          s.fieldRanges[`rules ${which}`] = f.keyRange;
          const rs = ruleSetOf(f, f.values.slice(1));
          if (rs) s.rules[which as ServerRuleSet] = rs;
        }
        break;
      }
      case 'deploy':
        if (f.values.length >= 2) s.deploy.push({ kind: f.values[0].value, target: f.values[1].value, range: f.range });
        break;
    }
  }
  return s;
}

function buildCategory(block: BlockNode): CategoryModel {
  const c: CategoryModel = { name: block.name!.value, nameRange: block.name!.range, range: block.range, fieldRanges: {} };
  for (const f of block.fields) {
    c.fieldRanges[f.key] = f.keyRange;
    if (f.key === 'max-connections') c.maxConnections = toInt(f.values[0]?.value);
  }
  return c;
}

/** `rules "file.coerce"` or `rules {` ... `}` (for servers, after the set name). */
function ruleSetOf(f: FieldNode, rest: ValueNode[]): RuleSetModel | undefined {
  if (f.block?.kind === 'InlineRules') return inlineRuleSet(f, f.block);
  if (rest.length > 0) return { kind: 'file', range: f.range, path: rest[0].value, pathRange: rest[0].range };
  return undefined;
}

function inlineRuleSet(f: FieldNode, block: InlineRulesNode): InlineRuleSet {
  const firstLine = block.openRange.start.line + 1;
  const lines: string[] = new Array(firstLine).fill('');
  for (const l of block.lines) lines[l.line] = l.text;
  return { kind: 'inline', range: f.range, text: lines.join('\n'), firstLine, lineCount: block.lines.length };
}

// ---- value helpers (shared with validate.ts) --------------------------------------------------

export function toInt(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : undefined;
}

export function toTimer(v: string | undefined): Timer | undefined {
  return v === '*' ? '*' : toInt(v);
}

export function toBool(v: string): boolean | undefined {
  const l = v.toLowerCase();
  if (l === 'yes' || l === 'true' || l === 'on') return true;
  if (l === 'no' || l === 'false' || l === 'off') return false;
  return undefined;
}

export interface ServicesProblem {
  range: Range;
  code: DeviceCode;
  message: string;
}

/**
 * Reads a services list: a service name followed by its roles (`store U P`, `qr UP`,
 * `commit P`) or a flag service alone (`autortv`). Returns the services and what was wrong.
 */
export function parseServices(items: ValueNode[]): { services: Services; problems: ServicesProblem[] } {
  const services: Services = { roles: {}, flags: {} };
  const problems: ServicesProblem[] = [];
  let i = 0;
  while (i < items.length) {
    const item = items[i];
    const name = item.value.toLowerCase();
    i++;
    if (name in ROLE_SERVICES) {
      const roles: Roles = services.roles[name as RoleService] ?? { u: false, p: false };
      let any = false;
      while (i < items.length && /^[UP]+$/i.test(items[i].value)) {
        for (const ch of items[i].value.toUpperCase()) {
          if (ch === 'U') roles.u = true;
          else roles.p = true;
        }
        any = true;
        i++;
      }
      if (!any) {
        problems.push({ range: item.range, code: 'service-missing-role', message: `\`${item.value}\` needs its role: U (device is SCU), P (device is SCP) or both, e.g. \`${name} U P\`.` });
      }
      services.roles[name as RoleService] = roles;
    } else if (name in FLAG_SERVICES) {
      services.flags[name as FlagService] = true;
      if (i < items.length && /^[UP]+$/i.test(items[i].value)) {
        problems.push({ range: items[i].range, code: 'service-role-not-applicable', message: `\`${item.value}\` has no U/P columns; write it alone.` });
        i++;
      }
    } else {
      while (i < items.length && /^[UP]+$/i.test(items[i].value)) i++;
      problems.push({ range: item.range, code: 'unknown-service', message: `Unknown service \`${excerpt(item.value)}\`. Known: ${[...Object.keys(ROLE_SERVICES), ...Object.keys(FLAG_SERVICES)].join(', ')}.` });
    }
  }
  return { services, problems };
}

/** Reads a limits list: pairs `name number`. */
export function parseLimits(items: ValueNode[]): { limits: TaskLimits; problems: Array<ServicesProblem & { name?: TaskLimitName }> } {
  const limits: TaskLimits = {};
  const problems: Array<ServicesProblem & { name?: TaskLimitName }> = [];
  const known = ['max', 'dicom-out', 'http-out', 'store-in', 'registration'];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const name = item.value.toLowerCase();
    if (!known.includes(name)) {
      problems.push({ range: item.range, code: 'unknown-limit', message: `Unknown task limit \`${excerpt(item.value)}\`. Known: ${known.join(', ')}.` });
      continue;
    }
    const next = items[i + 1];
    const n = toInt(next?.value);
    if (n === undefined) {
      problems.push({ range: next?.range ?? item.range, code: 'invalid-number', message: `\`${item.value}\` needs a whole number, e.g. \`${item.value} 4\`.` });
      continue;
    }
    limits[name as TaskLimitName] = n;
    i++;
  }
  return { limits, problems };
}

/** The port echo/ping use for a device: TCP port, else the legacy port, else TLS. */
/**
 * The port a check (echo, TCP ping) uses: the TLS port whenever the device has one, so that a
 * check tests the connection the PACS should use and nothing goes over the wire in clear text;
 * otherwise the plain DICOM port.
 */
export function checkEndpoint(d: DeviceModel): { port: number; tls: boolean } | undefined {
  if (d.tlsPort !== undefined && d.tlsPort > 0) return { port: d.tlsPort, tls: true };
  return dicomEndpoint(d);
}

/** The device's DICOM port as the PACS table lists it: TCP first, else TLS. */
export function dicomEndpoint(d: DeviceModel): { port: number; tls: boolean } | undefined {
  if (d.tcpPort && d.tcpPort > 0) return { port: d.tcpPort, tls: false };
  if (d.tcpPort === undefined && d.port && d.port > 0) return { port: d.port, tls: false };
  if (d.tlsPort && d.tlsPort > 0) return { port: d.tlsPort, tls: true };
  return undefined;
}
