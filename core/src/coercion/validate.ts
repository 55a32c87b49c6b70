/**
 * Semantic validation of a parsed coercion-rule file: everything the parser cannot see on its
 * own — unknown functions and tags, arity, values that cannot be valid for the target's VR,
 * variable use, dialect portability. Every code is documented in docs/diagnostics.md.
 *
 * Runs on every keystroke in the language server: an editor uses createIncrementalValidator()
 * (incrementalValidator.ts), which checks only the lines that changed; a full check is one pass over the tree with cached
 * dictionary lookups and no regular expressions compiled per rule.
 */
import { excerpt } from '../text/excerpt';
import type { CoreDiagnostic, Severity } from '../diagnostics';
import { comparePositions, type Position, type Range } from '../text/range';
import { getDictionary, isPrivateGroup } from '../dictionary/index';
import { enumeratedValuesOf } from '../dictionary/enumerations';
import type { DictionaryEntry } from '../dictionary/types';
import type {
  CallNode, Expression, LineNode, LValue, RetiredSplitNode, RuleFileNode, RuleNode, SeqNode, SyntaxErrorInfo, TagNode,
  UnquotedStringNode, UserFieldNode, VariableNode, MissingNode,
} from './ast';
import { CONTROL_VARIABLES, FUNCTIONS, lookupFunction, signatureLabel, type FunctionInfo } from './functions';
import type { CoercionCode, CoercionData, ControlVariableData, KeywordForTagData, RetiredSplitData, UnknownFunctionData } from './diagnosticCodes';
import { parseRuleFile } from './fileParser';
import { editDistance } from '../text/editDistance';
import { checkValueForVr, isCoercibleVr } from './vrRules';

export type CoercionDialect = 'strict' | 'extended';

export interface ValidateOptions {
  /** `strict` (default): only what eRAD documents; extension functions are errors. */
  dialect?: CoercionDialect;
}

/** Parses and validates in one go. */
export function validateRuleText(text: string, options?: ValidateOptions): CoreDiagnostic[] {
  return validateRuleFile(parseRuleFile(text), options);
}

/** The parser's syntax errors (as errors) followed by semantic findings, sorted by position. */
export function validateRuleFile(file: RuleFileNode, options?: ValidateOptions): CoreDiagnostic[] {
  const dialect = options?.dialect ?? 'strict';
  return validateLines(file, (line) => checkRule(line, dialect));
}

/** A variable read, judged once the whole file's assignments are known. */
export interface VariableRead { read: VariableNode }

/** What one rule line contributes, whatever the other lines say. */
export interface LineFindings {
  /** Findings in the order the checks make them, with variable reads in their place. */
  items: Array<CoreDiagnostic | VariableRead>;
  /** True when `items` has variable reads. */
  hasReads: boolean;
  /** The ordinary variable this rule assigns. */
  assigns?: string;
  /** True for `$(@PROCESS)=NULL()`. */
  stops: boolean;
  /** `items` sorted by position, for a line with nothing that depends on other lines. */
  sorted?: CoreDiagnostic[];
}

const byPosition = (a: CoreDiagnostic, b: CoreDiagnostic): number =>
  comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end);

export function checkRule(rule: RuleNode, dialect: CoercionDialect): LineFindings {
  const items: LineFindings['items'] = [];
  const checker = new RuleChecker(dialect, items);
  checker.rule(rule);
  const target = rule.target;
  return {
    items,
    hasReads: checker.hasReads,
    assigns: target.kind === 'Variable' && !target.isControl ? target.name : undefined,
    stops: isUnconditionalStop(rule),
  };
}

/**
 * The file's diagnostics from per-line findings: syntax errors first, then semantic findings
 * in line order, each line stably sorted by position — the same order as one global stable
 * sort, since every range lies on its own line.
 */
