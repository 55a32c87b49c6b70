/**
 * The language server's feature modules called in-process on a parsed file, without spawning
 * dist/server.js (test/lsp keeps the end-to-end check over JSON-RPC): quick to run, and a
 * failure points at the module rather than at the transport.
 */
import * as assert from 'node:assert/strict';
import { CodeActionKind, CompletionItemKind, FoldingRangeKind, InsertTextFormat, SymbolKind, type MarkupContent, type SemanticTokens, type TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { validateRuleFile } from '../../core/src/coercion/validate';
import { validateDeviceText } from '../../core/src/devices/validate';
import { codeActionsCoercion } from '../../server/src/coercion/codeActions';
import { completeCoercion } from '../../server/src/coercion/completion';
import { foldingRangesCoercion } from '../../server/src/coercion/folding';
import { formatCoercion } from '../../server/src/coercion/formatting';
import { hoverCoercion } from '../../server/src/coercion/hover';
import { semanticTokensCoercion } from '../../server/src/coercion/semanticTokens';
import { signatureHelpCoercion } from '../../server/src/coercion/signatureHelp';
import { documentSymbolsCoercion } from '../../server/src/coercion/symbols';
import { toLspDiagnostic } from '../../server/src/convert';
import { codeActionsDevices } from '../../server/src/devices/codeActions';
import { completeDevices } from '../../server/src/devices/completion';
import { DeviceAnalysis } from '../../server/src/devices/documents';
import { foldingRangesDevices } from '../../server/src/devices/folding';
import { formatDevices } from '../../server/src/devices/formatting';
import { semanticTokensDevices } from '../../server/src/devices/semanticTokens';
import { documentSymbolsDevices } from '../../server/src/devices/symbols';
import { TOKEN_MODIFIERS, TOKEN_TYPES } from '../../server/src/semanticLegend';

const at = (line: number, character: number) => ({ line, character });

/** `text` at the cursor `|`: the text without it and the cursor's position. */
function withCursor(textWithCursor: string): { text: string; position: { line: number; character: number } } {
  const before = textWithCursor.slice(0, textWithCursor.indexOf('|')).split('\n');
  return { text: textWithCursor.replace('|', ''), position: at(before.length - 1, before[before.length - 1].length) };
}

/** Coercion completion at the cursor `|`. */
function completeAt(textWithCursor: string, dialect: 'strict' | 'extended' = 'strict') {
  const { text, position } = withCursor(textWithCursor);
  return completeCoercion({ lineText: text.split('\n')[position.line], position, file: parseRuleFile(text), dialect });
}

/** Semantic tokens decoded from LSP's relative encoding: `line:col text type+modifiers`. */
function decodeTokens(tokens: SemanticTokens, text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [dLine, dStart, length, type, mods] = tokens.data.slice(i, i + 5);
    line += dLine;
    character = dLine ? dStart : character + dStart;
    const modifiers = TOKEN_MODIFIERS.filter((_, bit) => mods & (1 << bit));
    out.push(`${line}:${character} ${lines[line].slice(character, character + length)} ${[TOKEN_TYPES[type], ...modifiers].join('+')}`);
  }
  return out;
}

/** Applies whole-document edits the way the client does (they never overlap). */
function applyTo(text: string, edits: TextEdit[]): string {
  const doc = TextDocument.create('file:///x', 'x', 1, text);
  return TextDocument.applyEdits(doc, edits);
}

const device = (text: string) => new DeviceAnalysis('file:///lab.pacs', 1, text);

