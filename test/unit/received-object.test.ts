/**
 * A received object as the Traffic view's panel shows it, in the rule preview's rendering: the
 * changes are what the receiving node reports (core/src/receiver/storage.ts `changesOf` of a
 * real evaluation of the example rules on the example CT), the attributes are the dumps of the
 * file before and after. The panel itself is exercised in a real VS Code (e2e traffic.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { evaluateRules } from '../../core/src/coercion/evaluate';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { dumpAccess } from '../../core/src/dicom/dump';
import { loadDatasetBytes } from '../../core/src/dicom/files';
import { changesOf } from '../../core/src/receiver/storage';
import { receivedName, receivedSample } from '../../client/src/features/receiver/receivedObject';
import type { ObjectEvent } from '../../client/src/features/receiver/trafficModel';
import { renderSample } from '../../client/src/features/preview/render';

const workspace = path.resolve(__dirname, '..', '..', '..', 'examples', 'workspace');
const rulesFile = path.join(workspace, 'outside-ct-import.coerce');
const ctFile = path.join(workspace, 'samples', 'ct-outside.dcm');

/** What `pacsw serve --json` reports for the example CT received with the example rules. */
function receivedCt(overrides: Partial<ObjectEvent> = {}): { event: ObjectEvent; before: ReturnType<typeof dumpAccess>; after: ReturnType<typeof dumpAccess> } {
  const bytes = fs.readFileSync(ctFile);
  const loaded = loadDatasetBytes(bytes, ctFile);
  const result = evaluateRules([{ name: 'outside-ct-import.coerce', uri: rulesFile, file: parseRuleFile(fs.readFileSync(rulesFile, 'utf8')) }], loaded.access);
  const event: ObjectEvent = {
    event: 'object', time: '2026-12-01T23:00:00.000Z', association: 'a1', status: 'stored', callingAe: 'CT_LAB', device: 'CT_LAB',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.826.0.1.3680043.10.1082.1.1.1', transferSyntaxUid: '1.2.840.10008.1.2.1',
    file: '/store/CT_LAB/1.2.826.0.1.3680043.10.1082.1.1.1.dcm', original: '/store/CT_LAB/originals/1.2.826.0.1.3680043.10.1082.1.1.1.dcm',
    dimseStatus: 0, changes: changesOf(result), rules: [rulesFile], ...overrides,
  };
  return { event, before: dumpAccess(loadDatasetBytes(bytes, ctFile).access), after: dumpAccess(loadDatasetBytes(loaded.serialize(), ctFile).access) };
}

describe('a received object in the preview rendering', () => {
  it('carries the changes the receiver reported, with keywords and 0-based rule lines linking the rule file', () => {
    const { event } = receivedCt();
    const sample = receivedSample(event);
    assert.equal(sample.name, 'CT_LAB 1.2.826.0.1.3680043.10.1082.1.1.1');
    assert.equal(receivedName(event), sample.name);
    assert.equal(sample.status, 'changed');
    const accession = sample.changes.find((c) => c.path === '(0008,0050)');
    assert.deepEqual(accession, { ruleSet: 'outside-ct-import.coerce', line: 7, path: '(0008,0050)', keyword: 'AccessionNumber', before: 'A123', after: 'EXT-A123', uri: pathToFileURL(rulesFile).href });
    assert.equal(sample.changes.find((c) => c.path.startsWith('SEQ('))?.keyword, 'RequestedProcedureID', 'the keyword of a SEQ path is its leaf\'s');
  });

  it('renders like a preview sample: marked characters, the rule line, no trace (the receiver reports none)', () => {
    const html = renderSample(receivedSample(receivedCt().event), { trace: false });
    assert.match(html, /<ins class="added">EXT-<\/ins>A123/);
    assert.match(html, /data-line="7"[^>]*>outside-ct-import\.coerce:8</);
    assert.ok(!html.includes('Rule trace'), 'no empty trace section');
    assert.ok(renderSample(receivedSample(receivedCt().event)).includes('Rule trace'), 'the preview itself still shows its trace');
  });

  it('lists all attributes from the files before and after, the changed ones marked', () => {
    const { event, before, after } = receivedCt();
    const sample = receivedSample(event, { before: before.dataset, after: after.dataset });
    const row = (p: string) => sample.attributes?.find((r) => r.path === p);
    assert.deepEqual([row('(0008,0050)')?.before, row('(0008,0050)')?.after, row('(0008,0050)')?.changed], ['A123', 'EXT-A123', true]);
    assert.equal(row('(0008,0060)')?.changed, false);
    assert.deepEqual([row('(0008,0090)')?.before, row('(0008,0090)')?.after], ['SMITH^ANN', null], 'the deleted attribute is absent after');
  });

  it('says why a stopped or failed object was not stored', () => {
    const stopped = receivedSample(receivedCt({ status: 'stopped', file: undefined, reason: 'stopped by preceding.coerce:2', changes: [] }).event);
    assert.equal(stopped.status, 'stopped');
    assert.match(stopped.error!, /^stopped: stopped by preceding\.coerce:2; answered with success and not stored\.$/);
    assert.match(renderSample(stopped, { trace: false }), /No attribute was changed before the object was stopped/);
    const failed = receivedSample(receivedCt({ status: 'failed', file: undefined, original: undefined, dimseStatus: 0xa700, reason: 'disk full', changes: [] }).event);
    assert.deepEqual([failed.status, failed.error], ['failed', 'failed (status 0xa700): disk full']);
    assert.match(renderSample(failed), /<p class="error">failed \(status 0xa700\): disk full<\/p>/);
  });
});
