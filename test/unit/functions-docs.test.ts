/** docs/coercion-language.md lists every function of the catalogue, under the right dialect. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUNCTIONS } from '../../core/src/coercion/functions';

const doc = fs.readFileSync(path.join(__dirname, '../../../docs/coercion-language.md'), 'utf8');

function listedAfter(heading: string): Set<string> {
  const at = doc.indexOf(heading);
  assert.ok(at >= 0, `docs/coercion-language.md has the paragraph "${heading}"`);
  const paragraph = doc.slice(at, doc.indexOf('\n\n', at));
  return new Set([...paragraph.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1].toLowerCase()));
}

describe('function documentation', () => {
  it('lists each eRAD function as confirmed and each extension as an extension', () => {
    const confirmed = listedAfter('Confirmed in eRAD');
    const extensions = listedAfter('Extensions of PACS Workbench');
    for (const f of FUNCTIONS) {
      const [listed, other] = f.dialect === 'erad' ? [confirmed, extensions] : [extensions, confirmed];
      assert.ok(listed.has(f.name), `${f.name} (${f.dialect}) is listed in its paragraph`);
      assert.ok(!other.has(f.name), `${f.name} is not listed under the other dialect`);
    }
    assert.equal(confirmed.size + extensions.size, FUNCTIONS.length, 'no function listed that the catalogue lacks');
  });
});
