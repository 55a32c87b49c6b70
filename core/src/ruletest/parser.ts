/**
 * Parser of rule-test files. Line by line, like the other two languages: a line is a comment,
 * blank, or starts with one of `rules`, `case`, `from`, `with`, `expect`. Values are coercion
 * expressions, parsed by the coercion parser so that they mean exactly what they mean in a rule.
 */
import type { AttributeRef } from '../coercion/datasetAccess';
import type { Expression } from '../coercion/ast';
import { splitLines } from '../coercion/fileParser';
import { parseRuleLine } from '../coercion/lineParser';
import { validateRuleFile } from '../coercion/validate';
import { editDistanceAtMost } from '../text/editDistance';
import { excerpt, excerptMiddle } from '../text/excerpt';
import { getDictionary } from '../dictionary';
import { MAX_DIAGNOSTICS_PER_FILE, type CoreDiagnostic } from '../diagnostics';
import { range, type Range } from '../text/range';
import type { AttributeNode, Expectation, RuleTestFile, TestCase, TestLine, ValueNode } from './ast';
import { ruleTestDiagnostic } from './diagnostics';

export interface RuleTestParse {
  file: RuleTestFile;
  /** Syntax and attribute findings; file-system checks are validate.ts's. */
  diagnostics: CoreDiagnostic[];
}

/** The forms a line can take, quoted in the message of a line that is none of them. */
export const LINE_FORMS = [
  'rules "FILE.coerce"',
  'rules device ID in "FILE.pacs"',
  'case "NAME"',
  'from "SAMPLE"',
  'with ATTRIBUTE VALUE | absent',
  'expect ATTRIBUTE is VALUE | absent | unchanged',
  'expect stopped | not stopped | snapshot',
] as const;

export const LINE_KEYWORDS = ['rules', 'case', 'from', 'with', 'expect'] as const;

class LineError extends Error {
  constructor(readonly range: Range, message: string, readonly code: 'test-syntax' | 'test-unknown-attribute' | 'test-outside-case' = 'test-syntax') {
    super(message);
  }
}

/** A cursor over one line. */
class LineScanner {
  pos = 0;
  constructor(readonly text: string, readonly line: number) {}

  skipSpace(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }

  get atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  peekWord(): string | undefined {
    this.skipSpace();
    return /^[A-Za-z][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos))?.[0];
  }

  word(): { text: string; range: Range } | undefined {
    const w = this.peekWord();
    if (w === undefined) return undefined;
    const start = this.pos;
    this.pos += w.length;
    return { text: w, range: range(this.line, start, this.pos) };
  }

  expectWord(word: string, what: string): void {
    const w = this.word();
    if (w?.text !== word) throw new LineError(range(this.line, this.pos, this.text.length), `expected \`${word}\` ${what}`);
  }

  /** A double-quoted path or name; `\"` stands for a quote. */
  quoted(what: string): { text: string; range: Range } {
    this.skipSpace();
    const start = this.pos;
    if (this.text[start] !== '"') throw new LineError(range(this.line, start, this.text.length), `expected ${what} in double quotes`);
    let value = '';
    let i = start + 1;
    for (; i < this.text.length && this.text[i] !== '"'; i++) {
      if (this.text[i] === '\\' && this.text[i + 1] === '"') i++;
      value += this.text[i];
    }
    if (i >= this.text.length) throw new LineError(range(this.line, start, this.text.length), `${what} has no closing quote`);
    this.pos = i + 1;
    return { text: value, range: range(this.line, start, this.pos) };
  }

  end(what: string): void {
    if (!this.atEnd) throw new LineError(range(this.line, this.pos, this.text.length), `unexpected text after ${what}`);
  }
}

const hex = /^[0-9A-Fa-f]{4}$/;

let keywords: Array<{ keyword: string; lower: string }> | undefined;

/** The dictionary keywords nearest to a typo (up to three, all at the smallest edit distance found). */
/** "Did you mean" for at most as many unknown keywords per file as a file shows findings: past
 *  that they are not shown, and each costs a search of the dictionary. Reset by parseRuleTest. */
