/**
 * Completion for .pacs files: block keywords, the fields of the current block (schema.ts),
 * values per field (device types, categories of this file, `*` for timers, rule-set names,
 * .coerce and .pacs files next to the document), services with their U/P columns and task
 * limits inside lists. Inside an inline `rules { }` block the coercion completion answers.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type Position,
} from 'vscode-languageserver/node';
import * as path from 'node:path';
import {
  CATEGORY_FIELDS,
  DEPLOY_KINDS,
  DEVICE_FIELDS,
  DEVICE_TYPES,
  FLAG_SERVICES,
  P_ONLY_SERVICES,
  ROLE_SERVICES,
  SERVER_FIELDS,
  SERVER_RULE_SETS,
  TASK_LIMITS,
  TRANSFER_SYNTAXES,
  type DeviceType,
} from '../../../core/src/devices/schema';
import { quote } from '../../../core/src/devices/format';
import type { BlockNode } from '../../../core/src/devices/ast';
import type { Range } from '../../../core/src/text/range';
import type { CoercionDialect } from '../languages';
import { completeCoercion } from '../coercion/completion';
import { completionContext } from './context';
import type { DeviceAnalysis } from './documents';
import { listFiles, uriToPath } from './files';
import { toMarkdown } from '../convert';

const EMPTY: CompletionList = { isIncomplete: false, items: [] };

/** Types offered for a new device: Workstation is retired (eRAD refuses it for new rows). */
export const NEW_DEVICE_TYPES = (Object.keys(DEVICE_TYPES) as DeviceType[]).filter((t) => t !== 'workstation');

export function completeDevices(a: DeviceAnalysis, position: Position, dialect: CoercionDialect): CompletionList {
  const ctx = completionContext(a, position);
  switch (ctx.kind) {
    case 'none':
      return EMPTY;
    case 'rules':
      return completeCoercion({ lineText: a.lineText(position.line), position, file: a.ruleTree(ctx.rules), dialect });
    case 'top':
      return { isIncomplete: false, items: blockItems(ctx.replace) };
    case 'field':
      return { isIncomplete: false, items: fieldItems(ctx.block, ctx.replace) };
    case 'value':
      return { isIncomplete: false, items: valueItems(a, ctx.block, ctx.key, ctx.index, ctx.before, ctx.replace) };
    case 'list':
      return { isIncomplete: false, items: listItems(ctx.block, ctx.key, ctx.before, ctx.replace) };
  }
}

// ------------------------------------------------------------------ blocks and fields

function blockItems(replace: Range): CompletionItem[] {
  const types = NEW_DEVICE_TYPES.join(',');
  const snippets: Array<[string, string, string]> = [
    ['server', 'server ${1:PACS_MAIN} {\n\tae "${2:PACS_MAIN}"\n\thost ${3:127.0.0.1}\n\ttcp-port ${4:104}\n}', 'The PACS server whose device table this file describes (one per file).'],
    ['category', 'category ${1:modalities} {\n\tmax-connections ${2:8}\n}', 'A device category: a connection limit its devices share.'],
    ['device', `device \${1:ID} {\n\ttype \${2|${types}|}\n\tae "\${3:AE_TITLE}"\n\thost \${4:127.0.0.1}\n\tport \${5:104}\n}`, 'A device (a row of the device table).'],
  ];
  return snippets.map(([label, snippet, doc], i) => ({
    label,
    kind: CompletionItemKind.Keyword,
    detail: `${label} block`,
    documentation: doc,
    textEdit: { range: replace, newText: snippet },
    insertTextFormat: InsertTextFormat.Snippet,
    sortText: String(i),
  }));
}

function fieldsOf(keyword: string): Record<string, string> | undefined {
  return keyword === 'device' ? DEVICE_FIELDS : keyword === 'server' ? SERVER_FIELDS : keyword === 'category' ? CATEGORY_FIELDS : undefined;
}

/** Fields that may appear more than once in a block. */
const REPEATABLE = new Set(['server rules', 'server deploy']);

