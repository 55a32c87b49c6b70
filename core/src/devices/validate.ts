/**
 * Checks a parsed .pacs file against the device model (docs/device-language.md lists every
 * code). Works on the syntax tree for field-level findings (so each message points at the
 * exact word) and on the built DeviceTable for cross-references. Referenced rule files are
 * read through a callback, so the same code runs in the language server (open documents) and
 * in the CLI (disk).
 */
import { capDiagnostics, MAX_DIAGNOSTICS_PER_FILE, type CoreDiagnostic, type Severity } from '../diagnostics';
import { excerpt } from '../text/excerpt';
import type { Range } from '../text/range';
import { validateRuleText, type CoercionDialect } from '../coercion/validate';
import type { BlockNode, FieldNode, ValueNode } from './ast';
import type { DeviceCode, DeviceData } from './diagnosticCodes';
import { buildDeviceTable, parseLimits, parseServices, toBool, toInt, type DeviceModel, type DeviceTable, type RuleSetModel } from './model';
import { parseDeviceFile, type DeviceParseResult } from './parser';
import { isRefusal, type ReferenceRefusal, type ReferenceText } from './references';
import { DEPLOY_KIND_SPECS, isDeployKind } from './deployKinds';
import {
  CATEGORY_FIELDS,
  DEPLOY_KINDS,
  DEVICE_FIELDS,
  DEVICE_TYPES,
  P_ONLY_SERVICES,
  SERVER_FIELDS,
  SERVER_RULE_SETS,
  TASK_LIMITS,
  TRANSFER_SYNTAXES,
  type DeviceType,
} from './schema';

export interface DeviceValidateOptions {
  /**
   * Returns the text of a file referenced from the .pacs file (path as written, relative to
   * the .pacs file's folder), or undefined when it does not exist. Without it, references are
   * not checked.
   */
  readFile?: (path: string) => ReferenceText;
  /**
   * Why a path written in the file (a deploy folder) may not be used, e.g. it leads outside the
   * workspace; undefined when it may. Without it, paths are not checked.
   */
  checkPath?: (path: string) => ReferenceRefusal | undefined;
  /** Coercion dialect for inline and referenced rules (default strict). */
  dialect?: CoercionDialect;
}

export interface DeviceValidation {
  table: DeviceTable;
  diagnostics: CoreDiagnostic[];
}

/** Parses, builds and validates in one go. */
export function validateDeviceText(text: string, options: DeviceValidateOptions = {}, uri?: string): DeviceValidation {
  return validateDeviceFile(parseDeviceFile(text, uri), options);
}

export function validateDeviceFile(parsed: DeviceParseResult, options: DeviceValidateOptions = {}): DeviceValidation {
  const table = buildDeviceTable(parsed.ast);
  const out: CoreDiagnostic[] = parsed.errors.map((e) => ({ range: e.range, severity: 'error', code: e.code, message: e.message }));
  new DeviceValidator(parsed, table, options, out).run();
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { table, diagnostics: capDiagnostics(out) };
}

/** Findings one document reports at most (the same cap as every language's: core/src/diagnostics.ts). */
export const MAX_DEVICE_DIAGNOSTICS = MAX_DIAGNOSTICS_PER_FILE;

/** AE title problems per DICOM PS3.5 (AE VR): ≤16 chars, no backslash/control chars, not all spaces. */
export function checkAeTitle(ae: string): { code: DeviceCode; message: string } | undefined {
  if (ae.trim() === '') return { code: 'ae-blank', message: 'An AE title may not be empty or all spaces.' };
  if (ae.length > 16) return { code: 'ae-too-long', message: `AE title "${excerpt(ae)}" has ${ae.length} characters; at most 16 are allowed.` };
  if (/[\\\x00-\x1f\x7f]/.test(ae)) return { code: 'ae-invalid', message: 'An AE title may not contain a backslash or control characters.' };
  return undefined;
}

/** Device types whose rows carry DICOM AE settings. */
const NEEDS_AE: DeviceType[] = ['dicom', 'parent', 'child'];
/** Types that always accept associations from the server. */
const ALWAYS_LISTENS: DeviceType[] = ['parent', 'child', 'backup-target'];

