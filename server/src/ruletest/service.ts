/**
 * The rule-test language (`pacs-coercion-test`, `*.coerce-test`) as a LanguageService:
 * diagnostics (core/src/ruletest, with the files a test names looked up like a .pacs file's
 * references: open editors first, then the disk), completion, hover and formatting.
 * Values are coercion expressions: completion and hover inside them are the coercion
 * language's own, run on the line rewritten as the rule `$(v)=VALUE` with the same columns.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type Hover,
  type Position,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { BlankNode, LineNode, RuleFileNode } from '../../../core/src/coercion/ast';
import { parseRuleLine } from '../../../core/src/coercion/lineParser';
import { buildDeviceTable, parseDeviceFile } from '../../../core/src/devices/index';
import { getDictionary } from '../../../core/src/dictionary/index';
import { formatRuleTest } from '../../../core/src/ruletest/format';
import { VALUE_VARIABLE } from '../../../core/src/ruletest/parser';
import { validateRuleTest } from '../../../core/src/ruletest/validate';
import { capDiagnostics } from '../../../core/src/diagnostics';
import type { AttributeNode } from '../../../core/src/ruletest/ast';
import { containsPosition } from '../../../core/src/text/range';
import { completeCoercion } from '../coercion/completion';
import { tagDocumentation } from '../coercion/describe';
import { hoverCoercion } from '../coercion/hover';
import { lineText } from '../coercion/documents';
import { markdownHover, toLspDiagnostic, toMarkdown } from '../convert';
import { readWorkspaceFile, referenceExists, resolveReference, uriToPath } from '../devices/files';
import type { LanguageService } from '../languages';

export const RULE_TEST_LANGUAGE_ID = 'pacs-coercion-test';

/** What each line form means, for hover on its first word. */
const FORM_DOCS: Record<string, string> = {
  rules: '`rules "FILE.coerce"`: the cases run this rule file.\n\n`rules device ID in "FILE.pacs"`: the cases run the device\'s whole chain, Preceding Global → device → Trailing Global.',
  case: '`case "NAME"`: starts a case. It runs on an empty object, or on the `from` sample, with the `with` attributes set first.',
  from: '`from "SAMPLE"`: the case starts from this Part 10 or DICOM JSON file (relative to this file).',
  with: '`with ATTRIBUTE VALUE` / `with ATTRIBUTE absent`: sets (or removes) the attribute before the rules run.',
  expect: '`expect ATTRIBUTE is VALUE | absent | unchanged`, `expect stopped`, `expect not stopped`, `expect snapshot`: what the rules must give. Values are computed on the object as the case gave it.',
};

const LINE_SNIPPETS: Array<{ label: string; snippet: string; detail: string; topLevel: boolean }> = [
  { label: 'rules "FILE.coerce"', snippet: 'rules "$1"', detail: 'the rule file the cases run', topLevel: true },
  { label: 'rules device ID in "FILE.pacs"', snippet: 'rules device ${1:ID} in "$2"', detail: 'a device chain: Preceding Global → device → Trailing Global', topLevel: true },
  { label: 'case "NAME"', snippet: 'case "${1:what the rules must do}"', detail: 'start a case', topLevel: true },
  { label: 'from "SAMPLE"', snippet: 'from "$1"', detail: 'start from a sample file', topLevel: false },
  { label: 'with ATTRIBUTE VALUE', snippet: 'with ${1:AccessionNumber} ${2:"A123"}', detail: 'set an attribute before the rules run', topLevel: false },
  { label: 'with ATTRIBUTE absent', snippet: 'with ${1:AccessionNumber} absent', detail: 'remove an attribute before the rules run', topLevel: false },
  { label: 'expect ATTRIBUTE is VALUE', snippet: 'expect ${1:AccessionNumber} is ${2:"A123"}', detail: 'the value after the rules', topLevel: false },
  { label: 'expect ATTRIBUTE is absent', snippet: 'expect ${1:AccessionNumber} is absent', detail: 'absent after the rules', topLevel: false },
  { label: 'expect ATTRIBUTE is unchanged', snippet: 'expect ${1:AccessionNumber} is unchanged', detail: 'left as the case gave it', topLevel: false },
  { label: 'expect stopped', snippet: 'expect stopped', detail: '$(@PROCESS) becomes NULL: the object is not stored', topLevel: false },
  { label: 'expect not stopped', snippet: 'expect not stopped', detail: 'the object is stored', topLevel: false },
  { label: 'expect snapshot', snippet: 'expect snapshot', detail: 'the same changes as recorded by pacsw test --update', topLevel: false },
];

const ATTRIBUTE = String.raw`(?:\([0-9A-Fa-f]{4},[0-9A-Fa-f]{4}\)|SEQ\([^)]*\)|[A-Za-z][A-Za-z0-9]*)`;
/** Where a value starts on a `with`/`expect` line (group 1: everything before it). */
const VALUE_START = new RegExp(String.raw`^(\s*(?:with\s+${ATTRIBUTE}|expect\s+${ATTRIBUTE}\s+is)\s+)`);

