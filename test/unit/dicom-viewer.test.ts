/**
 * The DICOM file viewer's HTML and Copy as Rule, from real files: the example samples and a
 * built file with a private block. Copy as Rule is checked by running the copied rule.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateRules } from '../../core/src/coercion/evaluate';
import { assignmentRule } from '../../core/src/coercion/literal';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { dumpAccess } from '../../core/src/dicom/dump';
import { loadDatasetBytes } from '../../core/src/dicom/files';
import { JsonDatasetAccess } from '../../core/src/dicom/jsonDataset';
import { countAttributes, renderViewerBody, renderViewerDocument } from '../../client/src/features/viewer/render';
import { part10 } from './part10-builder';

const samples = path.resolve(__dirname, '..', '..', '..', 'examples', 'workspace', 'samples');
const text = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('DICOM file viewer', () => {
  const bytes = fs.readFileSync(path.join(samples, 'ct-outside.dcm'));
  const dump = dumpAccess(loadDatasetBytes(bytes, 'ct-outside.dcm').access);
  const html = renderViewerBody({ name: 'ct-outside.dcm', size: bytes.length, dump });

  it('shows the transfer syntax, the meta and the data set with tag, keyword, VR, VM, length and value', () => {
    assert.match(text(html), /DICOM Part 10, 1\.2\.840\.10008\.1\.2\.1 \(Explicit VR Little Endian\); \d+ bytes; \d+ attributes/);
    assert.match(html, /<h2>File meta information<\/h2>/);
    assert.match(text(html), /\(0010,0010\) PatientName PN 1 10 DOE,JOHN,Q Copy as Rule/);
    assert.match(text(html), /\(0008,0080\) InstitutionName LO 1 32 Outside Clinic & Imaging <North>/);
    assert.ok(!html.includes('<North>'), 'values are escaped');
    assert.equal(countAttributes(dump.dataset), 26, '24 top-level attributes and the 2 of the sequence item');
  });

  it('shows a sequence as a collapsible tree of items and a summary instead of pixel data', () => {
    assert.match(html, /<details class="sequence" open data-path="\(0040,0275\)"><summary><div class="row"[^>]*data-path="\(0040,0275\)"/);
    assert.match(html, /<details class="item" open data-path="\(0040,0275\)\[0\]"><summary class="item-title">Item 1<\/summary>/);
    assert.match(html, /data-path="SEQ\(0040,0275,0,0040,1001\)"/);
    assert.match(text(html), /\(7FE0,0010\) PixelData OW 8 8 bytes, 2×2, 1 frame, 16 bits allocated; not shown/);
    // The pixel bytes 00 00 00 04 00 08 ff 0f appear nowhere.
    assert.ok(!/0fff|ff 0f|\\u0000/.test(html));
  });

  it('names the creator of private tags, and offers Copy as Rule only for text values of the data set', () => {
    const privateFile = part10([
      { tag: 0x00290010, vr: 'LO', value: 'ACME 1.0' },
      { tag: 0x00291008, vr: 'CS', value: 'FAST' },
      { tag: 0x00291009, vr: 'OB', value: Uint8Array.of(1, 2, 3, 4) },
    ]);
    const body = renderViewerBody({ name: 'p.dcm', size: privateFile.length, dump: dumpAccess(loadDatasetBytes(privateFile, 'p.dcm').access) });
    assert.match(text(body), /\(0029,1008\) ACME 1\.0 CS 1 4 FAST Copy as Rule/);
    assert.match(text(body), /\(0029,1009\) ACME 1\.0 OB 4 4 bytes: 01 02 03 04 /);
    const copyButtons = body.match(/data-command="copyRule" data-path="[^"]+"/g) ?? [];
    assert.deepEqual(copyButtons.map((b) => b.replace(/.*data-path="([^"]+)"/, '$1')), ['(0029,0010)', '(0029,1008)'], 'meta and bulk values get no button');
  });

  it('has a strict Content-Security-Policy and no inline handlers', () => {
    const page = renderViewerDocument({ nonce: 'n1', title: 'x<y>', body: html, script: 'void 0' });
    assert.match(page, /content="default-src 'none'; style-src 'nonce-n1'; script-src 'nonce-n1';"/);
    assert.ok(!/\son[a-z]+=/.test(page));
    assert.ok(page.includes('<title>x&lt;y&gt;</title>'));
  });

  it('copies a rule that sets exactly the value, escapes and all', () => {
    for (const value of ['DOE^JANE', 'A\\B', 'say "hi"', 'two\nlines', '']) {
      const rule = assignmentRule('(0010,0010)', value);
      const access = new JsonDatasetAccess({});
      const result = evaluateRules([{ name: 'copied', file: parseRuleFile(rule) }], access);
      assert.equal(result.errors, 0, `${rule}: ${JSON.stringify(result.trace)}`);
      assert.equal(access.get({ sequence: [], group: 0x0010, element: 0x0010 }), value, rule);
    }
    assert.equal(assignmentRule('SEQ(0040,0275,0,0040,1001)', 'RP77'), 'SEQ(0040,0275,0,0040,1001)="RP77"');
  });
});