class DeviceValidator {
  constructor(
    private readonly parsed: DeviceParseResult,
    private readonly table: DeviceTable,
    private readonly options: DeviceValidateOptions,
    private readonly out: CoreDiagnostic[],
  ) {}

  run(): void {
    const names = new Map<string, Map<string, Range>>();
    let servers = 0;
    for (const block of this.parsed.ast.blocks) {
      if (!block.name) continue;
      const seen = names.get(block.keyword) ?? new Map<string, Range>();
      names.set(block.keyword, seen);
      const key = block.keyword === 'device' ? block.name.value : block.name.value.toLowerCase();
      if (seen.has(key)) {
        this.add(block.name.range, 'error', 'duplicate-id', `${label(block.keyword)} ${excerpt(block.name.value)} is defined twice (first on line ${seen.get(key)!.start.line + 1}).`);
      } else seen.set(key, block.name.range);
      switch (block.keyword) {
        case 'server':
          servers++;
          if (servers > 1) this.add(block.keywordRange, 'error', 'multiple-servers', 'A .pacs file describes the device table of one server. Put each server of a hierarchy in its own file and link them with parent/child devices (`link "other.pacs"`).');
          this.server(block);
          break;
        case 'category':
          this.category(block);
          break;
        case 'device':
          this.device(block);
          break;
        default:
          this.add(block.keywordRange, 'error', 'unknown-block', `Unknown block \`${excerpt(block.keyword)}\`: expected \`server\`, \`category\` or \`device\`.`);
      }
    }
    if (servers === 0 && this.table.devices.length > 0) {
      const first = this.parsed.ast.blocks.find((b) => b.keyword === 'device')!;
      this.add(first.keywordRange, 'warning', 'no-server', 'No `server` block: echo and deploy need the server\'s own AE title (`server NAME { ae "..." }`).');
    }
    for (const d of this.table.devices) this.deviceCrossChecks(d);
  }

  // ---- server -------------------------------------------------------------------------------

  private server(block: BlockNode): void {
    const once = new Map<string, FieldNode>();
    for (const f of block.fields) {
      if (!(f.key in SERVER_FIELDS)) {
        this.unknownField(f, SERVER_FIELDS, 'server');
        continue;
      }
      const onceKey = f.key === 'rules' ? `rules ${f.values[0]?.value}` : f.key === 'deploy' ? `deploy ${f.values[1]?.value}` : f.key;
      this.duplicateField(once, onceKey, f);
      switch (f.key) {
        case 'ae':
        case 'query-ae':
          if (this.arity(f, 1)) this.ae(f.values[0]);
          break;
        case 'host':
          if (this.arity(f, 1)) this.host(f.values[0]);
          break;
        case 'tcp-port':
        case 'tls-port':
          if (this.arity(f, 1)) this.port(f.values[0], true);
          break;
        case 'max-pdu':
          if (this.arity(f, 1)) {
            const n = this.number(f.values[0]);
            if (n !== undefined && (n < 4096 || n > 131072)) this.add(f.values[0].range, 'warning', 'max-pdu-range', `Maximum PDU size ${n} is unusual: DICOM peers commonly accept 4096 to 131072 bytes.`);
          }
          break;
        case 'accept-unknown-callers':
          if (f.values.length > 1) this.arity(f, 1);
          else if (f.values.length === 1 && toBool(f.values[0].value) === undefined) this.add(f.values[0].range, 'error', 'invalid-bool', 'Write `accept-unknown-callers yes` or `accept-unknown-callers no`.');
          break;
        case 'send-timeout':
        case 'receive-timeout':
        case 'connection-timeout':
        case 'wait-timeout':
          if (this.arity(f, 1)) this.number(f.values[0]);
          break;
        case 'transfer-syntax':
          if (this.arity(f, 1)) {
            const v = f.values[0].value;
            if (!(v in TRANSFER_SYNTAXES) && !/^1\.2\.840\.10008\.1\.2(\.\d+)*$/.test(v)) {
              this.add(f.values[0].range, 'error', 'unknown-transfer-syntax', `Unknown transfer syntax \`${excerpt(v)}\`: use a UID (1.2.840.10008.1.2...) or one of ${Object.keys(TRANSFER_SYNTAXES).join(', ')}.`);
            }
          }
          break;
        case 'rules':
          this.serverRules(f);
          break;
        case 'deploy':
          this.deploy(f);
          break;
      }
    }
    if (!block.fields.some((f) => f.key === 'ae')) {
      this.add(block.name!.range, 'error', 'missing-field', `Server ${excerpt(block.name!.value)} needs its AE title: \`ae "${block.name!.value.slice(0, 16)}"\`.`);
    }
  }

