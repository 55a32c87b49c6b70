/**
 * *Compare Rule Effect with HEAD* without VS Code: the impact model (buildImpact) and its HTML
 * (renderImpactBody), from real evaluations of the example rule file, as committed and as
 * edited, on the example samples.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import type { RuleSetInput } from '../../core/src/coercion/evaluate';
import { buildImpact } from '../../client/src/features/preview/impact';
import type { SampleInput } from '../../client/src/features/preview/model';
import { renderImpactBody } from '../../client/src/features/preview/renderImpact';

const repo = path.resolve(__dirname, '..', '..', '..');
const workspace = path.join(repo, 'examples', 'workspace');
const RULES = path.join(workspace, 'outside-ct-import.coerce');
const committed = fs.readFileSync(RULES, 'utf8');
const document = { uri: pathToFileURL(RULES).href, name: 'outside-ct-import.coerce' };

const rules = (text: string): RuleSetInput[] => [{ name: document.name, uri: document.uri, file: parseRuleFile(text) }];
const sample = (relative: string): SampleInput => ({ name: relative, uri: pathToFileURL(path.join(workspace, relative)).href, bytes: fs.readFileSync(path.join(workspace, relative)) });
const SAMPLES = ['samples/ct-outside.dcm', 'samples/mg-for-processing.dcm', 'samples/mr-research.json'].map(sample);

describe('Compare Rule Effect with HEAD: the impact model and its page', () => {
  it('reports only the attribute whose result the edit changes, committed → now, and which samples it leaves alone', () => {
    const edited = committed.replace('concat("EXT-",(0008,0050))', 'concat("OUT-",(0008,0050))');
    assert.notEqual(edited, committed);
    const model = buildImpact(document, 'HEAD', rules(committed), rules(edited), SAMPLES);
    assert.deepEqual(model.differing.map((s) => [s.name, s.attributes.map((a) => [a.path, a.keyword, a.original, a.old, a.new])]), [
      ['samples/ct-outside.dcm', [['(0008,0050)', 'AccessionNumber', 'A123', 'EXT-A123', 'OUT-A123']]],
      ['samples/mg-for-processing.dcm', [['(0008,0050)', 'AccessionNumber', 'M-991', 'EXT-M-991', 'OUT-M-991']]],
    ]);
    assert.deepEqual(model.same, ['samples/mr-research.json']);
    const html = renderImpactBody(model);
    // Two sample sections, one change row each; the untouched sample is only named.
    assert.equal(html.match(/<section /g)?.length, 2);
    assert.equal(html.match(/class="row change"/g)?.length, 2);
    assert.match(html, /Same result as at HEAD: samples\/mr-research\.json/);
    assert.doesNotMatch(html, /InstitutionName/, 'attributes the edit does not touch are not shown');
  });

  it('names the keyword of an attribute inside a sequence, and reports a newly stopped object without its values', () => {
    const edited = committed.replace('concat("EXT-",SEQ(0040,0275,0,0040,1001))', 'concat("X-",SEQ(0040,0275,0,0040,1001))') + '\n$(@PROCESS)=if(equals((0008,0060),"MG"),NULL(),"1")\n';
    const model = buildImpact(document, 'HEAD', rules(committed), rules(edited), SAMPLES);
    const ct = model.differing.find((s) => s.name === 'samples/ct-outside.dcm');
    assert.deepEqual(ct?.attributes.map((a) => [a.path, a.keyword, a.old, a.new]), [['SEQ(0040,0275,0,0040,1001)', 'RequestedProcedureID', 'EXT-RP77', 'X-RP77']]);
    const mg = model.differing.find((s) => s.name === 'samples/mg-for-processing.dcm');
    assert.equal(mg?.stop, 'newly stopped');
    assert.deepEqual(mg?.attributes, []);
    assert.match(renderImpactBody(model), /Newly stopped: stored at HEAD, not stored now/);
  });

  it('says when the file is what is committed, and tells an unreadable sample apart', () => {
    const broken: SampleInput = { name: 'samples/<broken>.dcm', uri: 'file:///broken.dcm', bytes: new Uint8Array([1, 2, 3]) };
    const same = buildImpact(document, 'HEAD', rules(committed), rules(committed), [...SAMPLES, broken]);
    assert.equal(same.rulesUnchanged, true);
    assert.match(renderImpactBody(same), /is the same as at HEAD: the change can have no effect/);

    const edited = committed.replace('"Outside Hospital"', '"Outside Hospital <East>"');
    const model = buildImpact(document, 'HEAD', rules(committed), rules(edited), [broken]);
    assert.match(model.differing[0].error ?? '', /^not readable as DICOM: /);
    const html = renderImpactBody(model);
    assert.match(html, /samples\/&lt;broken&gt;\.dcm/, 'names are HTML-escaped');
    assert.doesNotMatch(html, /<broken>/);
  });
});
