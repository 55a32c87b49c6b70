/**
 * *Compare Rule Effect with HEAD* in a real VS Code with its built-in Git extension: the test
 * workspace (a copy of examples/workspace) is made a Git repository and committed, a rule is
 * edited, and the preview panel must show only what the edit changes on the samples — the
 * changed attribute, committed result → result now — and nothing else. The command is offered
 * (its context key lists the file) only on rule files with uncommitted changes.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeApi, openFile, workspaceRoot } from './helpers';

interface Mark { sample: string; path: string; side: 'before' | 'after'; text: string | null; marked: string[] }
interface State {
  title: string;
  impact?: { against: string; differing: Array<{ name: string; attributes: Array<{ path: string; keyword: string; original: string | null; old: string | null; new: string | null }>; stop?: string }>; same: string[] };
  rendered?: { samples: number; marks?: Mark[] };
  samples: Array<{ name: string }>;
}

interface GitApi {
  openRepository(root: vscode.Uri): Promise<unknown>;
  getRepository(uri: vscode.Uri): { status(): Promise<void> } | null;
}

const CHANGED = 'pacsWorkbench.preview.rulesChangedSinceHead';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=PACS e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });

/** Polls the context key's list (it follows Git's status, which VS Code refreshes on its own time). */
async function offeredWhen(ok: (files: string[]) => boolean, what: string): Promise<string[]> {
  const until = Date.now() + 60_000;
  for (;;) {
    const files = (await vscode.commands.executeCommand<string[]>(CHANGED)) ?? [];
    if (ok(files)) return files;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; offered on: ${JSON.stringify(files)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Compare Rule Effect with HEAD', () => {
  let root: string;
  let rules: vscode.TextDocument;
  let original: string;

  before(async () => {
    await activeApi();
    root = workspaceRoot().fsPath;
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'the example workspace');
    const extension = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
    assert.ok(extension, 'the built-in Git extension is present');
    const api = (await extension.activate()).getAPI(1);
    await api.openRepository(workspaceRoot());
    assert.ok(api.getRepository(workspaceRoot()), 'VS Code opened the new repository');
    await vscode.commands.executeCommand('pacsWorkbench.preview.pickSamples', []);
    rules = await openFile('outside-ct-import.coerce');
    original = rules.getText();
  });

  after(async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(rules.uri, new vscode.Range(0, 0, rules.lineCount, 0), original);
    await vscode.workspace.applyEdit(edit);
    await rules.save();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Later test files get the workspace as it was: no repository.
    fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
  });

  it('is offered on a rule file once it has uncommitted changes, and only on that one', async () => {
    // (Earlier test files may leave other documents edited and unsaved: only ours is looked at.)
    const committed = rules.uri.toString();
    const untouched = vscode.Uri.joinPath(workspaceRoot(), 'swap-names.coerce').toString();
    await offeredWhen((f) => !f.includes(committed), 'the file not to be offered before any edit');
    const line = rules.lineAt(7);
    assert.match(line.text, /concat\("EXT-"/);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(rules.uri, line.range, line.text.replace('"EXT-"', '"OUT-"'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    // Unsaved: the editor's edit is already an uncommitted change.
    await offeredWhen((f) => f.includes(rules.uri.toString()), 'the edited, unsaved file');
    // Saved: Git's own status says so.
    await rules.save();
    const files = await offeredWhen((f) => f.includes(committed) && !rules.isDirty, 'the saved file');
    assert.ok(!files.includes(untouched), `not offered on a file without changes: ${JSON.stringify(files)}`);
  });

  it('shows in the preview panel only the changed attribute, committed → now', async () => {
    await vscode.window.showTextDocument(rules);
    const state = await vscode.commands.executeCommand<State | undefined>('pacsWorkbench.preview.compareWithHead');
    assert.ok(state?.impact, `the panel shows a comparison: ${JSON.stringify(state)}`);
    assert.deepEqual(state.impact.differing.map((s) => [s.name, s.attributes.map((a) => [a.keyword, a.original, a.old, a.new]), s.stop]), [
      ['samples/ct-outside.dcm', [['AccessionNumber', 'A123', 'EXT-A123', 'OUT-A123']], undefined],
      ['samples/mg-for-processing.dcm', [['AccessionNumber', 'M-991', 'EXT-M-991', 'OUT-M-991']], undefined],
    ]);
    assert.deepEqual(state.impact.same, ['samples/mr-research.json']);
    // What the page itself reports showing: two sections, one row each, old on the left, new on the right.
    assert.equal(state.rendered?.samples, 2);
    const shown = (state.rendered?.marks ?? []).map((m) => [m.sample.slice(m.sample.lastIndexOf('/') + 1), m.path, m.side, m.text]);
    assert.deepEqual(shown, [
      ['ct-outside.dcm', '(0008,0050)', 'before', 'EXT-A123'],
      ['ct-outside.dcm', '(0008,0050)', 'after', 'OUT-A123'],
      ['mg-for-processing.dcm', '(0008,0050)', 'before', 'EXT-M-991'],
      ['mg-for-processing.dcm', '(0008,0050)', 'after', 'OUT-M-991'],
    ]);
    assert.deepEqual(state.rendered?.marks?.map((m) => m.marked), [['EX'], ['OU'], ['EX'], ['OU']]);
  });

  it('follows further edits, and says when the file is back to what is committed', async () => {
    const before = await vscode.commands.executeCommand<{ generation: number }>('pacsWorkbench.preview.lastResult');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(rules.uri, new vscode.Range(0, 0, rules.lineCount, 0), original);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const state = await vscode.commands.executeCommand<State>('pacsWorkbench.preview.lastResult', { rendered: true, documentVersion: rules.version, generationAfter: before.generation });
    assert.deepEqual(state.impact?.differing, []);
    assert.equal(state.rendered?.samples, 0);
  });
});