export function validateLines(file: RuleFileNode, findingsOf: (rule: RuleNode) => LineFindings): CoreDiagnostic[] {
  const lines = file.lines;
  const findings: Array<LineFindings | undefined> = new Array(lines.length);
  const firstAssignment = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.kind !== 'Rule') continue;
    const f = findingsOf(line);
    findings[i] = f;
    if (f.assigns !== undefined && !firstAssignment.has(f.assigns)) firstAssignment.set(f.assigns, i);
  }
  const out: CoreDiagnostic[] = [];
  const errors = file.errors;
  let e = 0;
  let stopLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const f = findings[i];
    const hasErrors = e < errors.length && errors[e].range.start.line === i;
    const unreachable = f !== undefined && stopLine !== undefined;
    if (!hasErrors && !unreachable) {
      if (f && f.items.length) {
        if (f.hasReads) pushSorted(out, lineDiagnostics(f, i, firstAssignment, []));
        else for (const d of (f.sorted ??= [...(f.items as CoreDiagnostic[])].sort(byPosition))) out.push(d);
      }
    } else {
      const list: CoreDiagnostic[] = [];
      for (; e < errors.length && errors[e].range.start.line === i; e++) list.push(syntaxDiagnostic(errors[e]));
      if (unreachable) {
        list.push({
          range: lines[i].range, severity: 'hint', code: 'unreachable-after-stop',
          message: `This rule never runs: $(@PROCESS)=NULL() on line ${stopLine! + 1} stops processing of every object before it.`,
          tags: ['unnecessary'],
        });
      }
      pushSorted(out, f ? lineDiagnostics(f, i, firstAssignment, list) : list);
    }
    if (f && stopLine === undefined && f.stops) stopLine = i;
  }
  // Errors are per line and in order; anything left (none expected) keeps its place at the end.
  for (; e < errors.length; e++) out.push(syntaxDiagnostic(errors[e]));
  return out;
}

function pushSorted(out: CoreDiagnostic[], list: CoreDiagnostic[]): void {
  if (list.length > 1) list.sort(byPosition);
  for (const d of list) out.push(d);
}

function syntaxDiagnostic(e: SyntaxErrorInfo): CoreDiagnostic {
  const d: CoreDiagnostic = { range: e.range, severity: 'error', code: e.code, message: e.message };
  if (e.data !== undefined) d.data = e.data;
  return d;
}

/** A line's findings appended to `list`, variable reads judged against the file's assignments. */
function lineDiagnostics(f: LineFindings, line: number, firstAssignment: Map<string, number>, list: CoreDiagnostic[]): CoreDiagnostic[] {
  for (const item of f.items) {
    if (!('read' in item)) {
      list.push(item);
      continue;
    }
    const v = item.read;
    const assigned = firstAssignment.get(v.name);
    if (assigned === undefined) {
      // Names are case-sensitive; a near miss in case is the likely mistake.
      const lower = v.name.toLowerCase();
      let similar: string | undefined;
      for (const name of firstAssignment.keys()) if (name.toLowerCase() === lower) similar = name;
      const hint = similar ? ` Did you mean $(${similar})? Variable names are case-sensitive.` : '';
      list.push({ range: v.range, severity: 'warning', code: 'variable-unassigned', message: `$(${excerpt(v.name)}) is never assigned, so it is always NULL here.${hint}` });
    } else if (assigned >= line) {
      list.push({
        range: v.range, severity: 'warning', code: 'variable-unassigned',
        message: `$(${excerpt(v.name)}) is read before it is assigned (first assigned on line ${assigned + 1}), so it is NULL here; rules run top to bottom.`,
      });
    }
  }
  return list;
}

// ---- dictionary access, cached across calls: a rule file names the same few tags many times ----

const NOT_FOUND = null;
const tagCache = new Map<number, DictionaryEntry | null>();

function entryFor(group: number, element: number): DictionaryEntry | undefined {
  const key = group * 0x10000 + element;
  let hit = tagCache.get(key);
  if (hit === undefined) {
    hit = getDictionary().byTag(group, element) ?? NOT_FOUND;
    tagCache.set(key, hit);
  }
  return hit ?? undefined;
}

const keywordCache = new Map<string, DictionaryEntry | null>();

function entryForKeyword(word: string): DictionaryEntry | undefined {
  let hit = keywordCache.get(word);
  if (hit === undefined) {
    hit = getDictionary().byKeyword(word) ?? NOT_FOUND;
    keywordCache.set(word, hit);
  }
  return hit ?? undefined;
}

/** Keyword match ignoring case, for the rarer invalid-target path (`patientname=...`). */
function entryForKeywordAnyCase(word: string): DictionaryEntry | undefined {
  // An index, not a search: a file of thousands of unknown words must not search the dictionary for each.
  return entryForKeyword(word) ?? getDictionary().byKeywordIgnoringCase(word);
}

