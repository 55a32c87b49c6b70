/**
 * Editors other than VS Code (Neovim, Helix, Emacs) send their own language id for our files:
 * usually the file extension (`coerce`), sometimes nothing. The server falls back on the URI's
 * extension instead of ignoring the document.
 */
import * as assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { docUri, serverForSuite } from './client';

describe('LSP: documents whose language id is not ours', function () {
  this.timeout(20_000);
  const server = serverForSuite();

  /** Opens and waits (bounded) for diagnostics, so a server that ignores the file fails clearly. */
  async function openAs(name: string, text: string, languageId: string): Promise<Diagnostic[]> {
    const uri = docUri(name);
    return Promise.race([
      server.client.open(uri, text, languageId),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no diagnostics for ${name} opened with language id "${languageId}" within 5 s: the server ignored it`)), 5000)),
    ]);
  }

  for (const languageId of ['coerce', '']) {
    it(`checks a .coerce file opened with language id "${languageId}"`, async () => {
      const name = `by-extension-${languageId || 'empty'}.coerce`;
      const diagnostics = await openAs(name, '(0010,0010)=uper((0010,0010))\n', languageId);
      assert.ok(diagnostics.some((d) => d.code === 'unknown-function'), `unknown-function expected, got ${JSON.stringify(diagnostics.map((d) => d.code))}`);
      assert.match(await server.client.hoverText(docUri(name), { line: 0, character: 3 }), /Patient's Name/);
    });
  }

  it('checks a .pacs file opened with language id "pacs"', async () => {
    const diagnostics = await openAs('by-extension.pacs', 'server "S" {\n  device "D" { nonsense = 1 }\n}\n', 'pacs');
    assert.ok(diagnostics.length > 0, 'the device language reports the broken table');
  });

  it('still ignores a file that is neither ours by id nor by extension', async () => {
    const uri = docUri('notes.txt');
    const published = server.client.nextDiagnostics(uri, 1);
    await server.client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text: '(0010,0010)=uper(1)' } });
    // A probe document opened after it is answered; the .txt file by then has had its chance.
    await openAs('probe.coerce', '(0010,0010)="A"\n', 'pacs-coercion');
    assert.equal(await Promise.race([published.then(() => 'published'), Promise.resolve('nothing')]), 'nothing');
  });
});
