/**
 * The preview's pure helpers: the character diff behind the highlight, the CSV and JSON export,
 * the globs and URIs of added samples, and the before/after dumps of Compare Before/After, on
 * real evaluations of the example rules and samples.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import type { RuleSetInput } from '../../core/src/coercion/evaluate';
import { globsFor, parseUriList } from '../../client/src/features/preview/addedPaths';
import { csvField, previewCsv, previewJson } from '../../client/src/features/preview/export';
import { buildPreview, sampleDumps, type SampleInput } from '../../client/src/features/preview/model';
import { diffChars, sideOf } from '../../client/src/features/preview/textDiff';

const workspace = path.resolve(__dirname, '..', '..', '..', 'examples', 'workspace');
const ruleSet = (relative: string, text?: string): RuleSetInput => {
  const file = path.join(workspace, relative);
  return { name: path.basename(file), uri: pathToFileURL(file).href, file: parseRuleFile(text ?? fs.readFileSync(file, 'utf8')) };
};
const sample = (relative: string): SampleInput => {
  const file = path.join(workspace, relative);
  return { name: relative, uri: pathToFileURL(file).href, bytes: fs.readFileSync(file) };
};
const spell = (segments: ReturnType<typeof diffChars>, side: 'before' | 'after') => sideOf(segments, side).map((s) => s.text).join('');

describe('preview helpers', () => {
  describe('character diff', () => {
    const cases: Array<[string, string]> = [
      ['A123', 'EXT-A123'],
      ['JANE^SMITH', 'SMITH^JANE'],
      ['JANE^SMITH', 'JANE^SMITH^'],
      ['DOE,JOHN,Q', 'DOE^JOHN^Q'],
      ['Outside Clinic & Imaging <North>', 'Outside Hospital'],
      ['', 'x'],
      ['same', 'same'],
      ['a'.repeat(700), `${'a'.repeat(350)}b${'a'.repeat(349)}`],
    ];
    for (const [before, after] of cases) {
      it(`spells both sides of ${JSON.stringify(before.slice(0, 20))} → ${JSON.stringify(after.slice(0, 20))}`, () => {
        const segments = diffChars(before, after);
        assert.equal(spell(segments, 'before'), before);
        assert.equal(spell(segments, 'after'), after);
      });
    }

    it('marks exactly what was added or removed', () => {
      assert.deepEqual(diffChars('A123', 'EXT-A123'), [{ kind: 'added', text: 'EXT-' }, { kind: 'same', text: 'A123' }]);
      assert.deepEqual(diffChars('JANE^SMITH', 'JANE^SMITH^'), [{ kind: 'same', text: 'JANE^SMITH' }, { kind: 'added', text: '^' }]);
      assert.deepEqual(diffChars('DOE,JOHN,Q', 'DOE^JOHN^Q').filter((s) => s.kind !== 'same').map((s) => s.text), [',', '^', ',', '^']);
      assert.deepEqual(diffChars('same', 'same'), [{ kind: 'same', text: 'same' }]);
    });

    it('does not split a replaced word on a letter the two words share', () => {
      assert.deepEqual(diffChars('Outside Clinic & Imaging <North>', 'Outside Hospital'), [
        { kind: 'same', text: 'Outside ' },
        { kind: 'removed', text: 'Clinic & Imaging <North>' },
        { kind: 'added', text: 'Hospital' },
      ]);
    });
  });

  describe('export', () => {
    const rules = ruleSet('outside-ct-import.coerce');
    const model = buildPreview({ uri: rules.uri!, name: rules.name }, [rules], [sample('samples/ct-outside.dcm'), sample('samples/mg-for-processing.dcm')]);

    it('writes one CSV row per change, absent and empty kept apart, formulas defused', () => {
      const lines = previewCsv(model).split('\r\n');
      assert.equal(lines[0], 'sample,status,path,keyword,before,after,change,rule');
      assert.ok(lines.includes('samples/ct-outside.dcm,changed,"(0008,0050)",AccessionNumber,A123,EXT-A123,changed,outside-ct-import.coerce:8'), lines.join('\n'));
      assert.ok(lines.includes('samples/ct-outside.dcm,changed,"(0008,1030)",StudyDescription,"",Imported A123,changed,outside-ct-import.coerce:14'));
      assert.ok(lines.includes('samples/ct-outside.dcm,changed,"(0008,0090)",ReferringPhysicianName,SMITH^ANN,,deleted,outside-ct-import.coerce:17'));
      assert.ok(lines.includes('samples/ct-outside.dcm,changed,"SEQ(0040,0275,0,0040,1001)",RequestedProcedureID,RP77,EXT-RP77,changed,outside-ct-import.coerce:20'));
      assert.ok(lines.some((l) => l.startsWith('samples/mg-for-processing.dcm,')));
      assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
      assert.equal(csvField('a,b'), '"a,b"');
      assert.equal(csvField(' padded'), '" padded"');
    });

    it('gives a sample without changes its own row, with why', () => {
      const stopped = buildPreview({ uri: 'file:///w/r.coerce', name: 'r.coerce' }, [ruleSet('documented-examples.coerce', '$(@PROCESS)=NULL()')], [sample('samples/mg-for-processing.dcm')]);
      assert.equal(previewCsv(stopped).split('\r\n')[1], 'samples/mg-for-processing.dcm,stopped,,,,,stopped by documented-examples.coerce:1,');
    });

    it('writes the summary as JSON that reads back', () => {
      const back = JSON.parse(previewJson(model));
      assert.equal(back.document, rules.uri);
      assert.deepEqual(back.samples.map((s: { name: string; status: string }) => [s.name, s.status]), [['samples/ct-outside.dcm', 'changed'], ['samples/mg-for-processing.dcm', 'changed']]);
      assert.equal(back.samples[0].changes[0].after, 'EXT-A123');
    });
  });

  describe('added samples', () => {
    it('turns a folder into globs for DICOM and DICOM JSON files, a file into its path', () => {
      assert.deepEqual(globsFor('incoming/ct', true), ['incoming/ct/**/*.dcm', 'incoming/ct/**/*.json']);
      assert.deepEqual(globsFor('', true), ['**/*.dcm', '**/*.json']);
      assert.deepEqual(globsFor('a\\b.dcm', false), ['a/b.dcm']);
    });

    it('reads the URIs of a drop', () => {
      assert.deepEqual(parseUriList('# comment\r\nfile:///w/a.dcm\r\n\r\nfile:///w/b%20c.json\n'), ['file:///w/a.dcm', 'file:///w/b%20c.json']);
    });
  });

  describe('before/after dumps', () => {
    it('differ exactly in the lines of the attributes the rules changed', () => {
      const { before, after, stopped } = sampleDumps([ruleSet('outside-ct-import.coerce')], sample('samples/ct-outside.dcm'));
      assert.equal(stopped, false);
      const onlyBefore = before.filter((l) => !after.includes(l)).filter((l) => !l.startsWith('(0002,'));
      const onlyAfter = after.filter((l) => !before.includes(l)).filter((l) => !l.startsWith('(0002,'));
      assert.deepEqual(onlyBefore, [
        '(0008,0050) SH AccessionNumber "A123"',
        '(0008,0080) LO InstitutionName "Outside Clinic & Imaging <North>"',
        '(0008,0090) PN ReferringPhysicianName "SMITH^ANN"',
        '(0008,1030) LO StudyDescription ""',
        'SEQ(0040,0275,0,0040,1001) SH RequestedProcedureID "RP77"',
      ]);
      assert.deepEqual(onlyAfter, [
        '(0008,0050) SH AccessionNumber "EXT-A123"',
        '(0008,0080) LO InstitutionName "Outside Hospital"',
        '(0008,1030) LO StudyDescription "Imported A123"',
        'SEQ(0040,0275,0,0040,1001) SH RequestedProcedureID "EXT-RP77"',
      ]);
    });
  });
});