/** Tag text to suggest for a keyword. None for repeating-group entries like (60xx,3000)
 *  (the group is ambiguous), nor for command (0000,xxxx) and item (FFFE,xxxx) elements, which
 *  never occur in a stored object: `Item` or `Print` as a word means the word. */
function concreteTagText(entry: DictionaryEntry): string | undefined {
  const t = entry.tagText;
  if (t.includes('x') || t.startsWith('(0000,') || t.startsWith('(FFFE,')) return undefined;
  return t;
}

/** A tag as written (an excerpt: a tag the parser recovered may run on into a long value) and its name. */
const describeTag = (text: string, entry: DictionaryEntry | undefined): string => (entry ? `${excerpt(text)} ${entry.name}` : excerpt(text));

/** lookupFunction by the name as typed, without lower-casing it on every call. */
const functionCache = new Map<string, FunctionInfo | null>();

function functionFor(name: string): FunctionInfo | undefined {
  let hit = functionCache.get(name);
  if (hit === undefined) {
    hit = lookupFunction(name) ?? NOT_FOUND;
    if (functionCache.size < 1000) functionCache.set(name, hit); // bounded: names are user input
  }
  return hit ?? undefined;
}

// ---- function-name suggestions ----

/** Names other tools give to what one of our functions does (SQL, JavaScript, Excel, XSLT). */
export const FUNCTION_ALIASES: Readonly<Record<string, string>> = {
  uppercase: 'upper', touppercase: 'upper', toupper: 'upper', ucase: 'upper',
  lowercase: 'lower', tolowercase: 'lower', tolower: 'lower', lcase: 'lower',
  substring: 'substr', mid: 'substr',
  replaceall: 'replace', strreplace: 'replace', substitute: 'replace',
  strip: 'trim', len: 'length', strlen: 'length',
  concatenate: 'concat', join: 'concat', iif: 'if', equal: 'equals', eq: 'equals',
  sum: 'add', plus: 'add', subtract: 'sub', minus: 'sub', includes: 'contains', instr: 'indexof',
};

/** Up to `limit` catalogue names closest to `name`, nearest first; eRAD functions before
 *  extensions on equal distance. Names too far away to be a typo are left out. In the strict
 *  dialect extensions are never proposed (the fix would be another error). A known alias
 *  (`uppercase`, `toUpper`) maps to the function that does it. */
export function nearestFunctionNames(name: string, limit = 3, dialect: CoercionDialect = 'extended'): string[] {
  const lower = name.toLowerCase();
  const allowed = (f: FunctionInfo) => dialect === 'extended' || f.dialect === 'erad';
  const alias = FUNCTIONS.find((f) => f.name === FUNCTION_ALIASES[lower]);
  if (alias) return allowed(alias) ? [alias.name] : [];
  const maxDistance = Math.max(1, Math.min(3, Math.floor(lower.length / 2)));
  return FUNCTIONS
    .filter(allowed)
    .map((f, index) => ({ f, index, d: editDistance(lower, f.name) }))
    .filter((x) => x.d <= maxDistance)
    .sort((x, y) => x.d - y.d || x.index - y.index)
    .slice(0, limit)
    .map((x) => x.f.name);
}

// ---- constant folding for value checks ----

/** The value an expression always has: a string, null for NULL, or undefined when it depends
 *  on the object. Handles literals, NULL() and concat() of constants. */
function constantValue(e: Expression): string | null | undefined {
  if (e.kind === 'String') return e.value;
  if (e.kind !== 'Call') return undefined;
  const fn = e.name.toLowerCase();
  if (fn === 'null' && e.args.length === 0) return null;
  if (fn === 'concat') {
    let s = '';
    for (const a of e.args) {
      const v = constantValue(a);
      if (v === undefined) return undefined;
      if (v !== null) s += v; // NULL arguments count as ""
    }
    return s;
  }
  return undefined;
}

/** Constant strings the expression can produce, each with the node to blame: the branches of
 *  if() and or() are followed so that `if(c,"bad","good")` still points at "bad". */
function constantOutcomes(e: Expression, out: Array<{ value: string; node: Expression }>): void {
  const v = constantValue(e);
  if (typeof v === 'string') {
    out.push({ value: v, node: e });
    return;
  }
  if (e.kind !== 'Call') return;
  const fn = e.name.toLowerCase();
  if (fn === 'if') {
    if (e.args[1]) constantOutcomes(e.args[1], out);
    if (e.args[2]) constantOutcomes(e.args[2], out);
  } else if (fn === 'or') {
    for (const a of e.args) constantOutcomes(a, out);
  }
}