/** The line as the coercion rule `$(v)=VALUE`, columns kept, or undefined when it has no value. */
function asRuleLine(text: string): { ruleLine: string; start: number } | undefined {
  const m = VALUE_START.exec(text);
  if (!m || m[1].length < 5) return undefined;
  const start = m[1].length;
  return { ruleLine: `$(${VALUE_VARIABLE})${' '.repeat(start - 5)}=${text.slice(start)}`, start };
}

/** A rule file whose only non-blank line is `line`, for the coercion features. */
function oneLineFile(node: LineNode, line: number): RuleFileNode {
  const blank = (l: number): BlankNode => ({ kind: 'Blank', range: { start: { line: l, character: 0 }, end: { line: l, character: 0 } } });
  return { kind: 'RuleFile', lines: Array.from({ length: line + 1 }, (_, l) => (l === line ? node : blank(l))), errors: [] };
}

export function createRuleTestService(documents: TextDocuments<TextDocument>): LanguageService {
  const exists = (uri: string) => (p: string): boolean => {
    const abs = resolveReference(uri, p);
    return abs !== undefined && referenceExists(documents, abs);
  };
  const deviceIds = (uri: string) => (table: string): string[] | undefined => {
    const abs = resolveReference(uri, table);
    const text = abs === undefined ? undefined : readWorkspaceFile(documents, abs);
    return typeof text !== 'string' ? undefined : [...buildDeviceTable(parseDeviceFile(text).ast).devices.map((d) => d.id), 'Self'];
  };
  const analyse = (doc: TextDocument) =>
    uriToPath(doc.uri) ? validateRuleTest(doc.getText(), { fileExists: exists(doc.uri), deviceIds: deviceIds(doc.uri) }) : validateRuleTest(doc.getText());

  return {
    languageId: RULE_TEST_LANGUAGE_ID,
    fileExtensions: ['.coerce-test'],
    completionTriggerCharacters: ['"', '/', ' '],
    validate: (doc) => capDiagnostics(analyse(doc).diagnostics).map(toLspDiagnostic),
    completion: (doc, position, settings) => complete(doc, position, settings.coercion.dialect),
    hover: (doc, position, settings) => hover(doc, position, settings.coercion.dialect),
    format: (doc) => {
      const text = doc.getText();
      const formatted = formatRuleTest(text);
      return formatted === text ? [] : [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
    },
  };
}

// ------------------------------------------------------------------ completion

function complete(doc: TextDocument, position: Position, dialect: 'strict' | 'extended'): CompletionList {
  const text = lineText(doc, position.line).slice(0, position.character);
  const line = position.line;
  const r = (start: number) => ({ start: { line, character: start }, end: position });

  // A path inside quotes: rule files after `rules`, device tables after `in`, samples after `from`.
  const quoted = /^(\s*(?:rules|rules\s+device\s+\S+\s+in|from)\s+)"([^"]*)$/.exec(text);
  if (quoted) {
    const head = quoted[1].trim();
    const wanted = head.startsWith('from') ? ['.dcm', '.json'] : head.endsWith('in') ? ['.pacs'] : ['.coerce'];
    return { isIncomplete: false, items: pathItems(doc.uri, quoted[2], wanted, line, position.character) };
  }
  // The first word: the line forms that fit where the cursor is.
  const first = /^(\s*)([a-z]*)$/.exec(text);
  if (first) {
    const inCase = /^\s*case\s/m.test(doc.getText({ start: { line: 0, character: 0 }, end: { line, character: 0 } }));
    const items = LINE_SNIPPETS.filter((s) => inCase || s.topLevel).map((s, i): CompletionItem => ({
      label: s.label, kind: CompletionItemKind.Keyword, detail: s.detail, sortText: String(i).padStart(2, '0'),
      insertTextFormat: InsertTextFormat.Snippet, textEdit: { range: r(first[1].length), newText: s.snippet },
      filterText: s.label.split(' ')[0],
    }));
    return { isIncomplete: false, items };
  }
  // The attribute after `with` / `expect` (and the other expect forms).
  const attr = /^\s*(with|expect)\s+([A-Za-z0-9]*)$/.exec(text);
  if (attr) {
    const start = position.character - attr[2].length;
    const items = attributeItems(attr[2], start, line, position.character);
    if (attr[1] === 'expect') {
      for (const word of ['stopped', 'not stopped', 'snapshot']) items.unshift({ label: word, kind: CompletionItemKind.Keyword, sortText: '0', textEdit: { range: r(start), newText: word } });
    }
    return { isIncomplete: true, items };
  }
  if (new RegExp(String.raw`^\s*expect\s+${ATTRIBUTE}\s+[a-z]*$`).test(text)) {
    const typed = /[a-z]*$/.exec(text)![0];
    return { isIncomplete: false, items: [{ label: 'is', kind: CompletionItemKind.Keyword, textEdit: { range: r(position.character - typed.length), newText: 'is ' } }] };
  }
  // A value: absent / unchanged, then what the coercion language offers there.
  const value = asRuleLine(lineText(doc, line));
  if (value && position.character >= value.start) {
    const { node } = parseRuleLine(value.ruleLine, line);
    const list = completeCoercion({ lineText: value.ruleLine, position, file: oneLineFile(node, line), dialect });
    const typed = /[A-Za-z]*$/.exec(text)![0];
    if (text.slice(value.start).trim() === typed) {
      const words = text.trimStart().startsWith('with') ? ['absent'] : ['absent', 'unchanged'];
      for (const w of words) list.items.unshift({ label: w, kind: CompletionItemKind.Keyword, sortText: '0', textEdit: { range: r(position.character - typed.length), newText: w } });
    }
    return list;
  }
  return { isIncomplete: false, items: [] };
}

