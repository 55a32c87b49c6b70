/**
 * Rule tests in a real VS Code: the Test Explorer lists the example tests, runs them through the
 * workbench's own commands (run all, with a case that holds and one that does not beside the
 * examples; run at the cursor as the gutter does; coverage), shows a
 * failing case's message at its expect line, keeps the list current as files change, and re-runs
 * on save when continuous run is on.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, openFile, openNewFile, workspaceRoot } from './helpers';

const LAST_RUN = 'pacsWorkbench.ruleTests.lastRun';

interface LastRun {
  runs: number;
  last?: {
    passed: string[];
    failed: Array<{ id: string; messages: Array<{ message: string; line?: number; expected?: string; actual?: string }> }>;
    coverage?: Array<{ file: string; lines: Array<{ line: number; state: string }> }>;
  };
  items: Array<{ id: string; label: string; children: Array<{ id: string; label: string; line?: number }> }>;
}

const lastRun = (after = 0): Thenable<LastRun> => vscode.commands.executeCommand<LastRun>(LAST_RUN, { after });

/** Polls the explorer's tree (filled by workspace discovery and file watching) until `ok`. */
async function itemsWhen(ok: (items: LastRun['items']) => boolean, what: string): Promise<LastRun['items']> {
  const until = Date.now() + 60_000;
  for (;;) {
    const { items } = await lastRun();
    if (ok(items)) return items;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; items: ${JSON.stringify(items.map((i) => i.label))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('rule tests in the Test Explorer', () => {
  before(async () => {
    await activeApi();
    await vscode.commands.executeCommand('workbench.view.testing.focus');
  });

  it('lists every example test file with its cases at their lines', async () => {
    const items = await itemsWhen((i) => i.length >= 9, 'the nine example test files');
    const labels = items.map((i) => i.label);
    for (const f of ['outside-ct-import.coerce-test', 'documented-examples.coerce-test', 'devices/hospital.coerce-test', 'devices/rules/viewer.coerce-test']) {
      assert.ok(labels.includes(f), `${f} not listed: ${labels.join(', ')}`);
    }
    const outside = items.find((i) => i.label === 'outside-ct-import.coerce-test')!;
    assert.equal(outside.children[0].label, 'a foreign accession number is marked so it never matches a local order');
    assert.equal(outside.children[0].line, 3);
  });

  it('runs them all (Test: Run All Tests): every listed case runs, the examples pass and a case that does not hold fails', async () => {
    // One case that holds and one that does not, beside the examples: a run that reported
    // "passed" without evaluating, or skipped cases, would not give exactly this.
    const sentinel = vscode.Uri.joinPath(workspaceRoot(), 'test-run-all.coerce-test');
    await vscode.workspace.fs.writeFile(sentinel, Buffer.from([
      'rules "outside-ct-import.coerce"',
      '',
      'case "the accession number is marked"',
      '  from "samples/ct-outside.dcm"',
      '  expect AccessionNumber is "EXT-A123"',
      '',
      'case "the accession number is kept"',
      '  from "samples/ct-outside.dcm"',
      '  expect AccessionNumber is "A123"',
      '',
    ].join('\n'), 'utf8'));
    try {
      const items = await itemsWhen((i) => i.some((f) => f.label === 'test-run-all.coerce-test' && f.children.length === 2), 'the sentinel test file');
      const listed = items.flatMap((f) => f.children.map((c) => c.id)).sort();
      const before = (await lastRun()).runs;
      await vscode.commands.executeCommand('testing.runAll');
      const { last } = await lastRun(before + 1);
      const id = `${sentinel.toString()}#the accession number is kept`;
      assert.deepEqual(last?.failed.map((f) => f.id), [id], 'exactly the case that does not hold fails');
      assert.deepEqual([...last!.passed, id].sort(), listed, 'every other listed case ran and passed');
      assert.ok(last!.passed.length >= 30, `passed: ${last!.passed.length}`);
    } finally {
      await vscode.workspace.fs.delete(sentinel);
      await itemsWhen((i) => !i.some((f) => f.label === 'test-run-all.coerce-test'), 'the sentinel file to go');
    }
  });

  it('a failing case gets its message at the failing expect line with expected and actual', async () => {
    const doc = await openNewFile('test-failing.coerce-test', [
      'rules "outside-ct-import.coerce"',
      '',
      'case "the accession number is kept"',
      '  from "samples/ct-outside.dcm"',
      '  expect AccessionNumber is "A123"',
    ].join('\n'));
    await itemsWhen((i) => i.some((f) => f.label === 'test-failing.coerce-test' && f.children.length === 1), 'the new test file');
    // As the gutter's run button does: run the test at the cursor.
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(2, 3, 2, 3);
    const before = (await lastRun()).runs;
    await vscode.commands.executeCommand('testing.runAtCursor');
    const { last } = await lastRun(before + 1);
    assert.deepEqual(last?.passed, []);
    assert.equal(last?.failed.length, 1);
    const [message] = last!.failed[0].messages;
    assert.equal(message.line, 4);
    assert.deepEqual([message.expected, message.actual], ['"A123"', '"EXT-A123"']);
    assert.match(message.message, /AccessionNumber \(0008,0050\): expected "A123", got "EXT-A123"/);
  });

  it('keeps the list current: a new case appears when the file changes, a deleted file goes', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'test-failing.coerce-test');
    const doc = await openFile('test-failing.coerce-test');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(doc.lineCount, 0), '\n\ncase "a second case"\n  expect not stopped\n');
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await itemsWhen((i) => i.find((f) => f.label === 'test-failing.coerce-test')?.children.length === 2, 'the second case');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(uri);
    await itemsWhen((i) => !i.some((f) => f.label === 'test-failing.coerce-test'), 'the deleted file to go');
  });

  it('coverage run: every rule line reports assigned, skipped or never ran', async () => {
    const before = (await lastRun()).runs;
    await vscode.commands.executeCommand('testing.coverageAll');
    const { last } = await lastRun(before + 1);
    assert.deepEqual(last?.failed, []);
    const teaching = last?.coverage?.find((c) => c.file.endsWith('teaching-file-anonymise.coerce'));
    assert.ok(teaching, `no coverage of teaching-file-anonymise.coerce: ${JSON.stringify(last?.coverage?.map((c) => c.file))}`);
    assert.deepEqual(teaching.lines.map((l) => [l.line, l.state]), [[4, 'assigned'], [6, 'assigned'], [7, 'assigned'], [8, 'assigned'], [9, 'skipped'], [10, 'assigned']]);
    // Inline device rules are covered in their .pacs file.
    assert.ok(last?.coverage?.some((c) => c.file.endsWith('hospital.pacs')));
  });

  it('continuous run: saving a rule file re-runs the tests, and the result follows the rule', async () => {
    const rules = await openFile('outside-ct-import.coerce');
    const original = rules.getText();
    const setText = async (text: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(rules.uri, new vscode.Range(0, 0, rules.lineCount, 0), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
      // (The runs that follow show whether the saved text is what the rules now say.)
      await rules.save();
    };
    // The eye button of the file's row in the Test Explorer ("Turn on Continuous Run"); the
    // workbench names the row by its test id: controller id and item id, NUL-separated.
    const testFile = vscode.Uri.joinPath(workspaceRoot(), 'outside-ct-import.coerce-test').toString();
    const row = { test: { item: { extId: `pacsWorkbench.ruleTests\0${testFile}` } } };
    await vscode.commands.executeCommand('testing.toggleContinuousRunForTest', row);
    try {
      const before = (await lastRun()).runs;
      await setText(original.replace('concat("EXT-",(0008,0050))', 'concat("OUT-",(0008,0050))'));
      const { last } = await lastRun(before + 1);
      const failed = last?.failed.find((f) => f.id.endsWith('outside-ct-import.coerce-test#a foreign accession number is marked so it never matches a local order'));
      assert.ok(failed, `the edited rule fails its test: ${JSON.stringify(last?.failed.map((f) => f.id))}`);
      assert.deepEqual([failed.messages[0].expected, failed.messages[0].actual], ['"EXT-A123"', '"OUT-A123"']);

      await setText(original);
      const again = await lastRun(before + 2);
      assert.deepEqual(again.last?.failed, [], 'the restored rule passes again');
    } finally {
      await vscode.commands.executeCommand('testing.stopContinuousRun');
      if (rules.getText() !== original) await setText(original);
    }
  });
});