function fieldItems(block: BlockNode, replace: Range): CompletionItem[] {
  const fields = fieldsOf(block.keyword);
  if (!fields) return [];
  const present = new Set(block.fields.map((f) => f.key));
  if (present.has('enabled')) present.add('disabled');
  if (present.has('disabled')) present.add('enabled');
  const items: CompletionItem[] = [];
  for (const [key, doc] of Object.entries(fields)) {
    if (present.has(key) && !REPEATABLE.has(`${block.keyword} ${key}`)) continue;
    const snippet = fieldSnippet(block.keyword, key);
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      documentation: toMarkdown(doc),
      textEdit: { range: replace, newText: snippet ?? (key === 'enabled' || key === 'disabled' ? key : `${key} `) },
      ...(snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
      // Picking a field goes straight on to its values.
      ...(!snippet && key !== 'enabled' && key !== 'disabled' ? { command: { title: 'values', command: 'editor.action.triggerSuggest' } } : {}),
    });
  }
  return items;
}

function fieldSnippet(keyword: string, key: string): string | undefined {
  if (keyword !== 'device') return undefined;
  if (key === 'services') return 'services {\n\t${1:store} ${2|U,P,U P|}\n}';
  if (key === 'limits') return 'limits {\n\t${1:max} ${2:4}\n}';
  return undefined;
}

// ------------------------------------------------------------------ values

function valueItems(a: DeviceAnalysis, block: BlockNode, key: string, index: number, before: string[], replace: Range): CompletionItem[] {
  const enumItems = (values: Record<string, string>, kind: CompletionItemKind = CompletionItemKind.EnumMember): CompletionItem[] =>
    Object.entries(values).map(([label, doc]) => ({ label, kind, detail: doc, textEdit: { range: replace, newText: label } }));

  if (block.keyword === 'device') {
    switch (key) {
      case 'type':
        if (index !== 0) return [];
        return NEW_DEVICE_TYPES.map((t) => ({ label: t, kind: CompletionItemKind.EnumMember, detail: DEVICE_TYPES[t], textEdit: { range: replace, newText: t } }));
      case 'category':
        if (index !== 0) return [];
        return a.table.categories.map((c) => ({
          label: c.name,
          kind: CompletionItemKind.Enum,
          detail: c.maxConnections !== undefined ? `max-connections ${c.maxConnections}` : 'category',
          textEdit: { range: replace, newText: c.name },
        }));
      case 'send-timer':
      case 'receive-timer':
        if (index !== 0) return [];
        return [{ label: '*', kind: CompletionItemKind.Constant, detail: 'Use the server default', textEdit: { range: replace, newText: '*' } }];
      case 'enabled':
        return index === 0 ? enumItems({ yes: 'The device is used', no: 'The device is kept but not used' }, CompletionItemKind.Constant) : [];
      case 'rules':
        if (index !== 0) return [];
        return [inlineRulesItem(replace), ...fileItems(a, '.coerce', replace)];
      case 'link':
        return index === 0 ? fileItems(a, '.pacs', replace) : [];
      case 'services':
      case 'limits':
        // Written on one line without braces: same items as in the list.
        return listItems(block, key, before, replace);
    }
    return [];
  }
  if (block.keyword === 'server') {
    switch (key) {
      case 'rules':
        if (index === 0) return enumItems(SERVER_RULE_SETS, CompletionItemKind.Enum);
        if (index === 1 && before[0] in SERVER_RULE_SETS) return [inlineRulesItem(replace), ...fileItems(a, '.coerce', replace)];
        return [];
      case 'transfer-syntax':
        return index === 0 ? Object.entries(TRANSFER_SYNTAXES).map(([label, uid]) => ({ label, kind: CompletionItemKind.EnumMember, detail: uid, textEdit: { range: replace, newText: label } })) : [];
      case 'deploy':
        return index === 0 ? enumItems(DEPLOY_KINDS, CompletionItemKind.Enum) : [];
    }
  }
  return [];
}

