/** Every diagnostic code links to a section that exists: an `id` anchor in the page it names. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_COERCION_CODES } from '../../core/src/coercion/diagnosticCodes';
import { ALL_DEVICE_CODES } from '../../core/src/devices/diagnosticCodes';
import { DOCS_BASE_URL, diagnosticDocPage, diagnosticDocUrl } from '../../core/src/diagnosticDocs';

function docsDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'esbuild.mjs'))) dir = path.dirname(dir);
  return path.join(dir, 'docs');
}

describe('diagnostic code links', () => {
  for (const [what, codes, page] of [['coercion', ALL_COERCION_CODES, 'diagnostics.md'], ['device', ALL_DEVICE_CODES, 'device-language.md']] as const) {
    it(`every ${what} code has its anchor in docs/${page}`, () => {
      const text = fs.readFileSync(path.join(docsDir(), page), 'utf8');
      // A code both languages share (unterminated-string) is explained once, in the coercion page.
      const pageOf = (code: string) => diagnosticDocPage(code);
      const missing = codes.filter((code) => !pageOf(code) || !fs.readFileSync(path.join(docsDir(), pageOf(code)!), 'utf8').includes(`<a id="${code}"></a>`));
      assert.ok(codes.some((code) => pageOf(code) === page && text.includes(`<a id="${code}"></a>`)));
      assert.deepEqual(missing, [], `codes without <a id="CODE"></a> in docs/${page} (add one before the code's heading or in its table row)`);
      assert.equal(diagnosticDocUrl(codes[0]), `${DOCS_BASE_URL}/${page}#${codes[0]}`);
    });
  }
});
