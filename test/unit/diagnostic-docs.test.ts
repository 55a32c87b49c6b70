// Every diagnostic code of both languages is documented where users look it up, and the docs
// document no code that the catalogues do not have.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_COERCION_CODES } from '../../core/src/coercion/diagnosticCodes';
import { ALL_DEVICE_CODES } from '../../core/src/devices/diagnosticCodes';

const docs = path.join(__dirname, '../../../docs');

describe('diagnostic catalogues and their docs', () => {
  it('every coercion code has a section in docs/diagnostics.md, and every section a code', () => {
    const doc = fs.readFileSync(path.join(docs, 'diagnostics.md'), 'utf8');
    const documented = [...doc.matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]);
    for (const code of ALL_COERCION_CODES) assert.ok(documented.includes(code), `${code} has no "### \`${code}\`" section in docs/diagnostics.md`);
    for (const code of documented) assert.ok((ALL_COERCION_CODES as string[]).includes(code), `docs/diagnostics.md documents ${code}, which core/src/coercion/diagnosticCodes.ts does not have`);
  });

  it('every device code has a row in the table of docs/device-language.md, and every row a code', () => {
    const text = fs.readFileSync(path.join(docs, 'device-language.md'), 'utf8');
    const doc = text.slice(text.indexOf('\n## Diagnostics'), text.indexOf('\n## ', text.indexOf('\n## Diagnostics') + 1));
    const documented = [...doc.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning|information|hint) \|/gm)].map((m) => m[1]);
    for (const code of ALL_DEVICE_CODES) assert.ok(documented.includes(code), `${code} has no row in the diagnostics table of docs/device-language.md`);
    for (const code of documented) assert.ok((ALL_DEVICE_CODES as string[]).includes(code), `docs/device-language.md documents ${code}, which core/src/devices/diagnosticCodes.ts does not have`);
  });
});
