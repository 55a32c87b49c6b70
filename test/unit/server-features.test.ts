/**
 * The language server's feature modules called in-process on a parsed file, without spawning
 * dist/server.js (test/lsp keeps the end-to-end check over JSON-RPC): quick to run, and a
 * failure points at the module rather than at the transport.
 */
import * as assert from 'node:assert/strict';
import { FoldingRangeKind, type MarkupContent } from 'vscode-languageserver/node';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { foldingRangesCoercion } from '../../server/src/coercion/folding';
import { hoverCoercion } from '../../server/src/coercion/hover';
import { signatureHelpCoercion } from '../../server/src/coercion/signatureHelp';

const at = (line: number, character: number) => ({ line, character });

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
});