const isUnconditionalStop = (rule: RuleNode): boolean =>
  rule.target.kind === 'Variable' && rule.target.name === '@PROCESS'
  && rule.value.kind === 'Call' && rule.value.name.toLowerCase() === 'null' && rule.value.args.length === 0;

const CONTROL_NAMES = new Set(CONTROL_VARIABLES.map((c) => c.name));
const CONTROL_NAMES_UPPER = new Map(CONTROL_VARIABLES.map((c) => [c.name.toUpperCase(), c.name]));

/** The checks of one rule on its own; variable reads are left for the file-level pass. */
class RuleChecker {
  hasReads = false;

  constructor(
    private readonly dialect: CoercionDialect,
    private readonly out: LineFindings['items'],
  ) {}

  private report<C extends CoercionCode>(range: Range, severity: Severity, code: C, message: string,
    extra: { tags?: CoreDiagnostic['tags']; data?: CoercionData<C> } = {}): void {
    const d: CoreDiagnostic = { range, severity, code, message };
    if (extra.tags) d.tags = extra.tags;
    if (extra.data !== undefined) d.data = extra.data;
    this.out.push(d);
  }

  rule(rule: RuleNode): void {
    const targetEntry = this.target(rule.target);
    this.expression(rule.value);
    if (rule.target.kind === 'Variable' && rule.target.name === '@PROCESS') this.stopValue(rule.value);
    if (targetEntry && isCoercibleVr(targetEntry.entry.vr)) this.valueForTarget(rule.value, targetEntry.entry, targetEntry.text);
  }

  /** Checks the lvalue; returns the dictionary entry of an attribute target for value checks. */
  private target(t: LValue | UnquotedStringNode | MissingNode): { entry: DictionaryEntry; text: string } | undefined {
    if (t.recovered) return undefined;
    switch (t.kind) {
      case 'Tag': {
        const entry = this.tag(t);
        if (entry) this.alphanumeric(t, entry);
        return entry ? { entry, text: t.text } : undefined;
      }
      case 'Seq': {
        const entry = this.seq(t);
        if (entry && entry.vr !== 'SQ') this.alphanumeric(t.leaf, entry);
        return entry && entry.vr !== 'SQ' ? { entry, text: t.leaf.text } : undefined;
      }
      case 'User':
        this.userField(t);
        return undefined;
      case 'Variable':
        this.controlVariable(t);
        return undefined;
      case 'String':
        this.wordTarget(t);
        return undefined;
      default:
        return undefined;
    }
  }

  private wordTarget(t: UnquotedStringNode): void {
    const entry = entryForKeywordAnyCase(t.value);
    const tag = entry && concreteTagText(entry);
    if (entry && tag) {
      const data: KeywordForTagData = { keyword: t.value, tag };
      this.report(t.range, 'error', 'keyword-for-tag',
        `${t.value} is a keyword, but a rule target is written as a tag: write ${tag} (${entry.name}) instead of ${t.value}.`, { data });
      return;
    }
    this.report(t.range, 'error', 'invalid-target',
      `"${excerpt(t.value)}" cannot be assigned to: a rule target is (gggg,eeee), SEQ(...), USER(field) or $(name).`);
  }

  private alphanumeric(t: TagNode, entry: DictionaryEntry): void {
    if (isCoercibleVr(entry.vr)) return;
    const vr = entry.vr || 'none';
    this.report(t.range, 'error', 'not-alphanumeric',
      `${describeTag(t.text, entry)} has VR ${vr}; only alphanumeric (string) attributes can be coerced.`);
  }

  /** Unknown, private and retired tags. Returns the entry when the standard knows the tag. */
  private tag(t: TagNode): DictionaryEntry | undefined {
    // A half-typed tag already has a syntax error; judging `(0010,` as a tag helps nobody.
    if (t.recovered || t.incomplete) return undefined;
    if (isPrivateGroup(t.group)) {
      this.report(t.range, 'information', 'private-tag',
        `${excerpt(t.text)} is a private attribute: its meaning and VR depend on the private creator and cannot be checked.`);
      return undefined;
    }
    const entry = entryFor(t.group, t.element);
    if (!entry) {
      this.report(t.range, 'warning', 'unknown-tag', `${excerpt(t.text)} is not an attribute of the DICOM standard (edition ${getDictionary().edition}).`);
      return undefined;
    }
    if (entry.retired) {
      this.report(t.range, 'warning', 'retired-tag', `${describeTag(t.text, entry)} is retired from the DICOM standard; current objects should not carry it.`,
        { tags: ['deprecated'] });
    }
    return entry;
  }

