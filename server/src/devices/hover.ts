/**
 * Hover for .pacs files: what a field means (schema.ts), what a value stands for (device type,
 * service, task limit, transfer syntax), summaries of a device, the server and a category
 * (with its members and connection limit), and of a referenced rule file. Inside an inline
 * `rules { }` block the coercion hover answers.
 */
import type { Hover, Position } from 'vscode-languageserver/node';
import type { BlockNode, FieldNode, ValueNode } from '../../../core/src/devices/ast';
import type { CategoryModel, DeviceModel, DeviceTable, RuleSetModel, ServerModel } from '../../../core/src/devices/model';
import { serviceEntries } from '../../../core/src/devices/format';
import {
  CATEGORY_FIELDS,
  DEPLOY_KINDS,
  DEVICE_FIELDS,
  DEVICE_TYPES,
  FLAG_SERVICES,
  ROLE_SERVICES,
  SERVER_FIELDS,
  SERVER_RULE_SETS,
  TASK_LIMITS,
  TRANSFER_SYNTAXES,
} from '../../../core/src/devices/schema';
import { parseRuleFile } from '../../../core/src/coercion/fileParser';
import { rulesOf } from '../../../core/src/coercion/ast';
import type { CoercionDialect } from '../languages';
import { markdownHover } from '../convert';
import { hoverCoercion } from '../coercion/hover';
import { locate } from './context';
import type { DeviceAnalysis } from './documents';

export interface HoverFiles {
  /** Text of a file referenced from the document (path as written), or undefined. */
  read(reference: string): string | undefined;
}

const BLOCK_DOCS: Record<string, string> = {
  server: '**server**: the PACS server whose device table this file describes: its AE titles, ports, timeouts, global rule sets and deploy targets.',
  category: '**category**: a group of devices sharing a connection limit (`max-connections`).',
  device: '**device**: one row of the device table: a DICOM entity the server talks to.',
};

export function hoverDevices(a: DeviceAnalysis, position: Position, dialect: CoercionDialect, files: HoverFiles): Hover | null {
  const at = locate(a, position);
  if (!at) return null;
  switch (at.part) {
    case 'rules':
      return hoverCoercion(a.ruleTree(at.rules), position, dialect);
    case 'keyword':
      return markdownHover(BLOCK_DOCS[at.block.keyword] ?? `Unknown block \`${at.block.keyword}\`.`, at.block.keywordRange);
    case 'name':
      return markdownHover(blockSummary(a.table, at.block), at.name.range);
    case 'key':
      return markdownHover(fieldDoc(at.block, at.field), at.field.keyRange);
    case 'value': {
      const text = valueDoc(a.table, at.block, at.field, at.value, at.index, files);
      return text ? markdownHover(text, at.value.range) : null;
    }
    case 'item': {
      const text = itemDoc(at.field, at.item);
      return text ? markdownHover(text, at.item.range) : null;
    }
  }
}

function fieldsOf(keyword: string): Record<string, string> {
  return keyword === 'device' ? DEVICE_FIELDS : keyword === 'server' ? SERVER_FIELDS : keyword === 'category' ? CATEGORY_FIELDS : {};
}

function fieldDoc(block: BlockNode, field: FieldNode): string {
  const doc = fieldsOf(block.keyword)[field.key];
  return doc ? `**${field.key}**: ${doc}` : `Unknown ${block.keyword} field \`${field.key}\`.`;
}

// ------------------------------------------------------------------ summaries

function blockSummary(table: DeviceTable, block: BlockNode): string {
  const name = block.name?.value ?? '';
  if (block.keyword === 'device') {
    const d = table.devices.find((x) => x.idRange === block.name?.range);
    return d ? deviceSummary(d, table) : `Device ${name}`;
  }
  if (block.keyword === 'category') {
    const c = table.categories.find((x) => x.nameRange === block.name?.range);
    return c ? categorySummary(c, table) : `Category ${name}`;
  }
  if (block.keyword === 'server') {
    const s = table.servers.find((x) => x.nameRange === block.name?.range);
    return s ? serverSummary(s) : `Server ${name}`;
  }
  return name;
}

function deviceSummary(d: DeviceModel, table: DeviceTable): string {
  const lines = [`**Device ${d.id}**${d.type ? ` — ${DEVICE_TYPES[d.type]}` : ''}${d.enabled ? '' : ' (disabled)'}`, ''];
  const row = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') lines.push(`- ${label}: ${value}`);
  };
  row('AE title', d.ae !== undefined ? `\`${d.ae}\`` : undefined);
  const ports = [d.port !== undefined ? `port ${d.port}` : '', d.tcpPort !== undefined ? `TCP ${d.tcpPort || 'off'}` : '', d.tlsPort !== undefined ? `TLS ${d.tlsPort || 'off'}` : '']
    .filter(Boolean).join(', ');
  row('Address', d.host !== undefined ? `${d.host}${ports ? ` (${ports})` : ''}` : undefined);
  if (d.category !== undefined) {
    const c = table.categories.find((x) => x.name.toLowerCase() === d.category!.toLowerCase());
    row('Category', `${d.category}${c?.maxConnections !== undefined ? ` (max ${c.maxConnections} connections)` : c ? '' : ' (not defined in this file)'}`);
  }
  row('Services', serviceEntries(d.services).join(', '));
  row('Task limits', Object.entries(d.limits).map(([k, v]) => `${k} ${v}`).join(', '));
  if (d.sendTimer !== undefined || d.receiveTimer !== undefined) row('Timers', `send ${d.sendTimer ?? '*'}, receive ${d.receiveTimer ?? '*'}`);
  if (d.rules) row('Rules', ruleSetLabel(d.rules));
  row('Linked server', d.link);
  return lines.join('\n');
}

