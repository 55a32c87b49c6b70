/**
 * Completion for coercion rules: DICOM tags (by keyword, by words of the name, by number),
 * functions with argument snippets, variables assigned earlier, control variables, SEQ/USER.
 * The context comes from the line's text (completionContext.ts), which half-typed input does not
 * disturb; the tree only supplies which variables exist and which tags the file already uses.
 */
import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver/node';
import type { RuleFileNode } from '../../../core/src/coercion/ast';
import { CONTROL_VARIABLES, FUNCTIONS, signatureLabel, type FunctionInfo } from '../../../core/src/coercion/functions';
import { getDictionary, type DictionaryEntry } from '../../../core/src/dictionary/index';
import type { CoercionDialect } from '../languages';
import { completionContext, type Side } from './completionContext';
import { variableOccurrences, walkNode } from './syntax';
import { tagDocumentation } from './describe';
import { toMarkdown } from '../convert';

export const COMPLETION_TRIGGER_CHARACTERS = ['(', ',', '=', '$'];

/** Tag items per answer; the list is marked incomplete so the client asks again as the user types. */
export const TAG_ITEM_LIMIT = 60;

export interface CompletionInput {
  lineText: string;
  position: Position;
  /** The tree of the whole file, for the variables assigned so far. */
  file: RuleFileNode;
  dialect: CoercionDialect;
}

/** Sort groups: what is most likely wanted first, then VS Code's fuzzy score decides. */
const SORT = { variable: '1', control: '2', function: '3', extension: '4', keyword: '5', tag: '6' };

