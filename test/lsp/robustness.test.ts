/**
 * The server must survive any input and keep answering: a huge line, control and binary
 * characters, a 10,000-rule file, positions past the end, requests for unknown documents.
 * Every request below must get an answer (not an error), and no handler may have failed.
 */
import * as assert from 'node:assert/strict';
import {
  CompletionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  SemanticTokensRequest,
  SignatureHelpRequest,
  type Position,
} from 'vscode-languageserver-protocol/node';
import { generateRuleFile } from '../../bench/generate-rules';
import { docUri, serverForSuite } from './client';

describe('LSP: robustness', function () {
  this.timeout(60_000);
  const server = serverForSuite();
  let n = 0;

  /** Every position-free and positional request on `uri`; all must answer. */
  async function exercise(uri: string, positions: Position[]): Promise<void> {
    const textDocument = { uri };
    const c = server.client.connection;
    await c.sendRequest(SemanticTokensRequest.type, { textDocument });
    await c.sendRequest(DocumentSymbolRequest.type, { textDocument });
    await c.sendRequest(FoldingRangeRequest.type, { textDocument });
    await c.sendRequest(DocumentFormattingRequest.type, { textDocument, options: { tabSize: 2, insertSpaces: true } });
    for (const position of positions) {
      await c.sendRequest(CompletionRequest.type, { textDocument, position });
      await c.sendRequest(HoverRequest.type, { textDocument, position });
      await c.sendRequest(SignatureHelpRequest.type, { textDocument, position });
    }
  }

  async function stillWorks(): Promise<void> {
    const diagnostics = await server.client.open(docUri(`after-${n++}.coerce`), '(0010,0010)=uper("x")\n');
    assert.deepEqual(diagnostics.map((d) => d.code), ['unknown-function']);
    assert.ok(server.client.alive, 'server process still running');
    assert.deepEqual(server.client.logs.filter((l) => /failed/.test(l)), [], 'no handler failed');
  }

  it('a 1 MB line', async () => {
    const line = `(0010,0010)=concat(${'"abc",'.repeat(170_000)}"x")`;
    const uri = docUri('huge-line.coerce');
    const diagnostics = await server.client.open(uri, `${line}\n(0010,0010)=concat("A",\n`);
    assert.ok(diagnostics.some((d) => d.range.start.line === 1), 'the broken line after it is still reported');
    await exercise(uri, [{ line: 0, character: 5 }, { line: 0, character: 500_000 }, { line: 0, character: line.length }]);
    await stillWorks();
  });

  it('control characters, NUL, lone surrogates and other binary junk', async () => {
    let junk = '';
    for (let i = 0; i < 4096; i++) junk += String.fromCharCode((i * 7919) % 0x10000);
    const text = `${junk}\n(0010,\u0000)=\uD800concat(\n$(\u0001)=((((((((\n"unterminated\n=\n)\n$(\n\uFEFF(0010,0010)="x"\n`;
    const uri = docUri('binary.coerce');
    const diagnostics = await server.client.open(uri, text);
    assert.ok(diagnostics.length > 0, 'junk is reported');
    await exercise(uri, [0, 1, 2, 3, 5, 6, 7].map((line) => ({ line, character: 3 })));
    await stillWorks();
  });

  it('a 10,000-rule file, edited', async () => {
    const text = generateRuleFile(10_000);
    const uri = docUri('ten-thousand.coerce');
    const diagnostics = await server.client.open(uri, text);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 1), [], 'the generated rules are valid');
    const line = text.split('\n').findIndex((l) => l.startsWith('(0008,0080)'));
    // Break one rule in the middle of the file: exactly that rule gets an error.
    const broken = await server.client.change(uri, [{ range: { start: { line, character: 12 }, end: { line, character: 13 } }, text: '' }]);
    assert.deepEqual(broken.filter((d) => d.severity === 1).map((d) => d.range.start.line), [line]);
    await exercise(uri, [{ line, character: 14 }, { line: 5000, character: 3 }]);
    await stillWorks();
  });

  it('a 70 KB malformed .pacs line: diagnostics are published, few and short', async () => {
    // Before the fix: one finding per word, each quoting the 35 KB first word; JSON.stringify
    // of the publication failed (Invalid string length) and nothing was published.
    const line = `${'x'.repeat(35_000)} name ${'a '.repeat(17_500)}`;
    const uri = docUri('long-line.pacs');
    const diagnostics = await server.client.open(uri, `${line}\n`, 'pacs-devices');
    assert.ok(diagnostics.some((d) => d.code === 'unexpected-text'), JSON.stringify(diagnostics.map((d) => d.code)));
    assert.ok(JSON.stringify(diagnostics).length < 10_000, `${JSON.stringify(diagnostics).length} characters of diagnostics`);
    await stillWorks();
  });

  it('a rule file and a rule test of 5,000 bad lines publish at most 200 findings each, the last saying how many more', async () => {
    // Before the cap: a 125 KB file of 19,000 bad lines published 25,700 findings (5.8 MB of JSON).
    for (const [name, text, languageId] of [
      ['many-bad.coerce', Array.from({ length: 5000 }, (_, i) => `(0010,0010)=nosuch${i}(`).join('\n'), 'pacs-coercion'],
      ['many-bad.coerce-test', `rules "r.coerce"\n${Array.from({ length: 5000 }, (_, i) => `nonsense ${i}`).join('\n')}`, 'pacs-coercion-test'],
    ]) {
      const diagnostics = await server.client.open(docUri(name), text, languageId);
      assert.equal(diagnostics.length, 200, name);
      const last = diagnostics[199];
      assert.equal(last.code, 'too-many-problems', name);
      assert.match(last.message, /^\d{4} more problems \(.*errors\) from here on are not shown \(at most 200 per file\)/, name);
    }
    await stillWorks();
  });

  it('formatting 10,000 nested `services {` lines returns an edit the size of the file', async () => {
    const text = `device X {\n${'  services {\n'.repeat(10_000)}}\n`;
    const uri = docUri('nested-services.pacs');
    await server.client.open(uri, text, 'pacs-devices');
    const edits = await server.client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const size = (edits ?? []).reduce((n, e) => n + e.newText.length, 0);
    assert.ok(size < 2 * text.length, `${size} characters of edits for a ${text.length}-character file`);
    await stillWorks();
  });

  it('positions past the end and unknown documents', async () => {
    const uri = docUri('short.coerce');
    await server.client.open(uri, '(0010,0010)="x"');
    await exercise(uri, [{ line: 99, character: 0 }, { line: 0, character: 999 }]);
    const unknown = await server.client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: docUri('never-opened.coerce') }, position: { line: 0, character: 0 } });
    assert.equal(unknown, null);
    await stillWorks();
  });
});