function categorySummary(c: CategoryModel, table: DeviceTable): string {
  const members = table.devices.filter((d) => d.category?.toLowerCase() === c.name.toLowerCase()).map((d) => d.id);
  const limit = c.maxConnections !== undefined ? `at most **${c.maxConnections}** connection${c.maxConnections === 1 ? '' : 's'} for all its devices together` : 'no `max-connections` yet';
  return `**Category ${c.name}**: ${limit}.\n\n${members.length ? `Devices: ${members.join(', ')}` : 'No device belongs to it.'}`;
}

function serverSummary(s: ServerModel): string {
  const lines = [`**Server ${s.name}**`, ''];
  if (s.ae !== undefined) lines.push(`- AE title: \`${s.ae}\`${s.queryAe ? `, query AE \`${s.queryAe}\`` : ''}`);
  if (s.host !== undefined) lines.push(`- Address: ${s.host} (TCP ${s.tcpPort ?? '?'}, TLS ${s.tlsPort || 'off'})`);
  for (const [name, rs] of Object.entries(s.rules)) if (rs) lines.push(`- ${name} rules: ${ruleSetLabel(rs)}`);
  for (const d of s.deploy) lines.push(`- deploy ${d.kind}: ${d.target}`);
  return lines.join('\n');
}

function ruleSetLabel(rs: RuleSetModel): string {
  if (rs.kind === 'file') return `\`${rs.path}\``;
  return `inline, ${rulesOf(parseRuleFile(rs.text)).length} rule(s)`;
}

/** Rules, comments and the first comment line of a rule file. */
function ruleFileSummary(reference: string, text: string | undefined): string {
  if (text === undefined) return `Rule file \`${reference}\`: **not found** (paths are relative to this .pacs file).`;
  const tree = parseRuleFile(text);
  const rules = rulesOf(tree).length;
  const firstComment = text.split(/\r?\n/).find((l) => /^\s*#/.test(l))?.replace(/^\s*#\s?/, '');
  return `Rule file \`${reference}\`: ${rules} rule${rules === 1 ? '' : 's'}, ${tree.errors.length ? `${tree.errors.length} syntax error(s)` : 'no syntax errors'}.${firstComment ? `\n\n> ${firstComment}` : ''}`;
}

// ------------------------------------------------------------------ values

function valueDoc(table: DeviceTable, block: BlockNode, field: FieldNode, v: ValueNode, index: number, files: HoverFiles): string | undefined {
  const value = v.value.toLowerCase();
  const key = field.key;
  if (block.keyword === 'device') {
    switch (key) {
      case 'type':
        return value in DEVICE_TYPES ? `**${value}**: ${DEVICE_TYPES[value as keyof typeof DEVICE_TYPES]}` : undefined;
      case 'category': {
        const c = table.categories.find((x) => x.name.toLowerCase() === value);
        return c ? categorySummary(c, table) : `Category \`${v.value}\` is not defined in this file.`;
      }
      case 'send-timer':
      case 'receive-timer':
        return v.value === '*' ? '`*`: the server default timer.' : undefined;
      case 'rules':
        return index === 0 ? ruleFileSummary(v.value, files.read(v.value)) : undefined;
      case 'link':
        return index === 0 ? `Linked server file \`${v.value}\`${files.read(v.value) === undefined ? ': **not found**' : ''}.` : undefined;
      case 'services':
      case 'limits':
        return itemDoc(field, v);
    }
    return undefined;
  }
  if (block.keyword === 'server') {
    if (key === 'rules' && index === 0) return value in SERVER_RULE_SETS ? `**${value}**: ${SERVER_RULE_SETS[value as keyof typeof SERVER_RULE_SETS]}` : undefined;
    if (key === 'rules' && index === 1) return ruleFileSummary(v.value, files.read(v.value));
    if (key === 'transfer-syntax') return TRANSFER_SYNTAXES[v.value] ? `**${v.value}**: \`${TRANSFER_SYNTAXES[v.value]}\`` : undefined;
    if (key === 'deploy' && index === 0) return value in DEPLOY_KINDS ? `**${value}**: ${DEPLOY_KINDS[value as keyof typeof DEPLOY_KINDS]}` : undefined;
  }
  return undefined;
}

function itemDoc(field: FieldNode, item: ValueNode): string | undefined {
  const name = item.value.toLowerCase();
  if (field.key === 'services') {
    if (name in ROLE_SERVICES) return `**${name}**: ${ROLE_SERVICES[name as keyof typeof ROLE_SERVICES]}. Roles: U = the device is the SCU, P = the device is the SCP.`;
    if (name in FLAG_SERVICES) return `**${name}**: ${FLAG_SERVICES[name as keyof typeof FLAG_SERVICES]}`;
    if (/^[UP]+$/i.test(item.value)) return '`U`: the device is the SCU (it sends or asks); `P`: the device is the SCP (it receives or answers).';
  }
  if (field.key === 'limits') {
    const spec = TASK_LIMITS[name];
    if (spec) return `**${name}**: ${spec.label}${spec.types ? `; applies to ${spec.types.join(', ')} devices` : ''}.`;
  }
  return undefined;
}