function inlineRulesItem(replace: Range): CompletionItem {
  return {
    label: '{ … }',
    kind: CompletionItemKind.Snippet,
    detail: 'Inline rules: one coercion rule per line',
    filterText: '{',
    textEdit: { range: replace, newText: '{\n\t$0\n}' },
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

/** Files next to the .pacs file, quoted as the language writes paths. */
function fileItems(a: DeviceAnalysis, ext: string, replace: Range): CompletionItem[] {
  const own = uriToPath(a.uri);
  if (!own) return [];
  const dir = path.dirname(own);
  return listFiles(dir, ext)
    .filter((rel) => path.resolve(dir, rel) !== own)
    .map((rel) => ({
      label: rel,
      kind: CompletionItemKind.File,
      filterText: `"${rel}"`,
      textEdit: { range: replace, newText: quote(rel) },
    }));
}

// ------------------------------------------------------------------ lists

function listItems(block: BlockNode, key: string, before: string[], replace: Range): CompletionItem[] {
  if (block.keyword !== 'device') return [];
  if (key === 'services') return serviceItems(before, replace);
  if (key === 'limits') return limitItems(block, before, replace);
  return [];
}

function serviceItems(before: string[], replace: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  // After a role service (and any roles already written): its U/P columns come first.
  let i = before.length - 1;
  while (i >= 0 && /^[UP]+$/i.test(before[i])) i--;
  const last = i >= 0 ? before[i].toLowerCase() : undefined;
  const given = new Set(before.map((b) => b.toLowerCase()));
  if (last && last in ROLE_SERVICES) {
    const pOnly = (P_ONLY_SERVICES as readonly string[]).includes(last);
    const roles: Array<[string, string]> = pOnly
      ? [['P', 'the device is the SCP']]
      : [['U', 'the device is the SCU (it sends or asks)'], ['P', 'the device is the SCP (it receives or answers)'], ['U P', 'both']];
    roles.forEach(([label, doc], n) => items.push({ label, kind: CompletionItemKind.EnumMember, detail: `${last}: ${doc}`, sortText: `0${n}`, textEdit: { range: replace, newText: label } }));
  }
  for (const [name, doc] of Object.entries(ROLE_SERVICES)) {
    if (given.has(name)) continue;
    const pOnly = (P_ONLY_SERVICES as readonly string[]).includes(name);
    items.push({
      label: name,
      kind: CompletionItemKind.Module,
      detail: doc,
      sortText: `1${name}`,
      textEdit: { range: replace, newText: pOnly ? `${name} P` : `${name} \${1|U,P,U P|}` },
      insertTextFormat: pOnly ? InsertTextFormat.PlainText : InsertTextFormat.Snippet,
    });
  }
  for (const [name, doc] of Object.entries(FLAG_SERVICES)) {
    if (given.has(name)) continue;
    // AutoGet and AutoRtv exclude each other.
    if ((name === 'autoget' && given.has('autortv')) || (name === 'autortv' && given.has('autoget'))) continue;
    items.push({ label: name, kind: CompletionItemKind.Module, detail: doc, sortText: `2${name}`, textEdit: { range: replace, newText: name } });
  }
  return items;
}

function limitItems(block: BlockNode, before: string[], replace: Range): CompletionItem[] {
  // A number follows each limit name: nothing to offer right after a name.
  const last = before[before.length - 1]?.toLowerCase();
  if (last && last in TASK_LIMITS) return [];
  const typeName = block.fields.find((f) => f.key === 'type')?.values[0]?.value.toLowerCase();
  const given = new Set(before.map((b) => b.toLowerCase()));
  return Object.entries(TASK_LIMITS)
    .filter(([name, spec]) => !given.has(name) && (!spec.types || !typeName || (spec.types as string[]).includes(typeName)))
    .map(([name, spec]) => ({
      label: name,
      kind: CompletionItemKind.Field,
      detail: spec.label + (spec.types ? ` (${spec.types.join(', ')} devices)` : ''),
      textEdit: { range: replace, newText: `${name} \${1:4}` },
      insertTextFormat: InsertTextFormat.Snippet,
    }));
}