  private serverRules(f: FieldNode): void {
    const which = f.values[0];
    if (!which) {
      this.add(f.keyRange, 'error', 'missing-value', `\`rules\` in a server names the rule set: ${Object.keys(SERVER_RULE_SETS).join(', ')}.`);
      return;
    }
    if (!(which.value in SERVER_RULE_SETS)) {
      this.add(which.range, 'error', 'unknown-rule-set', `Unknown rule set \`${excerpt(which.value)}\`: expected ${Object.keys(SERVER_RULE_SETS).join(', ')}.`);
      return;
    }
    this.ruleSetField(f, f.values.slice(1));
  }

  private deploy(f: FieldNode): void {
    const [kind, target, ...extra] = f.values;
    if (!kind || !target) {
      const examples = Object.entries(DEPLOY_KIND_SPECS).map(([name, spec]) => `\`deploy ${name} ${spec.example}\``);
      this.add(f.range, 'error', 'missing-value', `Write ${examples.join(' or ')}.`);
      return;
    }
    this.extraValues(extra, '`deploy` takes a kind and a target');
    if (!isDeployKind(kind.value)) {
      this.add(kind.range, 'error', 'unknown-deploy-kind', `Unknown deploy target kind \`${excerpt(kind.value)}\`: expected ${Object.keys(DEPLOY_KINDS).join(' or ')}.`);
      return;
    }
    const problem = DEPLOY_KIND_SPECS[kind.value].checkTarget(target.value, this.options);
    if (problem) this.add(target.range, 'error', problem.code, problem.message);
  }

  // ---- category -----------------------------------------------------------------------------

  private category(block: BlockNode): void {
    const once = new Map<string, FieldNode>();
    for (const f of block.fields) {
      if (!(f.key in CATEGORY_FIELDS)) {
        this.unknownField(f, CATEGORY_FIELDS, 'category');
        continue;
      }
      this.duplicateField(once, f.key, f);
      if (this.arity(f, 1)) {
        const n = this.number(f.values[0]);
        if (n === 0) this.add(f.values[0].range, 'warning', 'zero-connections', 'A category with 0 connections blocks all its devices.');
      }
    }
    if (!once.has('max-connections')) {
      this.add(block.name!.range, 'error', 'missing-field', `Category ${excerpt(block.name!.value)} needs \`max-connections N\`.`);
    }
  }

  // ---- device -------------------------------------------------------------------------------