describe('server feature modules, in-process', () => {
  it('hover: a tag\'s dictionary entry, a function\'s signature by dialect, nothing on a comment', () => {
    const file = parseRuleFile('(0010,0010)=upper((0010,0020))');
    const tag = hoverCoercion(file, at(0, 3), 'strict');
    assert.match((tag?.contents as MarkupContent).value, /Patient's Name/);
    assert.deepEqual(tag?.range, { start: at(0, 0), end: at(0, 11) });
    const fn = hoverCoercion(file, at(0, 14), 'strict');
    assert.match((fn?.contents as MarkupContent).value, /upper/);
    assert.deepEqual(fn?.range, { start: at(0, 12), end: at(0, 17) });
    assert.equal(hoverCoercion(parseRuleFile('# a note'), at(0, 3), 'strict'), null);
  });

  it('signature help: the innermost open call and the argument being typed', () => {
    const file = parseRuleFile('(0010,0010)=concat("A",split((0010,0010),",",');
    const help = signatureHelpCoercion(file, at(0, 45));
    assert.ok(help);
    assert.match(help.signatures[0].label, /^split\(string, delimiter, n\)/);
    assert.equal(help.activeParameter, 2);
    assert.equal(signatureHelpCoercion(parseRuleFile('(0010,0010)="X"'), at(0, 13)), null);
  });

  it('folding: paragraphs of two or more lines, comment-only ones as comments', () => {
    const file = parseRuleFile('# a\n# b\n\n(0010,0010)="X"\n(0010,0020)="Y"\n\n(0008,0050)="Z"');
    assert.deepEqual(foldingRangesCoercion(file), [
      { startLine: 0, endLine: 1, kind: FoldingRangeKind.Comment },
      { startLine: 3, endLine: 4 },
    ]);
  });

  it('completion: function snippets with numbered placeholders, replacing what was typed', () => {
    const list = completeAt('(0010,0020)=conc|');
    const concat = list.items.find((i) => i.label === 'concat');
    assert.ok(concat, 'concat is offered');
    assert.equal(concat.kind, CompletionItemKind.Function);
    assert.equal(concat.insertTextFormat, InsertTextFormat.Snippet);
    assert.deepEqual(concat.textEdit, { range: { start: at(0, 12), end: at(0, 16) }, newText: 'concat(${1:a},${2:b})' });
    // The client filters by what was typed; the server offers every function in the slot.
    assert.ok(list.items.some((i) => i.label === 'if'));
  });

  it('completion: after `$(`, the variables assigned on earlier lines and the control variables', () => {
    assert.deepEqual(completeAt('$(x)=(0010,0010)\n(0010,0020)=$(|\n$(later)="L"').items.map((i) => i.label), ['x', '@PROCESS', '@STUDYLEVELCOMMANDS']);
  });

  it('completion: nothing inside a comment', () => {
    assert.deepEqual(completeAt('# concat|').items, []);
  });

  it('formatting: one edit that tidies the whole file, none when it is tidy', () => {
    const untidy = '(0010,0010) = UPPER( (0010,0010) )\n';
    const edits = formatCoercion(TextDocument.create('file:///a.coerce', 'pacs-coercion', 1, untidy));
    assert.equal(edits.length, 1);
    const tidy = applyTo(untidy, edits);
    assert.equal(tidy, '(0010,0010)=UPPER((0010,0010))\n');
    assert.deepEqual(formatCoercion(TextDocument.create('file:///a.coerce', 'pacs-coercion', 2, tidy)), []);
  });

  it('code actions: the validator\'s suggestion as a preferred quick fix, none when only refactorings are asked for', () => {
    const text = '(0010,0010)=uper((0010,0010))';
    const file = parseRuleFile(text);
    const current = validateRuleFile(file, { dialect: 'extended' });
    const input = { uri: 'file:///a.coerce', file, text, current, range: current[0].range, dialect: 'extended' as const };
    const [fix, ...more] = codeActionsCoercion({ ...input, context: { diagnostics: current.map(toLspDiagnostic) } });
    assert.deepEqual(more, []);
    assert.equal(fix.title, 'Change to upper()');
    assert.equal(fix.kind, CodeActionKind.QuickFix);
    assert.equal(fix.isPreferred, true);
    assert.equal(applyTo(text, fix.edit!.changes!['file:///a.coerce']), '(0010,0010)=upper((0010,0010))');
    assert.deepEqual(codeActionsCoercion({ ...input, context: { diagnostics: current.map(toLspDiagnostic), only: [CodeActionKind.Refactor] } }), []);
  });

  it('symbols: one per rule, named by its target as written, with the keyword or the kind of variable', () => {
    const text = '# header\n$(@PROCESS)=NULL()\n(0010,0010)="A"\n$(x)=(0008,0050)';
    const symbols = documentSymbolsCoercion(parseRuleFile(text), (l) => text.split('\n')[l]);
    assert.deepEqual(symbols.map((s) => [s.name, s.detail, s.kind, s.selectionRange.start.line]), [
      ['$(@PROCESS)', 'control variable', SymbolKind.Constant, 1],
      ['(0010,0010)', 'PatientName', SymbolKind.Field, 2],
      ['$(x)', 'variable', SymbolKind.Variable, 3],
    ]);
  });

  it('semantic tokens: control variables, functions, tags, literals, and the retired split form as deprecated', () => {
    const text = '# c\n$(@PROCESS)=NULL()\n(0010,0010)=(0010,0010),"^",1\n(0008,0050)="A"';
    assert.deepEqual(decodeTokens(semanticTokensCoercion(parseRuleFile(text)), text), [
      '0:0 # c comment',
      '1:0 $(@PROCESS) controlVariable',
      '1:12 NULL function',
      '2:0 (0010,0010) tag',
      '2:12 (0010,0010) tag+deprecated',
      '2:24 "^" string+deprecated',
      '2:28 1 string+deprecated',
      '3:0 (0008,0050) tag',
      '3:12 "A" string',
    ]);
  });

  it('device completion: the fields a device block may still take, on an empty line inside it', () => {
    const { text, position } = withCursor('server main {\n  ae "MAIN"\n}\n\ndevice CT {\n  type dicom\n  host h\n  |\n}\n');
    const labels = completeDevices(device(text), position, 'strict').items.map((i) => i.label);
    for (const field of ['ae', 'port', 'services', 'rules']) assert.ok(labels.includes(field), `${field} is offered: ${labels.join(', ')}`);
    assert.ok(!labels.includes('type'), 'a field already given is not offered again');
  });

  it('device symbols and folding: each block with its fields, folded from its header to its last field', () => {
    const text = 'server main {\n  ae "MAIN"\n}\n\ndevice CT {\n  type dicom\n  host h\n}\n';
    const a = device(text);
    assert.deepEqual(documentSymbolsDevices(a).map((s) => [s.name, s.detail, s.kind, s.children?.map((c) => `${c.name} ${c.detail}`)]), [
      ['server main', 'MAIN', SymbolKind.Module, ['ae "MAIN"']],
      ['device CT', 'dicom', SymbolKind.Object, ['type dicom', 'host h']],
    ]);
    assert.deepEqual(foldingRangesDevices(a), [{ startLine: 0, endLine: 1 }, { startLine: 4, endLine: 6 }]);
  });

  it('device code actions: "Change to `host`" for a misspelt field', () => {
    const text = 'server main {\n  ae "MAIN"\n}\n\ndevice CT {\n  type dicom\n  ae "CT"\n  hots h\n}\n';
    const current = validateDeviceText(text).diagnostics;
    const misspelt = current.find((d) => d.code === 'unknown-field');
    assert.ok(misspelt, JSON.stringify(current));
    const actions = codeActionsDevices({ analysis: device(text), current, context: { diagnostics: current.map(toLspDiagnostic) }, range: misspelt.range, dialect: 'strict' });
    const fix = actions.find((x) => x.title === 'Change to `host`');
    assert.ok(fix, actions.map((x) => x.title).join(', '));
    assert.equal(applyTo(text, fix.edit!.changes!['file:///lab.pacs']), text.replace('hots h', 'host h'));
  });

  it('device formatting: fields indented under their block, nothing to do when they are', () => {
    const options = { tabSize: 2, insertSpaces: true };
    const edits = formatDevices(TextDocument.create('file:///lab.pacs', 'pacs-devices', 1, 'device CT {\ntype dicom\n}\n'), options);
    const tidy = applyTo('device CT {\ntype dicom\n}\n', edits);
    assert.equal(tidy, 'device CT {\n  type dicom\n}\n');
    assert.deepEqual(formatDevices(TextDocument.create('file:///lab.pacs', 'pacs-devices', 2, tidy), options), []);
  });

  it('device semantic tokens: the rules of an inline block tokenised as coercion rules, at their place in the .pacs file', () => {
    const text = 'device CT {\n  rules {\n    (0010,0010)="A"\n  }\n}\n';
    assert.deepEqual(decodeTokens(semanticTokensDevices(device(text)), text), ['2:4 (0010,0010) tag', '2:16 "A" string']);
  });
});
