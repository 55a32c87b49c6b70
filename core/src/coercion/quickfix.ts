/**
 * Quick fixes for coercion-rule diagnostics (docs/diagnostics.md lists which codes have one).
 * Pure text edits computed from the tree, the text and the diagnostic's `data`, so that the
 * language server, the CLI (`--fix`) and tests all apply the same edits.
 */
import type { CoreDiagnostic } from '../diagnostics';
import { comparePositions, type Position, type Range } from '../text/range';
import { lookupFunction } from './functions';
import type { RuleFileNode } from './ast';
import { isCoercionCode, type CoercionCode, type CoercionData } from './diagnosticCodes';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  isPreferred?: boolean;
  edits: TextEdit[];
  /**
   * A snippet to insert at `at` instead of edits (`${1:name}` placeholders the user tabs
   * through). LSP 3.17 code actions carry no snippets, so the server offers these only to a
   * client that has a command to insert one (VS Code: editor.insertSnippet).
   */
  snippet?: { at: Position; text: string };
}

/**
 * `data` as the code's catalogue type, every field optional: a diagnostic may come back from an
 * editor with its data changed or missing, so each fix checks what it needs.
 */
function dataOf<C extends CoercionCode>(diagnostic: CoreDiagnostic, _code: C): Partial<NonNullable<CoercionData<C>>> | undefined {
  return diagnostic.data as Partial<NonNullable<CoercionData<C>>> | undefined;
}

