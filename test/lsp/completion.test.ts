/** Completion over real JSON-RPC: tags by keyword, name word and number; functions; variables. */
import * as assert from 'node:assert/strict';
import {
  CompletionRequest,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { docUri, serverForSuite } from './client';

describe('LSP: completion', function () {
  this.timeout(20_000);
  const server = serverForSuite();
  let n = 0;

  /** Opens `text` with the cursor at `|` and asks for completion there. */
  async function complete(textWithCursor: string): Promise<CompletionList> {
    const offset = textWithCursor.indexOf('|');
    const text = textWithCursor.replace('|', '');
    const before = text.slice(0, offset).split('\n');
    const position = { line: before.length - 1, character: before[before.length - 1].length };
    const uri = docUri(`completion-${n++}.coerce`);
    await server.client.open(uri, text);
    const result = await server.client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    assert.ok(result && !Array.isArray(result), 'a CompletionList');
    return result;
  }

  const find = (list: CompletionList, label: string): CompletionItem => {
    const item = list.items.find((i) => i.label === label);
    assert.ok(item, `no "${label}" among ${list.items.slice(0, 15).map((i) => i.label).join(', ')}`);
    return item;
  };
  const edit = (item: CompletionItem): TextEdit => item.textEdit as TextEdit;

  it('completes a tag by keyword and replaces the typed word with (gggg,eeee)', async () => {
    const list = await complete('(0008,0050)=concat(PatientNa|');
    assert.equal(list.isIncomplete, true);
    const item = find(list, 'PatientName');
    assert.equal(item.detail, '(0010,0010) PN 1');
    assert.deepEqual(edit(item), { range: { start: { line: 0, character: 19 }, end: { line: 0, character: 28 } }, newText: '(0010,0010)' });
    assert.match(item.filterText ?? '', /PatientName.*Patients Name.*00100010/);
    const doc = typeof item.documentation === 'string' ? item.documentation : item.documentation?.value ?? '';
    assert.match(doc, /Patient's Name/);
    assert.match(doc, /VR `PN`/);
  });

  it('completes a tag by a word of its display name', async () => {
    const list = await complete('(0010,0010)=concat((0010,0010),accession|');
    const item = find(list, 'AccessionNumber');
    assert.equal(edit(item).newText, '(0008,0050)');
  });

  it('completes a tag by number, replacing the partly typed tag including its "("', async () => {
    const list = await complete('(0010,|');
    const item = find(list, 'PatientName');
    assert.deepEqual(edit(item), { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } }, newText: '(0010,0010)' });
    assert.ok(list.items.every((i) => i.detail?.startsWith('(0010,')), 'only group 0010 tags');
    assert.ok(item.filterText?.startsWith('(0010,0010)'), 'the filter text leads with the tag, as typed');
  });

  it('inside a written tag, the edit replaces the whole tag, up to its ")"', async () => {
    const list = await complete('(0010,0010)=(0008,00|50)');
    const item = find(list, 'AccessionNumber');
    assert.deepEqual(edit(item), { range: { start: { line: 0, character: 12 }, end: { line: 0, character: 23 } }, newText: '(0008,0050)' });
  });

  it('after "$" offers variables as $(name)', async () => {
    const list = await complete('$(site)="A"\n(0008,0080)=$|');
    assert.deepEqual(edit(find(list, '$(site)')), { range: { start: { line: 1, character: 12 }, end: { line: 1, character: 13 } }, newText: '$(site)' });
    assert.equal(list.items.some((i) => i.label === 'concat'), false, 'only variables after "$"');
  });

  it('before anything is typed, offers the tags the file uses, then common ones, not command elements', async () => {
    const list = await complete('(0008,1030)="x"\n(0008,1030)="y"\n(|');
    assert.equal(list.items[0].label, 'StudyDescription', 'the tag used twice in the file comes first');
    find(list, 'PatientName');
    assert.ok(list.items.every((i) => !/^\(000[0-6],/.test(i.detail ?? '')), 'no command or file-meta elements');
  });

  it('completes a tag by number after "=" and marks retired tags deprecated', async () => {
    const list = await complete('(0010,0010)=(0008,00|');
    const retired = find(list, 'DataSetType'); // (0008,0040), retired
    assert.deepEqual(retired.tags, [1]);
    assert.match(retired.detail ?? '', /^\(0008,0040\)/);
  });

  it('offers functions as argument snippets where a value belongs, not as a target', async () => {
    const value = await complete('(0010,0010)=|');
    const concat = find(value, 'concat');
    assert.equal(concat.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal(edit(concat).newText, 'concat(${1:a},${2:b})');
    assert.equal(edit(find(value, 'NULL')).newText, 'NULL()');
    assert.match(find(value, 'upper').labelDetails?.description ?? '', /extension/);
    find(value, 'SEQ');
    find(value, 'USER');

    const target = await complete('|');
    assert.equal(target.items.some((i) => i.label === 'concat'), false, 'no function as a target');
    find(target, 'SEQ');
    find(target, '$(@PROCESS)');
  });

  it('offers variables assigned on earlier lines, and control variables', async () => {
    const list = await complete('$(early)=(0010,0010)\n(0010,0010)=concat($(|),"x")\n$(late)="y"');
    const early = find(list, 'early');
    assert.equal(edit(early).newText, 'early');
    find(list, '@PROCESS');
    assert.equal(list.items.some((i) => i.label === 'late'), false, 'a variable assigned later is not set yet');
  });

  it('closes the variable when the ")" is not typed yet', async () => {
    const list = await complete('$(acc)=(0008,0050)\n(0008,0050)=$(a|');
    assert.equal(edit(find(list, 'acc')).newText, 'acc)');
  });

  it('offers nothing inside a string or a comment', async () => {
    assert.deepEqual((await complete('(0010,0010)="Pat|"')).items, []);
    assert.deepEqual((await complete('# Pat|')).items, []);
  });

  describe('several words in any order', () => {
    for (const [where, text] of [
      ['a value', '(0008,1030)=study desc|'],
      ['a value, words swapped', '(0008,1030)=desc study|'],
      ['a target', 'study desc|'],
      ['a tag opened with (', '(0008,1030)=concat((study desc|'],
    ] as const) {
      it(`finds Study Description from ${where}: ${text}`, async () => {
        const list = await complete(text);
        const item = find(list, 'StudyDescription');
        const typed = text.slice(text.lastIndexOf(text.includes('((') ? '(' : '=') + (text.includes('((') ? 0 : 1), text.indexOf('|'));
        const edit = item.textEdit as TextEdit;
        // The edit replaces all the words typed, and the editor's filter keeps the item.
        assert.equal(edit.range.end.character - edit.range.start.character, typed.length, JSON.stringify(edit.range));
        assert.equal(item.filterText, typed);
        assert.equal(edit.newText, '(0008,1030)');
      });
    }

    it('does not take a function call before the cursor for words', async () => {
      const list = await complete('(0010,0010)=concat(|');
      assert.ok(list.items.some((i) => i.label === 'concat'));
    });
  });
});
