/**
 * The preview's model and HTML, from real evaluations: the example workspace's rule files run
 * by the real evaluator on the bundled sample files (examples/workspace/samples, made by
 * scripts/make-samples.mjs with DCMTK).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import type { RuleSetInput } from '../../core/src/coercion/evaluate';
import { buildPreview, MAX_VALUE_LENGTH, previewSample, ruleLabel, summarize, type SampleInput } from '../../client/src/features/preview/model';
import { renderBody, renderDocument, renderSample } from '../../client/src/features/preview/render';
import { escapeHtml } from '../../client/src/features/webviewPage';

const repo = path.resolve(__dirname, '..', '..', '..');
const workspace = path.join(repo, 'examples', 'workspace');

function ruleSet(relative: string, text?: string): RuleSetInput {
  const file = path.join(workspace, relative);
  return { name: path.basename(file), uri: pathToFileURL(file).href, file: parseRuleFile(text ?? fs.readFileSync(file, 'utf8')) };
}

function sample(relative: string): SampleInput {
  const file = path.join(workspace, relative);
  return { name: relative, uri: pathToFileURL(file).href, bytes: fs.readFileSync(file) };
}

/** The text of the HTML without tags, entities decoded: what a reader sees. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The text of one value: marks (ins/del) do not split it. */
function valueText(html: string): string {
  return visibleText(html.replace(/<span class="ws" data-ch="([^"]*)"[^>]*>[^<]*<\/span>/g, '$1').replace(/<\/?(ins|del)[^>]*>/g, ''));
}

