/** Every diagnostic code links to a section that exists: the line of its heading (or table row) in the page it names. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_COERCION_CODES } from '../../core/src/coercion/diagnosticCodes';
import { ALL_DEVICE_CODES } from '../../core/src/devices/diagnosticCodes';
import { anchorLines, diagnosticDocLinks, diagnosticDocPage, findDiagnosticDocs, installedDocLinks } from '../../core/src/diagnosticDocs';
import { repoRoot } from '../repo';

const docsDir = path.join(repoRoot(), 'docs');
const read = (file: string): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

/** What a reader finds at a link's line: the code's heading, or the table row that explains it. */
function explainsCode(line: string | undefined, code: string): boolean {
  if (line === undefined) return false;
  return new RegExp(`^#{2,4} \`${code}\``).test(line) || (line.startsWith('|') && line.includes(`<a id="${code}"></a>`));
}

describe('diagnostic code links', () => {
  for (const [what, codes, page] of [['coercion', ALL_COERCION_CODES, 'diagnostics.md'], ['device', ALL_DEVICE_CODES, 'device-language.md']] as const) {
    it(`every ${what} code links to the line of its heading or row in docs/${page}`, () => {
      const links = diagnosticDocLinks('file:///installed/docs', new Map([
        ['diagnostics.md', fs.readFileSync(path.join(docsDir, 'diagnostics.md'), 'utf8')],
        ['device-language.md', fs.readFileSync(path.join(docsDir, 'device-language.md'), 'utf8')],
      ]));
      const broken: string[] = [];
      for (const code of codes) {
        // A code both languages share (unterminated-string) is explained once, in the coercion page.
        const own = diagnosticDocPage(code);
        const href = links(code);
        const match = /^file:\/\/\/installed\/docs\/([a-z-]+\.md)#L(\d+)$/.exec(href ?? '');
        const lines = own && fs.readFileSync(path.join(docsDir, own), 'utf8').split('\n');
        if (!match || match[1] !== own || !lines || !explainsCode(lines[Number(match[2]) - 1], code)) broken.push(`${code} → ${href ?? 'no link'}`);
      }
      assert.ok(codes.some((code) => diagnosticDocPage(code) === page));
      assert.deepEqual(broken, [], `codes whose link does not lead to their heading: add <a id="CODE"></a> before the code's heading in docs/${page} (or in its table row)`);
    });
  }

  it('finds the line an anchor explains: the next heading, or its own row', () => {
    const lines = anchorLines('intro\n\n<a id="one"></a>\n\n### `one` — error\ntext\n| <a id="two"></a>`two` | error | row |\n<a id="three"></a><a id="four"></a>\n### `three`\n');
    assert.deepEqual([...lines], [['one', 5], ['two', 7], ['three', 9], ['four', 9]]);
  });

  it('finds the installed docs from a bundle folder, and gives no link when there are none', () => {
    const found = findDiagnosticDocs(path.join(repoRoot(), 'dist'), read);
    assert.equal(found?.folder, docsDir);
    assert.deepEqual([...found!.pages.keys()], ['diagnostics.md', 'device-language.md']);
    const none = installedDocLinks(path.parse(repoRoot()).root, () => undefined, (f) => `file://${f}`);
    assert.equal(none('arity'), undefined);
  });
});