let suggestionsLeft = 0;

/** Suggestions of the words met last (a mistyped keyword is often repeated line after line). */
const nearCache = new Map<string, string[]>();
const NEAR_CACHE_SIZE = 500;

function nearestKeywords(word: string): string[] {
  let near = nearCache.get(word);
  if (!near) {
    if (nearCache.size >= NEAR_CACHE_SIZE) nearCache.clear();
    nearCache.set(word, (near = computeNearestKeywords(word)));
  }
  return near;
}

function computeNearestKeywords(word: string): string[] {
  keywords ??= getDictionary().entries.filter((e) => e.keyword !== '' && !e.retired).map((e) => ({ keyword: e.keyword, lower: e.keyword.toLowerCase() }));
  const limit = Math.max(2, Math.floor(word.length / 4));
  const lower = word.toLowerCase();
  const near: Array<{ k: string; d: number }> = [];
  // The banded distance: a rule test repeating a mistyped keyword on 367 lines took 5.5 s to
  // validate (and as long to format) with the full one (found by npm run fuzz, core-text).
  for (const { keyword, lower: k } of keywords) {
    if (Math.abs(k.length - lower.length) > limit) continue;
    const d = k === lower ? 0 : editDistanceAtMost(k, lower, limit);
    if (d <= limit) near.push({ k: keyword, d });
  }
  return near
    .sort((a, b) => a.d - b.d || (a.k < b.k ? -1 : 1))
    .filter((x, _, all) => x.d === all[0].d)
    .slice(0, 3)
    .map((x) => x.k);
}

function attribute(s: LineScanner): AttributeNode {
  s.skipSpace();
  const start = s.pos;
  const rest = s.text.slice(start);
  const tag = /^\(\s*([0-9A-Fa-f]{4})\s*,\s*([0-9A-Fa-f]{4})\s*\)/.exec(rest);
  if (tag) {
    s.pos += tag[0].length;
    return { text: tag[0], range: range(s.line, start, s.pos), ref: { sequence: [], group: parseInt(tag[1], 16), element: parseInt(tag[2], 16) } };
  }
  const seq = /^SEQ\(([^)]*)\)/i.exec(rest);
  if (seq) {
    s.pos += seq[0].length;
    const r = range(s.line, start, s.pos);
    const parts = seq[1].split(',').map((p) => p.trim());
    const ok = parts.length >= 5 && parts.length % 3 === 2
      && parts.every((p, i) => (i % 3 === 2 && i < parts.length - 2 ? /^\d+$/.test(p) : hex.test(p)));
    if (!ok) throw new LineError(r, 'a SEQ path is SEQ(gggg,eeee,ITEM,...,gggg,eeee): sequence tag and 0-based item for each level, then the attribute');
    const ref: AttributeRef = { sequence: [], group: parseInt(parts[parts.length - 2], 16), element: parseInt(parts[parts.length - 1], 16) };
    for (let i = 0; i + 2 < parts.length; i += 3) ref.sequence.push({ group: parseInt(parts[i], 16), element: parseInt(parts[i + 1], 16), item: Number(parts[i + 2]) });
    return { text: seq[0], range: r, ref };
  }
  const keyword = /^[A-Za-z][A-Za-z0-9]*/.exec(rest)?.[0];
  if (keyword === undefined) throw new LineError(range(s.line, start, s.text.length), 'expected an attribute: (gggg,eeee), SEQ(...) or a keyword such as AccessionNumber');
  s.pos += keyword.length;
  const r = range(s.line, start, s.pos);
  const entry = getDictionary().byKeyword(keyword);
  if (!entry || entry.repeatingMask !== undefined || entry.repeatingElementMask !== undefined) {
    const near = suggestionsLeft-- > 0 ? nearestKeywords(keyword) : [];
    throw new LineError(r, `unknown attribute keyword \`${excerpt(keyword)}\`${near.length ? `; did you mean ${near.map((k) => `\`${k}\``).join(', ')}?` : ''} (or write the tag, e.g. (0010,0010))`, 'test-unknown-attribute');
  }
  return { text: keyword, range: r, ref: { sequence: [], group: entry.tag >>> 16, element: entry.tag & 0xffff } };
}