describe('preview model and rendering', () => {
  describe('a CT from the outside hospital under outside-ct-import.coerce', () => {
    const rules = ruleSet('outside-ct-import.coerce');
    const result = previewSample([rules], sample('samples/ct-outside.dcm'));

    it('lists every attribute the rules add, change or delete, with the rule that last changed it', () => {
      assert.equal(result.status, 'changed');
      assert.equal(result.format, 'part10');
      const changes = result.changes.map((c) => [c.path, c.keyword, c.before, c.after, ruleLabel(c)]);
      assert.deepEqual(changes, [
        ['(0008,0050)', 'AccessionNumber', 'A123', 'EXT-A123', 'outside-ct-import.coerce:8'],
        ['(0008,0080)', 'InstitutionName', 'Outside Clinic & Imaging <North>', 'Outside Hospital', 'outside-ct-import.coerce:11'],
        ['(0008,1030)', 'StudyDescription', '', 'Imported A123', 'outside-ct-import.coerce:14'],
        ['(0008,0090)', 'ReferringPhysicianName', 'SMITH^ANN', null, 'outside-ct-import.coerce:17'],
        ['SEQ(0040,0275,0,0040,1001)', 'RequestedProcedureID', 'RP77', 'EXT-RP77', 'outside-ct-import.coerce:20'],
      ]);
    });

    it('traces every rule, variables included', () => {
      assert.deepEqual(
        result.trace.map((t) => [t.line, t.target, t.outcome]),
        [
          [4, '$(origAccession)', 'assigned'],
          [7, '(0008,0050)', 'assigned'],
          [10, '(0008,0080)', 'assigned'],
          [13, '(0008,1030)', 'assigned'],
          [16, '(0008,0090)', 'deleted'],
          [19, 'SEQ(0040,0275,0,0040,1001)', 'assigned'],
        ],
      );
    });

    it('renders values escaped, absent / empty / deleted in words, and rule links with the line to reveal', () => {
      const html = renderSample(result, { documentUri: rules.uri });
      assert.ok(valueText(html).includes('Outside Clinic & Imaging <North>'), 'the institution name is shown whole');
      assert.ok(!html.includes('<North>'), 'no raw markup from a DICOM value');
      assert.match(html, /<a href="#" class="rule" data-uri="file:\/\/[^"]*outside-ct-import\.coerce" data-line="7"[^>]*>line 8<\/a>/);
      assert.ok(html.includes('<span class="empty" title="present, with an empty value">empty</span>'), 'the empty study description says so');
      assert.ok(html.includes('<span class="absent">deleted</span>'), 'the removed referring physician shows as deleted');
      assert.ok(html.includes('class="sample status-changed"'));
      const text = valueText(html);
      assert.ok(text.includes('(0008,0050) AccessionNumber before A123 after EXT-A123 line 8'), text);
      assert.ok(text.includes('Rule trace (6 rules run)'), text);
    });

    it('names the rule file on a link only when it is not the file being edited', () => {
      assert.match(renderSample(result), />outside-ct-import\.coerce:8<\/a>/);
      assert.doesNotMatch(renderSample(result, { documentUri: rules.uri }), />outside-ct-import\.coerce:8<\/a>/);
    });

    it('marks exactly the characters a rule added or removed', () => {
      const html = renderSample(result, { documentUri: rules.uri });
      const row = html.slice(html.indexOf('data-path="(0008,0050)"'), html.indexOf('data-path="(0008,0080)"'));
      assert.match(row, /<div class="cell after"[^>]*><span class="label">after<\/span><code class="value"><ins class="added">EXT-<\/ins>A123<\/code>/);
      assert.doesNotMatch(row.slice(0, row.indexOf('class="cell after"')), /<del|<ins/, 'nothing was removed from A123');
    });

    it('shows an attribute inside a sequence under its sequence and item', () => {
      const html = renderSample(result, { documentUri: rules.uri }, (tag) => (tag === '(0040,0275)' ? 'RequestAttributesSequence' : ''));
      const text = valueText(html.slice(html.indexOf('data-key="(0040,0275)"') - 60));
      assert.match(text, /^\s*\(0040,0275\) RequestAttributesSequence item 1 \(0040,1001\) RequestedProcedureID before RP77 after EXT-RP77 line 20/);
      assert.match(html, /class="row change kind-changed depth-2"[^>]*data-path="SEQ\(0040,0275,0,0040,1001\)"/);
    });

    it('lists all attributes of the sample, before and after, with the changed ones marked', () => {
      const all = previewSample([rules], sample('samples/ct-outside.dcm'), { allAttributes: true });
      const rows = all.attributes!;
      const row = (path: string) => rows.find((r) => r.path === path)!;
      assert.deepEqual([row('(0008,0050)').before, row('(0008,0050)').after, row('(0008,0050)').changed], ['A123', 'EXT-A123', true]);
      assert.deepEqual([row('(0008,0090)').after, row('(0008,0090)').changed], [null, true]);
      assert.deepEqual([row('(0010,0010)').before, row('(0010,0010)').changed], ['DOE,JOHN,Q', false]);
      assert.deepEqual([row('(0040,0275)').kind, row('(0040,0275)[0]').kind, row('SEQ(0040,0275,0,0040,1001)').depth], ['sequence', 'item', 2]);
      assert.match(row('(7FE0,0010)').before!, /^<8 bytes, 2×2, 1 frame/);
      assert.equal(rows.filter((r) => r.changed).length, 5);
      const html = renderSample(all, { documentUri: rules.uri });
      assert.match(html, /All \d+ attributes, 5 changed \(marked\)/);
      assert.match(html, /aria-pressed="true">Hide all attributes/);
      assert.equal((html.match(/class="row attribute is-changed/g) ?? []).length, 5);
    });

    it('never carries pixel data: a rule reading (7FE0,0010) sees no string value', () => {
      const pixels = previewSample([ruleSet('outside-ct-import.coerce', '(0008,0080)=(7FE0,0010)')], sample('samples/ct-outside.dcm'));
      const json = JSON.stringify(pixels);
      // The pixel data is 00 00 00 04 00 08 ff 0f; none of it may appear as a value.
      assert.ok(!/\\u0000|\\u0004/.test(json), json);
      assert.ok(pixels.changes.every((c) => c.path !== '(7FE0,0010)'));
    });
  });

  describe('an object that $(@PROCESS) stops', () => {
    const result = previewSample([ruleSet('documented-examples.coerce')], sample('samples/mg-for-processing.dcm'));

    it('is stopped, by the rule that set $(@PROCESS) to NULL, after the rules above it ran', () => {
      assert.equal(result.status, 'stopped');
      assert.ok(result.stoppedBy);
      assert.equal(ruleLabel(result.stoppedBy), 'documented-examples.coerce:10');
      assert.deepEqual(result.trace.map((t) => t.outcome), ['assigned', 'assigned', 'stopped']);
      assert.deepEqual(result.changes.map((c) => [c.path, c.after]), [
        ['(0008,0050)', 'PFXM-991'],
        ['(0010,0010)', 'ROE^JANE'],
      ]);
    });

    it('renders as stopped, naming and linking the stopping rule', () => {
      const html = renderSample(result);
      assert.ok(html.includes('class="sample status-stopped"'));
      assert.match(html, /<span class="badge">stopped<\/span>/);
      assert.match(visibleText(html), /Stopped by documented-examples\.coerce:10\s*: \$\(@PROCESS\) is NULL/);
      assert.match(html, /<p class="stopped-by">Stopped by <a href="#" class="rule" data-uri="[^"]+" data-line="9"/);
    });

    it('stops in a preceding rule set, so the device rules never run', () => {
      const preceding = { ...ruleSet('devices/rules/preceding.coerce'), name: 'Preceding Global' };
      const device = ruleSet('outside-ct-import.coerce');
      const model = buildPreview({ uri: device.uri!, name: device.name }, [preceding, device], [sample('samples/mg-for-processing.dcm')]);
      const [s] = model.samples;
      assert.equal(s.status, 'stopped');
      assert.equal(ruleLabel(s.stoppedBy!), 'preceding.coerce:2');
      assert.equal(s.trace.length, 1);
      assert.deepEqual(s.changes, []);
      assert.match(visibleText(renderBody(model)), /runs Preceding Global, then outside-ct-import\.coerce/);
    });
  });

  describe('DICOM JSON samples', () => {
    it('swaps FIRST^LAST in a JSON sample, which is marked as DICOM JSON', () => {
      const result = previewSample([ruleSet('swap-names.coerce')], sample('samples/mr-research.json'));
      assert.equal(result.format, 'json');
      assert.deepEqual(result.changes.map((c) => [c.path, c.before, c.after, ruleLabel(c)]), [['(0010,0010)', 'JANE^SMITH', 'SMITH^JANE', 'swap-names.coerce:6']]);
      assert.ok(renderSample(result).includes('<span class="format">DICOM JSON</span>'));
    });

    it('shows a sample the rules leave alone as unchanged', () => {
      const result = previewSample([ruleSet('outside-ct-import.coerce', '(0008,0050)=if((0008,0050),"X",NULL())')], sample('samples/mr-research.json'));
      assert.equal(result.status, 'unchanged');
      assert.match(visibleText(renderSample(result)), /unchanged Show all attributes Compare Before\/After No attribute is added, changed or deleted\./);
    });
  });

  describe('failures', () => {
    it('shows why a file is not DICOM, escaped, and runs no rule', () => {
      const bad: SampleInput = { name: 'notes<1>.dcm', uri: 'file:///tmp/notes%3C1%3E.dcm', bytes: Buffer.from('this is not a DICOM file at all, just <text>') };
      const result = previewSample([ruleSet('swap-names.coerce')], bad);
      assert.equal(result.status, 'failed');
      assert.match(result.error!, /^not readable as DICOM: /);
      const html = renderSample(result);
      assert.ok(html.includes('notes&lt;1&gt;.dcm'));
      assert.ok(html.includes('<span class="badge">failed to read</span>'));
      assert.ok(html.includes(`<p class="error">${escapeHtml(result.error!)}</p>`));
      assert.ok(!html.includes('<details'), 'no trace for a sample that was never evaluated');
    });

    it('shows a read error as given', () => {
      const result = previewSample([], { name: 'gone.dcm', uri: 'file:///tmp/gone.dcm', readError: 'cannot read (ENOENT)' });
      assert.deepEqual([result.status, result.error], ['failed', 'cannot read (ENOENT)']);
    });

    it('traces a rule with a syntax error as not run, and escapes values a rule writes', () => {
      const text = '(0008,0080)="<img src=x onerror=alert(1)>"\n(0010,0010)=concat(\n(0008,0060)="X"';
      const result = previewSample([ruleSet('outside-ct-import.coerce', text)], sample('samples/ct-outside.dcm'));
      assert.deepEqual(result.trace.map((t) => t.outcome), ['assigned', 'error', 'assigned']);
      assert.match(result.trace[1].reason!, /syntax error/);
      const html = renderSample(result);
      assert.ok(!html.includes('<img'), 'a value never becomes markup');
      assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
      assert.match(html, /<div class="row trace-row outcome-error"/);
      assert.match(visibleText(html), /1 with errors/);
    });

    it('clips very long values', () => {
      const long = 'A'.repeat(MAX_VALUE_LENGTH + 100);
      const result = previewSample([ruleSet('outside-ct-import.coerce', `(0008,1030)="${long}"`)], sample('samples/ct-outside.dcm'));
      assert.equal(result.changes[0].after, `${'A'.repeat(MAX_VALUE_LENGTH)}… (${long.length} characters)`);
    });
  });

  describe('the page', () => {
    it('has a strict Content-Security-Policy, and only nonce-carrying style and script', () => {
      const html = renderDocument({ nonce: 'abc123', title: 'Preview: <x>', body: '<p>b</p>', generation: 4 });
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-abc123'; script-src 'nonce-abc123';">/);
      assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="abc123">']);
      assert.deepEqual(html.match(/<style[^>]*>/g), ['<style nonce="abc123">']);
      assert.ok(html.includes('<title>Preview: &lt;x&gt;</title>'));
      assert.ok(html.includes('<main id="root" data-generation="4"><p>b</p></main>'));
      assert.ok(!/\son[a-z]+=/.test(html), 'no inline event handlers (the policy would block them anyway)');
    });

    it('says how to get samples when there are none', () => {
      const model = buildPreview({ uri: 'file:///w/r.coerce', name: 'r.coerce' }, [ruleSet('swap-names.coerce')], []);
      const text = visibleText(renderBody(model));
      assert.match(text, /0 samples/);
      assert.match(text, /No sample data sets\. .*pacsWorkbench\.preview\.samples/);
    });

    it('summarises the model for the test hook', () => {
      const rules = ruleSet('documented-examples.coerce');
      const model = buildPreview({ uri: rules.uri!, name: rules.name, version: 3 }, [rules], [sample('samples/mg-for-processing.dcm'), sample('samples/mr-research.json')], ['a note']);
      const summary = summarize(model);
      assert.equal(summary.documentVersion, 3);
      assert.deepEqual(summary.notes, ['a note']);
      assert.deepEqual(summary.samples.map((s) => [s.name, s.status, s.stoppedBy]), [
        ['samples/mg-for-processing.dcm', 'stopped', 'documented-examples.coerce:10'],
        ['samples/mr-research.json', 'changed', undefined],
      ]);
      assert.deepEqual(summary.samples[1].changes, [
        { path: '(0010,0010)', keyword: 'PatientName', before: 'JANE^SMITH', after: 'JANE^SMITH^', rule: 'documented-examples.coerce:7' },
      ]);
    });
  });
});
