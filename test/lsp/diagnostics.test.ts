/**
 * The server over real JSON-RPC: lifecycle, diagnostics on open and change, the dialect
 * setting (pulled with workspace/configuration or pushed by clients without it).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { docUri, LspClient, repoRoot, serverForSuite } from './client';

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === DiagnosticSeverity.Error);
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

describe('LSP: lifecycle and diagnostics', function () {
  this.timeout(20_000);
  const server = serverForSuite();

  it('announces every feature of the language service in its capabilities', () => {
    const caps = server.client.initializeResult.capabilities;
    assert.equal(caps.textDocumentSync, 2, 'incremental sync');
    assert.ok(caps.completionProvider?.triggerCharacters?.includes('('));
    assert.ok(caps.signatureHelpProvider?.triggerCharacters?.includes(','));
    assert.deepEqual(caps.semanticTokensProvider?.legend, {
      tokenTypes: ['tag', 'function', 'variable', 'controlVariable', 'string', 'keyword', 'comment'],
      tokenModifiers: ['deprecated'],
    });
    for (const key of ['hoverProvider', 'documentSymbolProvider', 'foldingRangeProvider', 'documentFormattingProvider',
      'definitionProvider', 'referencesProvider'] as const) {
      assert.equal(caps[key], true, key);
    }
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
  });

  it('links every diagnostic code to its section of the docs, and says how to allow extensions', async () => {
    const diagnostics = await server.client.open(docUri('linked.coerce'), '(0010,0010)=upper((0010,0010))\n(0010,0020)=split((0010,0020),",")\n');
    assert.ok(diagnostics.length >= 2);
    for (const d of diagnostics) {
      // The installed docs (next to dist/server.js), opened at the line of the code's heading.
      const href = d.codeDescription?.href ?? '';
      const match = /^(file:\/\/.+\/docs\/diagnostics\.md)#L(\d+)$/.exec(href);
      assert.ok(match, `${d.code}: ${href || 'no link'}`);
      const file = fileURLToPath(match[1]);
      assert.equal(file, path.join(repoRoot(), 'docs', 'diagnostics.md'));
      const heading = readFileSync(file, 'utf8').split('\n')[Number(match[2]) - 1];
      assert.match(heading, new RegExp(`^### \`${d.code}\``), `${d.code} links to line ${match[2]}: ${heading}`);
    }
    const extension = diagnostics.find((d) => d.code === 'extension-function');
    assert.match(extension?.message ?? '', /Set pacsWorkbench\.coercion\.dialect to 'extended'/);
    assert.equal(diagnostics.find((d) => d.code === 'arity')?.message, 'split() takes 3 arguments, not 2: split(string, delimiter, n).');
  });

  it('validates the documented eRAD examples clean', async () => {
    const text = readFileSync(path.join(repoRoot(), 'examples', 'workspace', 'documented-examples.coerce'), 'utf8');
    const diagnostics = await server.client.open(docUri('documented.coerce'), text);
    assert.deepEqual(diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Information && d.severity !== DiagnosticSeverity.Hint), []);
  });

  it('reports broken rules with their codes at the exact place', async () => {
    const text = [
      '(0010,0010)=concat("A",(0010,0010)', // missing ')'
      '(0010,0010)=uper((0010,0010))', // unknown function
      '(0010,0020)=split((0010,0020),",")', // arity
      '(0008,0050)=(0010,0020),"^",1', // retired split form
    ].join('\n');
    const diagnostics = await server.client.open(docUri('broken.coerce'), text);
    const byCode = (code: string) => diagnostics.find((d) => d.code === code);

    const paren = byCode('missing-paren');
    assert.ok(paren, `missing-paren expected, got ${codes(diagnostics).join(', ')}`);
    assert.equal(paren.range.start.line, 0);
    assert.equal(paren.severity, DiagnosticSeverity.Error);

    const unknown = byCode('unknown-function');
    assert.ok(unknown);
    assert.deepEqual(unknown.range, { start: { line: 1, character: 12 }, end: { line: 1, character: 16 } });
    assert.match(unknown.message, /upper/);

    assert.equal(byCode('arity')?.range.start.line, 2);
    const retired = byCode('retired-split');
    assert.equal(retired?.range.start.line, 3);
    assert.deepEqual(retired?.tags, [DiagnosticTag.Deprecated]);
    assert.ok(diagnostics.every((d) => d.source === 'pacs-workbench'));
  });

  it('re-validates on change and clears the error once fixed', async () => {
    const uri = docUri('change.coerce');
    const first = await server.client.open(uri, '(0010,0010)=concat("A","B"\n');
    assert.deepEqual(codes(errors(first)), ['missing-paren']);
    const fixed = await server.client.change(uri, [{ range: { start: { line: 0, character: 26 }, end: { line: 0, character: 26 } }, text: ')' }]);
    assert.deepEqual(errors(fixed), []);
  });

  it('follows pacsWorkbench.coercion.dialect and re-validates when it changes', async () => {
    const uri = docUri('dialect.coerce');
    const strict = await server.client.open(uri, '(0010,0010)=upper((0010,0010))\n');
    assert.equal(strict.find((d) => d.code === 'extension-function')?.severity, DiagnosticSeverity.Error);

    const republished = server.client.nextDiagnostics(uri);
    await server.client.changeSettings({ coercion: { dialect: 'extended' } });
    const extended = (await republished).diagnostics;
    assert.equal(extended.find((d) => d.code === 'extension-function')?.severity, DiagnosticSeverity.Information);

    const back = server.client.nextDiagnostics(uri);
    await server.client.changeSettings({ coercion: { dialect: 'strict' } });
    assert.equal((await back).diagnostics.find((d) => d.code === 'extension-function')?.severity, DiagnosticSeverity.Error);
  });

  it('clears diagnostics when a document closes', async () => {
    const uri = docUri('closing.coerce');
    await server.client.open(uri, '(0010,0010)=uper("x")\n');
    const cleared = server.client.nextDiagnostics(uri);
    await server.client.close(uri);
    assert.deepEqual((await cleared).diagnostics, []);
  });
});

describe('LSP: client without workspace/configuration', function () {
  this.timeout(20_000);

  it('takes the dialect from didChangeConfiguration', async () => {
    const client = await LspClient.start({ configurationSupport: false });
    try {
      const uri = docUri('pushed.coerce');
      const strict = await client.open(uri, '(0010,0010)=lower((0010,0010))\n');
      assert.equal(strict.find((d) => d.code === 'extension-function')?.severity, DiagnosticSeverity.Error);
      const republished = client.nextDiagnostics(uri);
      await client.changeSettings({ coercion: { dialect: 'extended' } });
      assert.equal((await republished).diagnostics.find((d) => d.code === 'extension-function')?.severity, DiagnosticSeverity.Information);
    } finally {
      await client.stop();
    }
  });
});

describe('LSP: over Node IPC (the transport the VS Code client uses)', function () {
  this.timeout(20_000);

  it('initializes and publishes diagnostics', async () => {
    const client = await LspClient.start({ transport: 'ipc' });
    try {
      assert.equal(client.initializeResult.serverInfo?.name, 'pacs-workbench-server');
      const diagnostics = await client.open(docUri('ipc.coerce'), '(0010,0010)=concat("A"\n');
      assert.deepEqual(codes(errors(diagnostics)), ['missing-paren']);
    } finally {
      await client.stop();
    }
  });
});