/** The variable a value is computed into (see expression()). */
export const VALUE_VARIABLE = 'v';

/**
 * The rest of the line as a coercion expression. It is parsed as the rule `$(v)=EXPR`
 * laid out so that the expression keeps its columns: findings point into the test line.
 */
function expression(s: LineScanner, diagnostics: CoreDiagnostic[]): ValueNode {
  s.skipSpace();
  const start = s.pos;
  const text = s.text.slice(start).trimEnd();
  const r = range(s.line, start, start + text.length);
  if (text === '') throw new LineError(range(s.line, start, start), 'expected a value: a string such as "A123", "" (empty), absent, or an expression');
  // Every form that takes a value has at least 5 characters before it ("with X ").
  const { node, errors } = parseRuleLine(`$(${VALUE_VARIABLE})${' '.repeat(start - 5)}=${text}`, s.line);
  s.pos = s.text.length;
  if (node.kind !== 'Rule') throw new LineError(r, 'expected a value: a string such as "A123", "" (empty), absent, or an expression');
  const found = validateRuleFile({ kind: 'RuleFile', lines: [node], errors }, { dialect: 'extended' })
    .filter((d) => d.range.start.character >= start);
  diagnostics.push(...found);
  return { kind: 'expression', text, expression: node.value as Expression, range: r };
}

function value(s: LineScanner, diagnostics: CoreDiagnostic[], allowed: string[]): ValueNode | { kind: 'unchanged'; range: Range } {
  const w = s.peekWord();
  if (w !== undefined && allowed.includes(w)) {
    const word = s.word()!;
    s.end(`\`${w}\``);
    return w === 'absent' ? { kind: 'absent', range: word.range } : { kind: 'unchanged', range: word.range };
  }
  return expression(s, diagnostics);
}

function expectation(s: LineScanner, lineRange: Range, diagnostics: CoreDiagnostic[]): Expectation {
  const w = s.peekWord();
  if (w === 'stopped' || w === 'snapshot') {
    s.word();
    s.end(`\`expect ${w}\``);
    return w === 'stopped' ? { kind: 'stopped', stopped: true, range: lineRange } : { kind: 'snapshot', range: lineRange };
  }
  if (w === 'not') {
    s.word();
    s.expectWord('stopped', 'after `expect not`');
    s.end('`expect not stopped`');
    return { kind: 'stopped', stopped: false, range: lineRange };
  }
  const attr = attribute(s);
  s.expectWord('is', 'after the attribute: expect ATTRIBUTE is VALUE | absent | unchanged');
  const v = value(s, diagnostics, ['absent', 'unchanged']);
  if (v.kind === 'unchanged') return { kind: 'unchanged', attribute: attr, range: lineRange };
  return { kind: 'value', attribute: attr, value: v, range: lineRange };
}