  /** Every step must be a sequence; the leaf must not be one. Returns the leaf's entry. */
  private seq(s: SeqNode): DictionaryEntry | undefined {
    if (s.recovered) return undefined;
    for (const step of s.steps) {
      const entry = this.tag(step.tag);
      if (entry && entry.vr !== 'SQ') {
        this.report(step.tag.range, 'error', 'seq-item',
          `${describeTag(step.tag.text, entry)} is not a sequence (VR ${entry.vr}); every step of SEQ(...) but the last must name a sequence attribute.`);
      }
    }
    const leaf = this.tag(s.leaf);
    if (leaf && leaf.vr === 'SQ') {
      this.report(s.leaf.range, 'error', 'seq-item',
        `${describeTag(s.leaf.text, leaf)} is itself a sequence; SEQ(...) must end at an attribute inside an item (add an item number and the attribute).`);
    }
    return leaf;
  }

  private userField(u: UserFieldNode): void {
    this.report(u.range, 'information', 'user-field',
      `USER(${excerpt(u.field)}) is a site-defined field (dcfields.conf on the server); it cannot be checked here.`);
  }

  /** Unknown control variables; ordinary variables are handled by reads/assignments. */
  private controlVariable(v: VariableNode): boolean {
    if (!v.isControl) return true;
    if (CONTROL_NAMES.has(v.name)) return true;
    const known = CONTROL_NAMES_UPPER.get(v.name.toUpperCase())
      ?? CONTROL_VARIABLES.find((c) => editDistance(v.name.toUpperCase(), c.name) <= 2)?.name;
    const hint = known ? ` Did you mean $(${known})?` : ` Known control variables: ${CONTROL_VARIABLES.map((c) => `$(${c.name})`).join(', ')}.`;
    const data: ControlVariableData | undefined = known ? { replacement: `$(${known})` } : undefined;
    this.report(v.range, 'error', 'control-variable', `$(${excerpt(v.name)}) is not a control variable.${hint}`, { data });
    return false;
  }

  private expression(e: Expression): void {
    if (e.recovered) return;
    switch (e.kind) {
      case 'Tag':
        this.tag(e);
        return;
      case 'Seq':
        this.seq(e);
        return;
      case 'User':
        this.userField(e);
        return;
      case 'Variable':
        if (this.controlVariable(e) && !e.isControl) {
          this.out.push({ read: e });
          this.hasReads = true;
        }
        return;
      case 'String':
        if (!e.quoted) this.wordValue(e);
        return;
      case 'Call':
        this.call(e);
        return;
      case 'RetiredSplit':
        this.retiredSplit(e);
        return;
      default:
        return;
    }
  }

  private wordValue(s: UnquotedStringNode): void {
    const entry = entryForKeyword(s.value);
    const tag = entry && concreteTagText(entry);
    if (!entry || !tag) return;
    const data: KeywordForTagData = { keyword: s.value, tag };
    this.report(s.range, 'warning', 'keyword-for-tag',
      `${s.value} here is the literal string '${s.value}'; did you mean ${tag} (${entry.name})?`, { data });
  }

