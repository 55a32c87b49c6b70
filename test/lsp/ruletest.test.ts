/**
 * The rule-test language (`pacs-coercion-test`) over real JSON-RPC to dist/server.js:
 * diagnostics (also for files a test names), completion, hover and formatting.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DocumentFormattingRequest,
  type CompletionItem,
  type Position,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../core/src/coercion/quickfix';
import { repoRoot, serverForSuite } from './client';

const LANGUAGE = 'pacs-coercion-test';
const EXAMPLES = path.join(repoRoot(), 'examples', 'workspace');
const at = (line: number, character: number): Position => ({ line, character });
/** A test file in the example workspace (never written: the server reads referenced files from disk). */
const uriIn = (name: string): string => pathToFileURL(path.join(EXAMPLES, name)).toString();

describe('LSP: rule tests (.coerce-test)', function () {
  this.timeout(20_000);
  const server = serverForSuite();
  let n = 0;

  const open = (text: string, name = `lsp-${n++}.coerce-test`) => {
    const uri = uriIn(name);
    return server.client.open(uri, text, LANGUAGE).then((diagnostics) => ({ uri, diagnostics }));
  };
  async function complete(text: string, position: Position, name?: string): Promise<CompletionItem[]> {
    return server.client.completionItems((await open(text, name)).uri, position);
  }
  async function hover(text: string, position: Position): Promise<string> {
    return server.client.hoverText((await open(text)).uri, position);
  }

  it('reports the findings of the language with codes and ranges, and checks the files a test names', async () => {
    const { diagnostics } = await open([
      'rules "no-such.coerce"',
      'case "x"',
      '  from "samples/nowhere.dcm"',
      '  expect PatientNme is "A"',
      '  expect PatientName is upr("a")',
    ].join('\n'));
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.code]), [
      [0, 6, 'test-file-not-found'], [2, 7, 'test-file-not-found'], [3, 9, 'test-unknown-attribute'], [4, 24, 'unknown-function'],
    ]);
    assert.match(diagnostics[2].message, /did you mean `PatientName`/);
  });

  it('an example test has no findings; a device the table lacks is named with the ones it has', async () => {
    const { diagnostics } = await open('rules device CT1 in "devices/hospital.pacs"\ncase "x"\n  from "samples/ct-outside.dcm"\n  expect stopped\n');
    assert.deepEqual(diagnostics, []);
    const unknown = await open('rules device CT9 in "devices/hospital.pacs"\ncase "x"\n  expect stopped\n');
    assert.equal(unknown.diagnostics[0].code, 'test-unknown-device');
    assert.match(unknown.diagnostics[0].message, /has no device CT9; it has CT1, MR1, ARCHIVE, READ1, PARENT, Self/);
  });

  it('completes the line forms, attribute keywords, expect words and values', async () => {
    const forms = (await complete('rules "a.coerce"\ncase "x"\n  ', at(2, 2))).map((i) => i.label);
    assert.ok(forms.includes('expect ATTRIBUTE is VALUE') && forms.includes('from "SAMPLE"'), forms.join());
    const top = (await complete('', at(0, 0))).map((i) => i.label);
    assert.deepEqual(top, ['rules "FILE.coerce"', 'rules device ID in "FILE.pacs"', 'case "NAME"'], 'before any case only top-level forms');

    const attrs = await complete('rules "a.coerce"\ncase "x"\n  expect Accession', at(2, 18));
    assert.equal(attrs.find((i) => i.label === 'AccessionNumber')?.detail, '(0008,0050) SH');
    assert.ok(attrs.some((i) => i.label === 'snapshot'));

    const values = (await complete('rules "a.coerce"\ncase "x"\n  expect PatientName is ', at(2, 24))).map((i) => i.label);
    assert.ok(values.includes('absent') && values.includes('unchanged') && values.includes('concat'), values.slice(0, 20).join());
    const inCall = (await complete('rules "a.coerce"\ncase "x"\n  with PatientName concat((0010,', at(2, 32))).map((i) => i.label);
    assert.ok(inCall.includes('PatientID'), 'tags inside a value come from the coercion completion');
  });

  it('completes paths inside quotes: rule files, device tables, samples', async () => {
    const rules = (await complete('rules "', at(0, 7))).map((i) => i.label);
    assert.ok(rules.includes('outside-ct-import.coerce') && rules.includes('devices/') && !rules.includes('swap-names.coerce-test'), rules.join());
    const samples = (await complete('rules "a.coerce"\ncase "x"\n  from "samples/', at(2, 16))).map((i) => i.label);
    assert.deepEqual(samples.sort(), ['ct-outside.dcm', 'dump/', 'mg-for-processing.dcm', 'mr-research.json']);
    const tables = (await complete('rules device CT1 in "devices/', at(0, 29))).map((i) => i.label);
    assert.deepEqual(tables.sort(), ['central.pacs', 'hospital.pacs', 'rules/']);
  });

  it('hovers attributes, line forms and functions in values', async () => {
    const text = 'rules "a.coerce"\ncase "x"\n  expect AccessionNumber is concat("A",(0010,0020))';
    assert.match(await hover(text, at(2, 12)), /\*\*Accession Number\*\* `AccessionNumber`[\s\S]*Tag `\(0008,0050\)` · VR `SH`/);
    assert.match(await hover(text, at(2, 4)), /`expect ATTRIBUTE is VALUE \| absent \| unchanged`/);
    assert.match(await hover(text, at(2, 31)), /concat\(/);
    assert.match(await hover(text, at(2, 42)), /Patient ID/);
  });

  it('formats: case lines indented, one space between words, values formatted like rules', async () => {
    const text = 'rules  "a.coerce"\ncase "x"\nwith   PatientName   concat( "A", "B" )\n\n\n\ncase "y"\n     expect stopped';
    const { uri } = await open(text);
    const edits = (await server.client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
    assert.equal(applyEdits(text, edits), 'rules "a.coerce"\n\ncase "x"\n  with PatientName concat("A","B")\n\ncase "y"\n  expect stopped\n');
  });
});