function attributeItems(typed: string, start: number, line: number, end: number): CompletionItem[] {
  const entries = getDictionary().search(typed || 'Patient', 60).filter((e) => e.keyword !== '' && e.repeatingMask === undefined && e.repeatingElementMask === undefined);
  return entries.map((e, i): CompletionItem => ({
    label: e.keyword,
    kind: CompletionItemKind.Field,
    detail: `${e.tagText} ${e.vr}`,
    documentation: toMarkdown(tagDocumentation(e)),
    sortText: `1${String(i).padStart(3, '0')}`,
    filterText: `${e.keyword} ${e.tagText}`,
    textEdit: { range: { start: { line, character: start }, end: { line, character: end } }, newText: e.keyword },
    ...(e.retired ? { tags: [1] } : {}),
  }));
}

/** Files and folders under the test's folder matching what has been typed of the path. */
function pathItems(uri: string, typed: string, extensions: string[], line: number, end: number): CompletionItem[] {
  const base = uriToPath(uri);
  if (!base) return [];
  const slash = typed.lastIndexOf('/');
  const folderPart = slash < 0 ? '' : typed.slice(0, slash + 1);
  const dir = path.resolve(path.dirname(base), folderPart);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const start = end - (typed.length - folderPart.length);
  const items: CompletionItem[] = [];
  for (const e of entries.slice(0, 2000)) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const isDir = e.isDirectory();
    if (!isDir && !extensions.some((x) => e.name.toLowerCase().endsWith(x))) continue;
    items.push({
      label: isDir ? `${e.name}/` : e.name,
      kind: isDir ? CompletionItemKind.Folder : CompletionItemKind.File,
      sortText: `${isDir ? 1 : 0}${e.name}`,
      textEdit: { range: { start: { line, character: start }, end: { line, character: end } }, newText: isDir ? `${e.name}/` : e.name },
      ...(isDir ? { command: { title: 'more', command: 'editor.action.triggerSuggest' } } : {}),
    });
  }
  return items;
}

// ------------------------------------------------------------------ hover

function hover(doc: TextDocument, position: Position, dialect: 'strict' | 'extended'): Hover | null {
  const text = lineText(doc, position.line);
  const { file } = validateRuleTest(doc.getText());
  const line = file.lines[position.line];
  if (!line) return null;

  const wordStart = text.length - text.trimStart().length;
  const firstWord = /^[a-z]+/.exec(text.slice(wordStart))?.[0];
  if (firstWord && FORM_DOCS[firstWord] && position.character >= wordStart && position.character <= wordStart + firstWord.length) {
    return markdownHover(FORM_DOCS[firstWord], { start: { line: position.line, character: wordStart }, end: { line: position.line, character: wordStart + firstWord.length } });
  }
  let attribute: AttributeNode | undefined;
  if (line.kind === 'with') attribute = line.node.attribute;
  if (line.kind === 'expect' && (line.node.kind === 'value' || line.node.kind === 'unchanged')) attribute = line.node.attribute;
  if (attribute?.ref && containsPosition(attribute.range, position)) {
    const ref = attribute.ref;
    const entry = getDictionary().byTag(ref.group, ref.element);
    const inside = ref.sequence.length ? `\n\nInside ${ref.sequence.map((s) => `item ${s.item} of (${s.group.toString(16).toUpperCase().padStart(4, '0')},${s.element.toString(16).toUpperCase().padStart(4, '0')})`).join(' > ')}.` : '';
    return markdownHover(entry ? `${tagDocumentation(entry)}${inside}` : `\`${attribute.text}\`: not in the DICOM data dictionary (a private or unknown tag).${inside}`, attribute.range);
  }
  const value = asRuleLine(text);
  if (value && position.character >= value.start) {
    const { node } = parseRuleLine(value.ruleLine, position.line);
    return hoverCoercion(oneLineFile(node, position.line), position, dialect);
  }
  const paths: Array<{ p: string; range: { start: Position; end: Position } }> = [];
  if (line.kind === 'rules') paths.push(line.node.kind === 'file' ? { p: line.node.path, range: line.node.pathRange } : { p: line.node.table, range: line.node.tableRange });
  if (line.kind === 'from') paths.push({ p: line.node.path, range: line.node.pathRange });
  for (const { p, range } of paths) {
    if (!containsPosition(range, position)) continue;
    const abs = resolveReference(doc.uri, p);
    return markdownHover(abs ? `\`${abs}\`${fs.existsSync(abs) ? '' : ' (does not exist)'}` : 'Paths are relative to the test file; this document is not saved yet.', range);
  }
  return null;
}
