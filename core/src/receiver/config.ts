/**
 * The device table as the receiving node runs it: the .pacs file read and checked, every rule
 * chain parsed once, every device host resolved to its addresses. A table with errors is never
 * run: at start the node refuses it, later it keeps the last good one (receiver.ts).
 */
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { parseRuleFile } from '../coercion/fileParser';
import type { RuleSetInput } from '../coercion/evaluate';
import type { CategoryModel, DeviceModel, DeviceTable, RuleSetModel, ServerModel } from '../devices/model';
import { validateDeviceText } from '../devices/validate';

export interface ReceiverTable {
  devicesFile: string;
  table: DeviceTable;
  server: ServerModel;
  /** Rule sets per device ID in run order (Preceding Global, device, Trailing Global). */
  chains: Map<string, RuleSetInput[]>;
  /** Unknown callers (accept-unknown-callers): the global rule sets only. */
  globalChain: RuleSetInput[];
  /** Addresses each device's host resolved to. */
  addresses: Map<string, string[]>;
  /** Absolute paths of the files the table was read from (the .pacs and its rule files). */
  files: string[];
  /** Hosts that did not resolve, for a warning. */
  unresolved: string[];
}

export type TableLoad = { ok: true; value: ReceiverTable } | { ok: false; errors: string[] };

export function categoryOf(t: ReceiverTable, device: DeviceModel | undefined): CategoryModel | undefined {
  const name = device?.category?.toLowerCase();
  return name ? t.table.categories.find((c) => c.name.toLowerCase() === name) : undefined;
}

async function resolveHost(host: string | undefined, timeoutMs: number): Promise<string[] | undefined> {
  if (!host) return undefined;
  if (net.isIP(host)) return [host];
  const lookup = dns.promises.lookup(host, { all: true }).then((r) => r.map((a) => a.address), () => undefined);
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref());
  return Promise.race([lookup, timeout]);
}

/** Reads and checks the table; `serverId` picks the server block (by name, without case). */
export async function loadReceiverTable(devicesFile: string, serverId?: string, lookupTimeoutMs = 5000): Promise<TableLoad> {
  const file = path.resolve(devicesFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, errors: [`${devicesFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`] };
  }
  const dir = path.dirname(file);
  // The texts the validator saw are the ones that run: a file edited between the check and
  // the parse cannot slip through unchecked.
  const read = new Map<string, string | undefined>();
  const readFile = (p: string): string | undefined => {
    const full = path.resolve(dir, p);
    if (!read.has(full)) {
      try {
        read.set(full, fs.readFileSync(full, 'utf8'));
      } catch {
        read.set(full, undefined);
      }
    }
    return read.get(full);
  };
  const { table, diagnostics } = validateDeviceText(text, { readFile, dialect: 'extended' }, file);
  const errors = diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${devicesFile}:${d.range.start.line + 1}:${d.range.start.character + 1}: error ${d.code}: ${d.message}`);
  const server = serverId ? table.servers.find((s) => s.name.toLowerCase() === serverId.toLowerCase()) : table.server;
  if (!server) {
    errors.push(serverId
      ? `${devicesFile}: no server block named ${serverId} (the file has ${table.servers.map((s) => s.name).join(', ') || 'none'})`
      : `${devicesFile}: no server block; the receiving node runs a server's table (\`server NAME { ae "..." tcp-port 104 }\`)`);
  }
  if (errors.length || !server) return { ok: false, errors };

  const compiled = new Map<RuleSetModel, RuleSetInput>();
  const input = (rs: RuleSetModel | undefined, name: string): RuleSetInput[] => {
    if (!rs) return [];
    let set = compiled.get(rs);
    if (!set) {
      const uri = rs.kind === 'file' ? path.resolve(dir, rs.path) : file;
      const ruleText = rs.kind === 'inline' ? rs.text : readFile(rs.path) ?? '';
      set = { name, file: parseRuleFile(ruleText), uri };
      compiled.set(rs, set);
    }
    return [set];
  };
  const preceding = input(server.rules.preceding, 'Preceding Global');
  const trailing = input(server.rules.trailing, 'Trailing Global');
  const chains = new Map<string, RuleSetInput[]>();
  for (const d of table.devices) chains.set(d.id, [...preceding, ...input(d.rules, d.id), ...trailing]);

  const addresses = new Map<string, string[]>();
  const unresolved: string[] = [];
  await Promise.all(table.devices.map(async (d) => {
    const found = await resolveHost(d.host, lookupTimeoutMs);
    if (found) addresses.set(d.id, found);
    else if (d.host) unresolved.push(`${d.id} (${d.host})`);
  }));
  const files = [file, ...[...read.keys()]];
  return { ok: true, value: { devicesFile: file, table: { ...table, server }, server, chains, globalChain: [...preceding, ...trailing], addresses, files, unresolved } };
}