export function completeCoercion(input: CompletionInput): CompletionList {
  const { lineText, position } = input;
  const ctx = completionContext(lineText, position.character);
  const line = position.line;
  const range = (start: number, end: number): Range => ({ start: { line, character: start }, end: { line, character: end } });

  switch (ctx.kind) {
    case 'none':
      return { isIncomplete: false, items: [] };
    case 'variable': {
      const { choices, capped } = variableNames(input.file, line, ctx.side, ctx.typed);
      const items = choices.map((v) => variableItem(v, range(ctx.replaceStart, ctx.replaceEnd), ctx.closed, false));
      return { isIncomplete: capped, items };
    }
    case 'tag': {
      const query = ctx.typed.replace(/^\(\s*/, '');
      const items = tagItems(query, ctx.typed, range(ctx.replaceStart, ctx.replaceEnd), input.file);
      return { isIncomplete: true, items };
    }
    case 'slot': {
      const r = range(ctx.replaceStart, ctx.replaceEnd);
      const followedByParen = lineText[ctx.replaceEnd] === '(';
      const items: CompletionItem[] = [];
      const variables = variableNames(input.file, line, ctx.side, ctx.typed.replace(/^\$\(?/, ''));
      for (const v of variables.choices) items.push(variableItem(v, r, false, true));
      if (ctx.typed.startsWith('$')) return { isIncomplete: variables.capped, items };
      if (ctx.side === 'value') for (const f of FUNCTIONS) items.push(functionItem(f, r, followedByParen, input.dialect));
      items.push(...keywordItems(r, followedByParen));
      items.push(...tagItems(ctx.typed, ctx.typed, r, input.file));
      return { isIncomplete: true, items };
    }
  }
}

// ------------------------------------------------------------------ tags

function tagItems(query: string, typed: string, range: Range, file: RuleFileNode): CompletionItem[] {
  const byNumber = /^\(/.test(typed) && /^[0-9A-Fa-f,\s]*$/.test(query);
  const entries = query.trim() ? getDictionary().search(query, TAG_ITEM_LIMIT) : likelyTags(file);
  // Several words (`study desc`, `desc study`) match in any order here; the editor's own
  // filter would want them in the order of the filter text, so it gets exactly what was typed.
  const matchedHere = /\S\s+\S/.test(query.trim()) ? typed : undefined;
  return entries.map((entry, rank) => tagItem(entry, rank, range, byNumber, matchedHere));
}

/** Attributes PACS engineers coerce most, offered before anything is typed. */
const COMMON_KEYWORDS = [
  'PatientName', 'PatientID', 'AccessionNumber', 'StudyDescription', 'SeriesDescription', 'InstitutionName',
  'ReferringPhysicianName', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'StudyID', 'Modality',
  'IssuerOfPatientID', 'OtherPatientIDs', 'InstitutionalDepartmentName', 'StationName', 'PerformingPhysicianName',
  'RequestedProcedureID', 'BodyPartExamined', 'ProtocolName', 'StudyInstanceUID',
];

const likelyCache = new WeakMap<RuleFileNode, DictionaryEntry[]>();

/**
 * Before anything is typed, dictionary order would start with command and file-meta elements
 * nobody coerces: offer the tags this file already uses (most used first), then common ones,
 * then the dictionary from group 0008 on.
 */
function likelyTags(file: RuleFileNode): DictionaryEntry[] {
  const cached = likelyCache.get(file);
  if (cached) return cached;
  const dictionary = getDictionary();
  const uses = new Map<DictionaryEntry, number>();
  for (const line of file.lines) {
    if (line.kind !== 'Rule') continue;
    walkNode(line, (n) => {
      if (n.kind !== 'Tag' || n.incomplete || n.group < 0 || n.element < 0) return;
      const entry = dictionary.byTag(n.group, n.element);
      if (entry) uses.set(entry, (uses.get(entry) ?? 0) + 1);
    });
  }
  const out = new Set([...uses.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([e]) => e));
  for (const keyword of COMMON_KEYWORDS) {
    const entry = dictionary.byKeyword(keyword);
    if (entry) out.add(entry);
  }
  for (const entry of dictionary.search('', TAG_ITEM_LIMIT * 4)) {
    if (out.size >= TAG_ITEM_LIMIT) break;
    if (entry.tag >= 0x00080000) out.add(entry);
  }
  const result = [...out].slice(0, TAG_ITEM_LIMIT);
  likelyCache.set(file, result);
  return result;
}

function tagItem(entry: DictionaryEntry, rank: number, range: Range, byNumber: boolean, matchedHere?: string): CompletionItem {
  const digits = entry.tagText.replace(/[(),]/g, '');
  const nameWords = entry.name.replace(/[^A-Za-z0-9 ]/g, '');
  // VS Code filters on the text between the edit's start and the cursor; give it every way of
  // naming the tag, led by the one the user is typing (a leading `(` for numbers).
  const filterText = matchedHere ?? (byNumber
    ? `${entry.tagText} ${digits} ${entry.keyword} ${nameWords}`
    : `${entry.keyword} ${nameWords} ${entry.tagText} ${digits}`);
  const repeating = entry.tagText.includes('x');
  const item: CompletionItem = {
    label: entry.keyword || entry.tagText,
    labelDetails: { detail: ` ${entry.tagText}`, description: entry.name },
    kind: CompletionItemKind.Field,
    detail: `${entry.tagText} ${entry.vr} ${entry.vm}`,
    documentation: toMarkdown(tagDocumentation(entry)),
    filterText,
    sortText: `${SORT.tag}${String(rank).padStart(4, '0')}`,
    // Repeating groups (60xx,3000): the varying digits become a placeholder to fill in.
    textEdit: {
      range,
      newText: repeating ? entry.tagText.replace(/x+/, (xs) => `\${1:${'0'.repeat(xs.length)}}`) : entry.tagText,
    },
    insertTextFormat: repeating ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  if (entry.retired) item.tags = [CompletionItemTag.Deprecated];
  return item;
}

// ------------------------------------------------------------------ functions and keywords

/** `concat(${1:a},${2:b})`: the required parameters as tab stops, without spaces like eRAD's
 *  documented rules (the formatter would remove them). */
export function functionSnippet(f: FunctionInfo): string {
  const name = f.name === 'null' ? 'NULL' : f.name;
  const params = f.params.slice(0, Math.max(f.minArgs, 0)).map((p, i) => `\${${i + 1}:${p.name}}`);
  return `${name}(${params.join(',')})`;
}

function functionItem(f: FunctionInfo, range: Range, followedByParen: boolean, dialect: CoercionDialect): CompletionItem {
  const extension = f.dialect === 'extension';
  const label = f.name === 'null' ? 'NULL' : f.name;
  const note = extension
    ? dialect === 'strict'
      ? '\n\n**PACS Workbench extension**: eRAD PACS may reject it; an error in the strict dialect.'
      : '\n\n**PACS Workbench extension**: not portable to eRAD PACS.'
    : '';
  return {
    label,
    labelDetails: extension ? { description: dialect === 'strict' ? 'extension (not in strict eRAD)' : 'extension' } : undefined,
    kind: CompletionItemKind.Function,
    detail: signatureLabel(f),
    documentation: toMarkdown(`${f.summary}\n\n*NULL:* ${f.nullBehaviour}${note}`),
    sortText: `${extension ? SORT.extension : SORT.function}${label}`,
    filterText: label,
    textEdit: { range, newText: followedByParen ? label : functionSnippet(f) },
    insertTextFormat: followedByParen ? InsertTextFormat.PlainText : InsertTextFormat.Snippet,
  };
}

function keywordItems(range: Range, followedByParen: boolean): CompletionItem[] {
  const item = (label: string, snippet: string, doc: string): CompletionItem => ({
    label,
    kind: CompletionItemKind.Keyword,
    detail: snippet.replace(/\$\{\d+:([^}]*)\}/g, '$1'),
    documentation: toMarkdown(doc),
    sortText: `${SORT.keyword}${label}`,
    textEdit: { range, newText: followedByParen ? label : snippet },
    insertTextFormat: followedByParen ? InsertTextFormat.PlainText : InsertTextFormat.Snippet,
  });
  return [
    item('SEQ', 'SEQ(${1:gggg},${2:eeee},${3:0},${4:gggg},${5:eeee})',
      'Attribute (g2,e2) inside item `item1` (0-based) of sequence (g1,e1). NULL when the sequence is absent; as a target, the rule is skipped then.'),
    item('USER', 'USER(${1:field})', "A site-defined database field (the server's `dcfields.conf`)."),
  ];
}

// ------------------------------------------------------------------ variables

interface VariableChoice {
  name: string;
  /** 0-based line of the first assignment; undefined for control variables. */
  line?: number;
  control: boolean;
  doc?: string;
}

/** Variable items per answer; nearest assignments above the cursor come first. */
export const VARIABLE_ITEM_LIMIT = 100;

/**
 * Values can read variables assigned above the cursor's line; targets can be any variable of
 * the file (re-assigning is common). Control variables fit both. Filtered here by what is typed
 * (a file can hold thousands of variables; the client asks again as the user types).
 */
function variableNames(file: RuleFileNode, cursorLine: number, side: Side, typed: string): { choices: VariableChoice[]; capped: boolean } {
  const found: VariableChoice[] = [];
  for (const [name, occurrences] of variableOccurrences(file)) {
    if (name.startsWith('@') || !looselyMatches(name, typed)) continue;
    const assignments = occurrences.filter((o) => o.isAssignment && (side === 'lvalue' || o.node.range.start.line < cursorLine));
    if (assignments.length === 0) continue;
    const nearest = assignments.filter((o) => o.node.range.start.line < cursorLine).pop() ?? assignments[0];
    found.push({ name, line: nearest.node.range.start.line, control: false });
  }
  const distance = (v: VariableChoice) => Math.abs(cursorLine - (v.line ?? 0));
  found.sort((a, b) => distance(a) - distance(b));
  const capped = found.length > VARIABLE_ITEM_LIMIT;
  const choices = found.slice(0, VARIABLE_ITEM_LIMIT);
  for (const c of CONTROL_VARIABLES) if (looselyMatches(c.name, typed)) choices.push({ name: c.name, control: true, doc: c.doc });
  return { choices, capped };
}

/** The typed characters occur in `name` in order, ignoring case (like the client's fuzzy filter). */
function looselyMatches(name: string, typed: string): boolean {
  const n = name.toLowerCase();
  let at = 0;
  for (const c of typed.toLowerCase()) {
    at = n.indexOf(c, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

function variableItem(v: VariableChoice, range: Range, closed: boolean, withDollar: boolean): CompletionItem {
  const text = withDollar ? `$(${v.name})` : closed ? v.name : `${v.name})`;
  return {
    label: withDollar ? `$(${v.name})` : v.name,
    kind: v.control ? CompletionItemKind.Constant : CompletionItemKind.Variable,
    detail: v.control ? 'control variable' : `variable, assigned on line ${(v.line ?? 0) + 1}`,
    documentation: v.doc ? toMarkdown(v.doc) : undefined,
    sortText: `${v.control ? SORT.control : SORT.variable}${v.name}`,
    filterText: withDollar ? `$(${v.name})` : v.name,
    textEdit: { range, newText: text },
  };
}