export function quickFixesFor(file: RuleFileNode, text: string, diagnostic: CoreDiagnostic): QuickFix[] {
  const code = diagnostic.code;
  if (!isCoercionCode(code)) return [];
  // One case per code of the catalogue: the compiler fails on a code added without deciding here.
  switch (code) {
    case 'unknown-function': {
      const suggestions = dataOf(diagnostic, code)?.suggestions ?? [];
      return suggestions.map((name, i) => ({
        title: `Change to ${name}()`,
        isPreferred: i === 0 && suggestions.length === 1 ? true : undefined,
        edits: [{ range: diagnostic.range, newText: name }],
      })).map(dropUndefined);
    }
    case 'retired-split': {
      const data = dataOf(diagnostic, code);
      if (!data?.replacement) return [];
      return [{ title: `Replace with ${data.replacement}`, isPreferred: true, edits: [{ range: diagnostic.range, newText: data.replacement }] }];
    }
    case 'keyword-for-tag': {
      const data = dataOf(diagnostic, code);
      if (!data?.tag) return [];
      return [{ title: `Replace ${data.keyword} with ${data.tag}`, isPreferred: true, edits: [{ range: diagnostic.range, newText: data.tag }] }];
    }
    case 'control-variable': {
      const data = dataOf(diagnostic, code);
      if (!data?.replacement) return [];
      return [{ title: `Change to ${data.replacement}`, isPreferred: true, edits: [{ range: diagnostic.range, newText: data.replacement }] }];
    }
    case 'not-enumerated': {
      // Offered for a plain string literal only (the diagnostic's range is the literal, quotes included).
      const values = dataOf(diagnostic, code)?.values ?? [];
      const written = textAt(text, diagnostic.range);
      if (!/^"[^"]*"$/.test(written)) return [];
      return values.filter((v) => typeof v === 'string').map((v) => ({ title: `Change to "${v}"`, edits: [{ range: diagnostic.range, newText: `"${v}"` }] }));
    }
    case 'arity':
      return missingArgumentsFix(text, diagnostic);
    case 'missing-paren':
      return missingParenFix(diagnostic);
    case 'missing-equals': {
      const data = dataOf(diagnostic, code);
      if (!data?.insert || !data.at) return [];
      return [{ title: "Insert '='", isPreferred: true, edits: [{ range: { start: data.at, end: data.at }, newText: data.insert }] }];
    }
    case 'split-rule':
      return splitRuleFix(file, text, diagnostic);
    case 'syntax':
    case 'nesting-too-deep':
    case 'unterminated-string':
    case 'not-alphanumeric':
    case 'unknown-tag':
    case 'private-tag':
    case 'retired-tag':
    case 'invalid-value':
    case 'variable-unassigned':
    case 'unreachable-after-stop':
    case 'extension-function':
    case 'invalid-target':
    case 'seq-item':
    case 'stop-value':
    case 'user-field':
      return []; // no quick fix (the dialect toggle for extension-function is the server's)
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

function dropUndefined(fix: QuickFix): QuickFix {
  if (fix.isPreferred === undefined) delete fix.isPreferred;
  return fix;
}

/**
 * Too few arguments: a snippet with a placeholder per missing parameter, named as in the
 * signature (`split((0010,0010),",")` → `split((0010,0010),",",${1:n})`), inserted before the
 * call's `)`. Too many arguments get no fix (which to drop is the author's call).
 */
function missingArgumentsFix(text: string, diagnostic: CoreDiagnostic): QuickFix[] {
  const data = dataOf(diagnostic, 'arity');
  const info = typeof data?.name === 'string' ? lookupFunction(data.name) : undefined;
  if (!info || typeof data?.actual !== 'number' || data.actual >= info.minArgs) return [];
  const close = { line: diagnostic.range.end.line, character: diagnostic.range.end.character - 1 };
  if (textAt(text, { start: close, end: diagnostic.range.end }) !== ')') return [];
  const names: string[] = [];
  for (let i = data.actual; i < info.minArgs; i++) names.push(info.params[i]?.name ?? info.repeats?.name ?? `arg${i + 1}`);
  const placeholders = names.map((name, i) => `\${${i + 1}:${name}}`).join(',');
  const missing = names.length === 1 ? `argument ${names[0]}` : `arguments ${names.join(', ')}`;
  return [{
    title: `Add the missing ${missing}`,
    isPreferred: true,
    edits: [],
    snippet: { at: close, text: (data.actual > 0 ? ',' : '') + placeholders },
  }];
}

/** Inserts the `)`s the parser found missing; its `data` says how many and where. */
function missingParenFix(diagnostic: CoreDiagnostic): QuickFix[] {
  const data = dataOf(diagnostic, 'missing-paren');
  if (!data?.insert || !data.at) return [];
  const n = data.insert.length;
  return [{
    title: n === 1 ? "Insert missing ')'" : `Insert ${n} missing ')'`,
    isPreferred: true,
    edits: [{ range: { start: data.at, end: data.at }, newText: data.insert }],
  }];
}

/**
 * Joins a rule that wraps over several lines back into one. The parser marks every
 * continuation line (`data.joinTo` = the line above); one fix joins the whole run of them, from
 * the rule's first line to its last continuation, dropping line breaks and indentation.
 */
function splitRuleFix(file: RuleFileNode, text: string, diagnostic: CoreDiagnostic): QuickFix[] {
  const data = dataOf(diagnostic, 'split-rule');
  if (data?.joinTo === undefined) return [];
  const continuation = new Set(file.errors.filter((e) => e.code === 'split-rule').map((e) => e.range.start.line));
  let first = data.joinTo;
  while (continuation.has(first) && first > 0) first--;
  let last = diagnostic.range.start.line;
  while (continuation.has(last + 1)) last++;
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (last >= lines.length || first < 0) return [];
  const edits: TextEdit[] = [];
  for (let l = first; l < last; l++) {
    const next = lines[l + 1];
    edits.push({
      range: { start: { line: l, character: lines[l].trimEnd().length }, end: { line: l + 1, character: next.length - next.trimStart().length } },
      newText: '',
    });
  }
  return [{ title: 'Join the rule onto one line', isPreferred: true, edits }];
}

/** Applies non-overlapping edits to a text (tests and the CLI's --fix use it). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }): number =>
    Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => comparePositions(b.range.start, a.range.start));
  let result = text;
  for (const e of sorted) result = result.slice(0, offset(e.range.start)) + e.newText + result.slice(offset(e.range.end));
  return result;
}

/** The text of a range on one line ('' for a range over several lines or outside the text). */
function textAt(text: string, range: Range): string {
  if (range.start.line !== range.end.line) return '';
  const line = text.split('\n')[range.start.line] ?? '';
  return line.slice(range.start.character, range.end.character);
}
