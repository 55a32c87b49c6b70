/**
 * The language server's answers as a user sees them in the editor: diagnostics on a broken
 * rule, completion of attribute tags, hover on a tag. Files are created in the test workspace
 * (a temporary copy of examples/workspace), so the examples themselves stay clean.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, completionLabel, hoverText, isError, openNewFile, waitForDiagnostics } from './helpers';

describe('language service', () => {
  before(async () => {
    await activeApi();
  });

  it('reports an error on a broken rule, none on the examples, and clears it when the rule is fixed', async () => {
    // The examples first: the server answers in order, so once the broken file has its
    // diagnostics, the examples have been checked too.
    const examples = await vscode.workspace.findFiles('**/*.coerce', '**/test-*');
    assert.ok(examples.length >= 4, `expected the example rule files, found ${examples.length}`);
    for (const uri of examples) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    const broken = await openNewFile('test-broken.coerce', '# missing closing parenthesis\n(0010,0010)=concat("A",(0010,0010)\n');

    const diagnostics = await waitForDiagnostics(broken.uri, (ds) => ds.some(isError), 'an error');
    const error = diagnostics.find(isError)!;
    assert.equal(error.range.start.line, 1, `error should be on the broken rule, got: ${error.message}`);
    assert.ok(error.message.length > 0);
    for (const uri of examples) {
      const errors = vscode.languages.getDiagnostics(uri).filter(isError).map((d) => `${d.range.start.line + 1}: ${d.message}`);
      assert.deepEqual(errors, [], `${uri.path} is an example and must validate without errors`);
    }

    const editor = await vscode.window.showTextDocument(broken);
    const lineEnd = broken.lineAt(1).range.end;
    assert.ok(await editor.edit((edit) => edit.insert(lineEnd, ')')));
    await waitForDiagnostics(broken.uri, (ds) => !ds.some(isError), 'the error to go away after the fix');
  });

  it('checks an untitled rule document too', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'pacs-coercion', content: '(0010,0010)=frobnicate((0010,0010))\n' });
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitForDiagnostics(document.uri, (ds) => ds.some(isError), 'an error in the untitled document');
    assert.match(diagnostics.find(isError)!.message, /frobnicate/);
  });

  it('completes DICOM attribute tags from a partly typed tag', async () => {
    const document = await openNewFile('test-complete-tag.coerce', '(0008,0050)=concat((0008,0050),"^")\n(0010,\n');
    const position = new vscode.Position(1, 6);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      position,
    );
    const texts = list.items.map((item) => `${completionLabel(item)} ${item.filterText ?? ''} ${item.detail ?? ''} ${insertText(item)}`);
    const patientName = texts.find((text) => text.includes('PatientName') || text.includes("Patient's Name"));
    assert.ok(patientName, `no PatientName item among ${list.items.length} completion items: ${texts.slice(0, 10).join(' | ')}`);
    assert.match(patientName, /0010,0010/, 'the PatientName item should carry its tag (0010,0010)');
  });

  it('completes a DICOM attribute by keyword and inserts its tag', async () => {
    const document = await openNewFile('test-complete-keyword.coerce', '(0008,0050)=concat(PatientNa\n');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(0, 28),
    );
    const item = list.items.find((i) => completionLabel(i).startsWith('PatientName'));
    assert.ok(item, `no PatientName among ${list.items.map(completionLabel).slice(0, 10).join(', ')}`);
    assert.equal(insertText(item), '(0010,0010)');
  });

  it('explains a tag on hover', async () => {
    const document = await openNewFile('test-hover.coerce', '(0010,0010)=NULL()\n');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(0, 3),
    );
    const text = hoverText(hovers);
    assert.match(text, /Patient'?s ?Name/, `hover on (0010,0010) should name the attribute, got: ${JSON.stringify(text)}`);
  });
});

function insertText(item: vscode.CompletionItem): string {
  const insert = item.insertText;
  if (insert === undefined) return '';
  return typeof insert === 'string' ? insert : insert.value;
}

describe('arity quick fix', () => {
  it('inserts the missing argument as a placeholder the user types over', async () => {
    await activeApi();
    const document = await openNewFile('test-arity-snippet.coerce', '(0010,0010)=split((0010,0010),",")\n');
    const editor = await vscode.window.showTextDocument(document);
    const diagnostics = await waitForDiagnostics(document.uri, (ds) => ds.some((d) => diagnosticCode(d) === 'arity'), 'the arity error');
    const arity = diagnostics.find((d) => diagnosticCode(d) === 'arity')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, arity.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Add the missing argument n');
    assert.ok(fix?.command, `no arity fix among: ${actions.map((a) => a.title).join(' | ')}`);
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.equal(document.lineAt(0).text, '(0010,0010)=split((0010,0010),",",n)');
    // A snippet placeholder: the inserted name is selected, so typing replaces it.
    assert.equal(document.getText(editor.selection), 'n');
    assert.ok(await editor.edit((edit) => edit.replace(editor.selection, '2')));
    assert.equal(document.lineAt(0).text, '(0010,0010)=split((0010,0010),",",2)');
    await waitForDiagnostics(document.uri, (ds) => !ds.some((d) => diagnosticCode(d) === 'arity'), 'the arity error to go away');
  });
});

function diagnosticCode(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}