  private device(block: BlockNode): void {
    const once = new Map<string, FieldNode>();
    const typeField = block.fields.find((f) => f.key === 'type');
    const typeName = typeField?.values[0]?.value.toLowerCase();
    const type = typeName && typeName in DEVICE_TYPES ? (typeName as DeviceType) : undefined;
    for (const f of block.fields) {
      if (!(f.key in DEVICE_FIELDS)) {
        this.unknownField(f, DEVICE_FIELDS, 'device');
        continue;
      }
      this.duplicateField(once, f.key === 'disabled' ? 'enabled' : f.key, f);
      switch (f.key) {
        case 'type':
          if (this.arity(f, 1)) {
            const v = f.values[0];
            if (!type) this.add(v.range, 'error', 'unknown-type', `Unknown device type \`${excerpt(v.value)}\`. Types: ${Object.keys(DEVICE_TYPES).join(', ')}.`);
            else if (type === 'workstation') this.add(v.range, 'warning', 'workstation-retired', 'Workstation is a retired device type: existing rows stay valid, but eRAD will not accept it for a new device (use `viewer`).', ['deprecated']);
            else if (type === 'hl7') this.add(v.range, 'information', 'hl7-legacy', 'HL7 devices exist only in older eRAD versions.');
          }
          break;
        case 'ae':
          if (this.arity(f, 1)) this.ae(f.values[0]);
          break;
        case 'host':
          if (this.arity(f, 1)) this.host(f.values[0]);
          break;
        case 'port':
          if (this.arity(f, 1)) this.port(f.values[0], false);
          break;
        case 'tcp-port':
        case 'tls-port':
          if (this.arity(f, 1)) this.port(f.values[0], true);
          break;
        case 'category':
          this.arity(f, 1);
          break;
        case 'send-timer':
        case 'receive-timer':
          if (this.arity(f, 1) && f.values[0].value !== '*') {
            if (toInt(f.values[0].value) === undefined) this.add(f.values[0].range, 'error', 'invalid-timer', `A timer is a number of seconds or \`*\` (server default), not \`${excerpt(f.values[0].value)}\`.`);
          }
          break;
        case 'services':
          this.services(f);
          break;
        case 'limits':
          this.limits(f, type);
          break;
        case 'rules':
          this.ruleSetField(f, f.values);
          break;
        case 'link':
          if (this.arity(f, 1)) {
            if (type && type !== 'parent' && type !== 'child') this.add(f.keyRange, 'warning', 'link-not-applicable', '`link` names the .pacs file of a linked server; it applies to parent and child devices only.');
            else if (this.options.readFile) {
              const linked = this.options.readFile(f.values[0].value);
              if (linked === undefined) this.add(f.values[0].range, 'warning', 'link-file-missing', `Linked server file ${excerpt(f.values[0].value)} not found.`);
              else if (isRefusal(linked)) this.add(f.values[0].range, 'error', linked.code, linked.refused);
            }
          }
          break;
        case 'enabled':
          if (f.values.length > 1) this.arity(f, 1);
          if (f.values.length === 1 && toBool(f.values[0].value) === undefined) this.add(f.values[0].range, 'error', 'invalid-bool', 'Write `enabled`, `disabled`, or `enabled yes|no`.');
          break;
        case 'disabled':
          this.extraValues(f.values, '`disabled` takes no value');
          break;
      }
    }
    const name = block.name!;
    if (!typeField) this.add(name.range, 'error', 'missing-field', `Device ${excerpt(name.value)} needs a type: \`type dicom\` (or ${Object.keys(DEVICE_TYPES).filter((t) => t !== 'dicom').join(', ')}).`);
    if (!once.has('host')) this.add(name.range, 'error', 'missing-field', `Device ${excerpt(name.value)} needs \`host\` (IP address or host name).`);
    if (type && NEEDS_AE.includes(type) && !once.has('ae')) this.add(name.range, 'error', 'missing-field', `A ${type} device needs its AE title: \`ae "TITLE"\`.`);
  }

  /** Checks needing the whole device (built model): ports, categories, services together. */
  private deviceCrossChecks(d: DeviceModel): void {
    const listens = mustAcceptAssociations(d);
    if (listens) {
      const tcpOff = d.tcpPort === 0;
      const tlsOff = d.tlsPort === 0 || d.tlsPort === undefined;
      if (d.fieldRanges['tcp-port'] && tcpOff && tlsOff) {
        this.add(d.fieldRanges['tcp-port'], 'error', 'no-port', `Device ${excerpt(d.id)} must accept associations (${listens}) but both its TCP and TLS ports are 0.`);
      } else if (d.port === undefined && d.tcpPort === undefined && d.tlsPort === undefined) {
        this.add(d.idRange, 'error', 'missing-field', `Device ${excerpt(d.id)} must accept associations (${listens}): give its \`port\`.`);
      }
    }
    if (d.category !== undefined && !this.table.categories.some((c) => c.name.toLowerCase() === d.category!.toLowerCase())) {
      this.add(d.fieldRanges['category'], 'error', 'unknown-category', `Unknown category \`${excerpt(d.category)}\`: define it with \`category ${excerpt(d.category)} { max-connections N }\`.`);
    }
    const f = d.services.flags;
    if (f.autoget && f.autortv) {
      this.add(d.fieldRanges['services'], 'error', 'autoget-and-autortv', 'Choose only one of AutoGet and AutoRtv (preferably AutoRtv).');
    }
  }