/** Parses a rule-test file. Never throws: a bad line becomes `invalid` with a finding. */
export function parseRuleTest(text: string): RuleTestParse {
  suggestionsLeft = MAX_DIAGNOSTICS_PER_FILE;
  const diagnostics: CoreDiagnostic[] = [];
  const file: RuleTestFile = { cases: [], lines: [] };
  const physical = splitLines(text.replace(/^\uFEFF/, ''));
  let current: TestCase | undefined;
  /** Cases with a line in error: their missing expectations are not worth a second finding. */
  const broken = new Set<TestCase>();
  physical.forEach((lineText, line) => {
    const trimmed = lineText.trim();
    if (trimmed === '') return void file.lines.push({ kind: 'blank' });
    if (trimmed.startsWith('#')) return void file.lines.push({ kind: 'comment', text: trimmed });
    const s = new LineScanner(lineText, line);
    const lineRange = range(line, lineText.length - lineText.trimStart().length, lineText.trimEnd().length);
    try {
      const keyword = s.word();
      switch (keyword?.text) {
        case 'rules': {
          let node;
          if (s.peekWord() === 'device') {
            s.word();
            const device = s.word();
            if (!device) throw new LineError(range(line, s.pos, lineText.length), 'expected the device ID: rules device ID in "FILE.pacs"');
            s.expectWord('in', 'after the device ID: rules device ID in "FILE.pacs"');
            const table = s.quoted('the device table');
            s.end('the device table');
            node = { kind: 'device' as const, device: device.text, deviceRange: device.range, table: table.text, tableRange: table.range, range: lineRange };
          } else {
            const p = s.quoted('the rule file');
            s.end('the rule file');
            node = { kind: 'file' as const, path: p.text, pathRange: p.range, range: lineRange };
          }
          if (file.rules) diagnostics.push(ruleTestDiagnostic('test-rules-twice', lineRange, `the rules are already given on line ${file.rules.range.start.line + 1}; a test file tests one rule file or device (write another file for the other)`));
          else if (current) diagnostics.push(ruleTestDiagnostic('test-syntax', lineRange, '`rules` comes before the first case: it applies to every case of the file'));
          else file.rules = node;
          file.lines.push({ kind: 'rules', node });
          return;
        }
        case 'case': {
          const name = s.quoted('the case name');
          s.end('the case name');
          current = { name: name.text, nameRange: name.range, range: lineRange, lastLine: line, given: [], expects: [] };
          const twin = file.cases.find((c) => c.name === name.text);
          if (twin) diagnostics.push(ruleTestDiagnostic('test-duplicate-case', name.range, `a case named "${excerpt(name.text)}" is already on line ${twin.range.start.line + 1}; names must differ (snapshots are kept by name)`));
          file.cases.push(current);
          file.lines.push({ kind: 'case', node: current });
          return;
        }
        case 'from':
        case 'with':
        case 'expect': {
          if (!current) throw new LineError(lineRange, `\`${excerpt(keyword.text)}\` belongs to a case: start one first with case "NAME"`, 'test-outside-case');
          current.lastLine = line;
          if (keyword.text === 'from') {
            const p = s.quoted('the sample file');
            s.end('the sample file');
            const node = { path: p.text, pathRange: p.range, range: lineRange };
            if (current.sample) diagnostics.push(ruleTestDiagnostic('test-sample-twice', lineRange, `the case already starts from "${excerptMiddle(current.sample.path)}" (line ${current.sample.range.start.line + 1}); a case has one sample — give further attributes with \`with\``));
            else current.sample = node;
            file.lines.push({ kind: 'from', node });
          } else if (keyword.text === 'with') {
            const attr = attribute(s);
            const v = value(s, diagnostics, ['absent']) as ValueNode;
            const node = { attribute: attr, value: v, range: lineRange };
            current.given.push(node);
            file.lines.push({ kind: 'with', node });
          } else {
            const node = expectation(s, lineRange, diagnostics);
            current.expects.push(node);
            file.lines.push({ kind: 'expect', node });
          }
          return;
        }
        default:
          throw new LineError(lineRange, `a line of a rule test starts with ${LINE_KEYWORDS.map((k) => `\`${k}\``).join(', ')} or # (a comment); the forms are: ${LINE_FORMS.join('; ')}`);
      }
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      if (current) {
        current.lastLine = line;
        broken.add(current);
      }
      diagnostics.push(ruleTestDiagnostic(error.code, error.range, error.message));
      file.lines.push({ kind: 'invalid', text: lineText });
    }
  });
  if (!file.rules) diagnostics.push(ruleTestDiagnostic('test-no-rules', range(0, 0, physical[0]?.length ?? 0), 'the file does not say which rules it tests: start it with rules "FILE.coerce" or rules device ID in "FILE.pacs"'));
  for (const c of file.cases) {
    if (c.expects.length === 0 && !broken.has(c)) diagnostics.push(ruleTestDiagnostic('test-no-expectation', c.nameRange, `case "${excerpt(c.name)}" expects nothing, so it cannot fail; add an expect line (e.g. expect snapshot)`));
  }
  return { file, diagnostics };
}