  private call(c: CallNode): void {
    const info = functionFor(c.name);
    if (!info) {
      const suggestions = nearestFunctionNames(c.name, 3, this.dialect);
      const data: UnknownFunctionData = { name: c.name, suggestions };
      const alias = FUNCTIONS.find((f) => f.name === FUNCTION_ALIASES[c.name.toLowerCase()]);
      // In strict, say that an extension would do it rather than propose it.
      const nearestAny = nearestFunctionNames(c.name, 1, 'extended')[0];
      const extension = this.dialect === 'strict' && !suggestions.length
        ? alias ?? FUNCTIONS.find((f) => f.name === nearestAny && f.dialect === 'extension')
        : undefined;
      const hint = alias && suggestions.length
        ? ` ${alias.name}() does that here: ${signatureLabel(alias)}.`
        : suggestions.length
          ? ` Did you mean ${suggestions.map((s) => `${s}()`).join(', ')}?`
          : extension
            ? ` ${extension.name}() does that, but it is a PACS Workbench extension, allowed only in the extended dialect.`
            : '';
      this.report(c.nameRange, 'error', 'unknown-function', `Unknown function ${excerpt(c.name)}().${hint}`, { data });
    } else {
      if (info.dialect === 'extension') {
        if (this.dialect === 'strict') {
          this.report(c.nameRange, 'error', 'extension-function',
            `${info.name}() is a PACS Workbench extension; eRAD PACS may reject it. Allow extensions with the extended dialect, or rewrite the rule with eRAD functions.`,
            { data: { name: info.name } });
        } else {
          this.report(c.nameRange, 'information', 'extension-function',
            `${info.name}() is a PACS Workbench extension, not portable to eRAD PACS.`, { data: { name: info.name } });
        }
      }
      // A call without its `)` already has a syntax error; its argument count means little.
      if (c.closeParenRange) this.arity(c, info.name, info.minArgs, info.maxArgs);
    }
    for (const a of c.args) this.expression(a);
  }

  private arity(c: CallNode, name: string, min: number, max: number): void {
    const n = c.args.length;
    if (n >= min && n <= max) return;
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    const plural = (k: number) => (k === 1 ? 'argument' : 'arguments');
    const info = lookupFunction(name);
    const message = `${name}() takes ${expected} ${plural(max === Infinity ? min : max)}, not ${n}${info ? `: ${signatureLabel(info)}` : ''}.`;
    // Too many: blame the extra arguments. Too few: the call as a whole.
    const range = n > max ? { start: c.args[max].range.start, end: c.args[n - 1].range.end } : c.range;
    this.report(range, 'error', 'arity', message, { data: { name, min, max: max === Infinity ? null : max, actual: n } });
  }

  private retiredSplit(r: RetiredSplitNode): void {
    this.tag(r.source);
    const written = `${r.source.text},${r.delimiter.text},${r.index.text}`;
    // A half-written form (already a syntax error) gets the warning but no rewrite to offer.
    if (r.source.recovered || r.source.incomplete || r.delimiter.recovered || r.index.recovered) {
      this.report(r.range, 'warning', 'retired-split', `The form (gggg,eeee),"d",n is retired; use split(value,"d",n).`, { tags: ['deprecated'] });
      return;
    }
    const data: RetiredSplitData = { replacement: `split(${written})` };
    this.report(r.range, 'warning', 'retired-split', `The form ${excerpt(written)} is retired; write ${excerpt(data.replacement)}.`,
      { tags: ['deprecated'], data });
  }

  private valueForTarget(value: Expression, entry: DictionaryEntry, targetText: string): void {
    const outcomes: Array<{ value: string; node: Expression }> = [];
    constantOutcomes(value, outcomes);
    const enumerated = enumeratedValuesOf(entry.tagText);
    for (const o of outcomes) {
      const problem = checkValueForVr(o.value, entry.vr, entry.vm);
      if (problem) {
        this.report(o.node.range, 'error', 'invalid-value', `Invalid value for ${describeTag(targetText, entry)} (VR ${entry.vr}): ${problem}`);
      } else if (enumerated) {
        // An empty value is "unknown" (allowed for type 2 attributes); every value of a multi-valued one must be listed.
        const outside = o.value.split('\\').filter((v) => v !== '' && !enumerated.values.includes(v));
        if (outside.length === 0) continue;
        const allowed = enumerated.values.join(', ');
        this.report(o.node.range, 'warning', 'not-enumerated',
          `"${outside[0]}" is not one of the values ${describeTag(targetText, entry)} allows: ${allowed} (PS3.3 ${enumerated.module}: ${enumerated.meaning}).`,
          { data: { values: [...enumerated.values] } });
      }
    }
  }

  /** A constant string assigned to $(@PROCESS) is not NULL, so it never stops anything. */
  private stopValue(value: Expression): void {
    const v = constantValue(value);
    if (typeof v !== 'string') return;
    this.report(value.range, 'warning', 'stop-value',
      'Assigning a string to $(@PROCESS) does not stop processing (any non-NULL value means "continue"). Use NULL() to stop, e.g. $(@PROCESS)=if(condition,NULL(),$(@PROCESS)).');
  }
}