  private services(f: FieldNode): void {
    const items = f.block?.kind === 'ListBlock' ? f.block.items : f.values;
    if (f.block?.kind === 'InlineRules') return;
    const { problems } = parseServices(items);
    for (const p of problems) this.add(p.range, 'error', p.code, p.message);
    // U on a P-only service: find the word to point at it.
    for (let i = 0; i < items.length; i++) {
      const name = items[i].value.toLowerCase();
      if (!(P_ONLY_SERVICES as readonly string[]).includes(name)) continue;
      for (let j = i + 1; j < items.length && /^[UP]+$/i.test(items[j].value); j++) {
        if (/U/i.test(items[j].value)) this.add(items[j].range, 'error', 'p-only-service', `${name === 'commit' ? 'Commit' : 'MPPS'} has only a P column (the device is the SCP); remove U.`);
      }
    }
  }

  private limits(f: FieldNode, type: DeviceType | undefined): void {
    const items = f.block?.kind === 'ListBlock' ? f.block.items : f.values;
    const { problems } = parseLimits(items);
    for (const p of problems) this.add(p.range, 'error', p.code, p.message);
    if (!type) return;
    for (const item of items) {
      const spec = TASK_LIMITS[item.value.toLowerCase()];
      if (spec?.types && !spec.types.includes(type)) {
        this.add(item.range, 'warning', 'limit-not-applicable', `The ${spec.label} limit applies to ${spec.types.join(', ')} devices only, not to ${type}.`);
      }
    }
  }

  /** `rules "file.coerce"` or an inline block: check the rules with the coercion validator. */
  private ruleSetField(f: FieldNode, rest: ValueNode[]): void {
    if (f.block?.kind === 'InlineRules') {
      this.extraValues(rest, 'inline rules follow `rules` and the rule set name directly');
      const rs = inlineOf(this.table, f);
      if (rs && rs.kind === 'inline') for (const d of validateRuleText(rs.text, { dialect: this.options.dialect })) this.out.push(d);
      return;
    }
    if (f.block) {
      this.add(f.block.range, 'error', 'rules-block', 'Inline rules start with `{` at the end of the `rules` line and end with `}` on a line of its own; each rule on its own line.');
      return;
    }
    if (rest.length === 0) {
      this.add(f.keyRange, 'error', 'missing-value', 'Give the rules inline (`rules {` ... `}`) or as a file (`rules "file.coerce"`).');
      return;
    }
    this.extraValues(rest.slice(1), 'one rule file per rule set');
    const ref = rest[0];
    if (!this.options.readFile) return;
    const text = this.options.readFile(ref.value);
    if (text === undefined) {
      this.add(ref.range, 'error', 'rule-file-missing', `Rule file ${excerpt(ref.value)} not found (paths are relative to this .pacs file).`);
      return;
    }
    if (isRefusal(text)) {
      this.add(ref.range, 'error', text.code, text.refused);
      return;
    }
    const errors = validateRuleText(text, { dialect: this.options.dialect }).filter((d) => d.severity === 'error');
    if (errors.length) {
      const e = errors[0];
      this.add(ref.range, 'error', 'rule-file-errors', `${excerpt(ref.value)} has ${errors.length} error${errors.length === 1 ? '' : 's'}; first at line ${e.range.start.line + 1}: ${excerpt(e.message, 120)}`, undefined, { path: ref.value, errors: errors.length });
    }
  }

  // ---- value checks -------------------------------------------------------------------------

  private ae(v: ValueNode): void {
    const p = checkAeTitle(v.value);
    if (p) this.add(v.range, 'error', p.code, p.message);
  }

  private host(v: ValueNode): void {
    const h = v.value;
    if (!/^[A-Za-z0-9._:-]+$/.test(h) || h.startsWith('-') || h.startsWith('.')) {
      this.add(v.range, 'error', 'invalid-host', `\`${excerpt(h)}\` is not an IP address or host name.`);
    }
  }

  private port(v: ValueNode, zeroDisables: boolean): void {
    const n = toInt(v.value);
    const min = zeroDisables ? 0 : 1;
    if (n === undefined || n < min || n > 65535) {
      this.add(v.range, 'error', 'invalid-port', zeroDisables ? `A port is 1 to 65535, or 0 to disable; not \`${excerpt(v.value)}\`.` : `A port is 1 to 65535, not \`${excerpt(v.value)}\`.`);
    }
  }

  private number(v: ValueNode): number | undefined {
    const n = toInt(v.value);
    if (n === undefined) this.add(v.range, 'error', 'invalid-number', `Expected a whole number, not \`${excerpt(v.value)}\`.`);
    return n;
  }

  /** Checks a field has exactly `n` values (and no block); true when the first value is usable. */
  private arity(f: FieldNode, n: number): boolean {
    if (f.block) this.add(f.block.range, 'error', 'unexpected-block', `\`${excerpt(f.key)}\` does not take a block.`);
    if (f.values.length < n) {
      this.add(f.keyRange, 'error', 'missing-value', `\`${excerpt(f.key)}\` needs a value.`);
      return false;
    }
    this.extraValues(f.values.slice(n), `\`${excerpt(f.key)}\` takes one value, and each field goes on its own line`);
    return true;
  }

  /** One `extra-value` finding for a run of values too many, quoting only the first. */
  private extraValues(extra: ValueNode[], why: string): void {
    if (extra.length === 0) return;
    const more = extra.length > 1 ? ` (and ${extra.length - 1} more value${extra.length > 2 ? 's' : ''})` : '';
    const range = { start: extra[0].range.start, end: extra[extra.length - 1].range.end };
    this.add(range, 'error', 'extra-value', `Unexpected \`${excerpt(extra[0].text)}\`${more}: ${why}.`);
  }

  private unknownField(f: FieldNode, known: Record<string, string>, where: string): void {
    const near = Object.keys(known).find((k) => closeTo(k, f.key));
    this.add(f.keyRange, 'error', 'unknown-field', `Unknown ${where} field \`${excerpt(f.key)}\`.${near ? ` Did you mean \`${near}\`?` : ` Known: ${Object.keys(known).join(', ')}.`}`, undefined, near ? { replacement: near } : undefined);
  }

  private duplicateField(seen: Map<string, FieldNode>, key: string, f: FieldNode): void {
    const first = seen.get(key);
    if (first) this.add(f.keyRange, 'error', 'duplicate-field', `\`${excerpt(key)}\` is already set on line ${first.keyRange.start.line + 1}.`);
    else seen.set(key, f);
  }

  private add<C extends DeviceCode>(range: Range, severity: Severity, code: C, message: string, tags?: CoreDiagnostic['tags'], data?: DeviceData<C>): void {
    const d: CoreDiagnostic = { range, severity, code, message };
    if (tags) d.tags = tags;
    if (data !== undefined) d.data = data;
    this.out.push(d);
  }
}

/** Why a device must accept associations, or undefined when it need not. */
export function mustAcceptAssociations(d: DeviceModel): string | undefined {
  if (d.type && ALWAYS_LISTENS.includes(d.type)) return `type ${d.type}`;
  const p = Object.entries(d.services.roles).filter(([, r]) => r?.p).map(([n]) => `${n} P`);
  const flags = (['autoget', 'autortv', 'autofwd'] as const).filter((f) => d.services.flags[f]);
  const reasons = [...p, ...flags];
  return reasons.length ? reasons.join(', ') : undefined;
}

function inlineOf(table: DeviceTable, f: FieldNode): RuleSetModel | undefined {
  const all: RuleSetModel[] = [
    ...table.devices.map((d) => d.rules).filter((r): r is RuleSetModel => !!r),
    ...table.servers.flatMap((s) => Object.values(s.rules)).filter((r): r is RuleSetModel => !!r),
  ];
  return all.find((r) => r.kind === 'inline' && r.range.start.line === f.range.start.line && r.range.start.character === f.range.start.character);
}

function label(keyword: string): string {
  return keyword === 'device' ? 'Device' : keyword === 'category' ? 'Category' : keyword === 'server' ? 'Server' : keyword;
}

/** One edit apart (typo), or the same ignoring case and separators. */
function closeTo(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  if (norm(a) === norm(b)) return true;
  // Two neighbouring letters swapped (`hots` for `host`).
  if (a.length === b.length) {
    const diff = [...a].map((c, i) => (c !== b[i] ? i : -1)).filter((i) => i >= 0);
    if (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]) return true;
  }
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
