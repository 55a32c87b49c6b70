/**
 * The live preview in a real VS Code: the panel opens as a webview tab beside the rule file,
 * its page renders (acknowledged by the page's own script under its CSP), and what it shows
 * follows edits, the active editor, the chosen samples and the global rules setting. The
 * samples are the example workspace's (examples/workspace/samples).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, openFile, workspaceRoot } from './helpers';

interface PreviewState {
  document: string;
  documentVersion?: number;
  generation: number;
  title: string;
  notes: string[];
  ruleSets: string[];
  rendered?: { samples: number; links: number };
  samples: Array<{
    name: string;
    status: string;
    error?: string;
    stoppedBy?: string;
    changes: Array<{ path: string; keyword: string; before: string | null; after: string | null; rule: string }>;
  }>;
}

interface WaitOptions {
  document?: string;
  documentVersion?: number;
  generationAfter?: number;
  sampleCount?: number;
  rendered?: boolean;
}

async function previewState(options: WaitOptions = {}): Promise<PreviewState> {
  const state = await vscode.commands.executeCommand<PreviewState | undefined>('pacsWorkbench.preview.lastResult', { rendered: true, ...options });
  assert.ok(state, 'the preview panel is open');
  return state;
}

const sample = (state: PreviewState, name: string) => {
  const found = state.samples.find((s) => s.name === name);
  assert.ok(found, `sample ${name} is previewed; samples: ${state.samples.map((s) => s.name).join(', ')}`);
  return found;
};

function previewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
}

async function replaceAll(document: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

const SAMPLES = ['samples/ct-outside.dcm', 'samples/mg-for-processing.dcm', 'samples/mr-research.json'];

describe('preview', () => {
  let rules: vscode.TextDocument;
  let original: string;

  before(async () => {
    await activeApi();
    await vscode.commands.executeCommand('pacsWorkbench.preview.pickSamples', []);
    rules = await openFile('outside-ct-import.coerce');
    original = rules.getText();
  });

  after(async () => {
    await replaceAll(rules, original);
    await rules.save();
  });

  it('offers a code lens on the rule file that counts the samples', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', rules.uri);
    const lens = lenses.find((l) => l.command?.command === 'pacsWorkbench.preview.open');
    assert.ok(lens, `a preview code lens; got ${JSON.stringify(lenses.map((l) => l.command?.title))}`);
    assert.equal(lens.range.start.line, 0);
    assert.equal(lens.command?.title, '$(open-preview) Preview on 3 samples');
    assert.equal((lens.command?.arguments?.[0] as vscode.Uri).toString(), rules.uri.toString());
  });

  it('opens a webview tab titled after the rule file, and the page shows every sample', async () => {
    await vscode.commands.executeCommand('pacsWorkbench.preview.open');
    const tabs = previewTabs().filter((t) => t.label === 'Preview: outside-ct-import.coerce');
    assert.equal(tabs.length, 1, `tabs: ${JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)))}`);
    assert.match((tabs[0].input as vscode.TabInputWebview).viewType, /pacsWorkbench\.preview$/);

    const state = await previewState({ document: '/outside-ct-import.coerce' });
    assert.equal(state.title, 'Preview: outside-ct-import.coerce');
    assert.deepEqual(state.samples.map((s) => [s.name, s.status]), [
      ['samples/ct-outside.dcm', 'changed'],
      ['samples/mg-for-processing.dcm', 'changed'],
      ['samples/mr-research.json', 'changed'],
    ]);
    assert.deepEqual(
      sample(state, 'samples/ct-outside.dcm').changes.find((c) => c.path === '(0008,0050)'),
      { path: '(0008,0050)', keyword: 'AccessionNumber', before: 'A123', after: 'EXT-A123', rule: 'outside-ct-import.coerce:8' },
    );
    // The page's script ran under the Content-Security-Policy and reported what it shows.
    assert.equal(state.rendered?.samples, 3);
    assert.ok((state.rendered?.links ?? 0) > 10, `rule links in the page: ${state.rendered?.links}`);
  });

  it('follows edits to the rule file as you type', async () => {
    const edit = new vscode.WorkspaceEdit();
    const line = rules.lineAt(7);
    assert.match(line.text, /concat\("EXT-"/);
    edit.replace(rules.uri, line.range, line.text.replace('"EXT-"', '"OUT-"'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    let state = await previewState({ document: '/outside-ct-import.coerce', documentVersion: rules.version });
    assert.equal(state.documentVersion, rules.version);
    assert.equal(sample(state, 'samples/ct-outside.dcm').changes.find((c) => c.path === '(0008,0050)')?.after, 'OUT-A123');

    // A stop at the top: every object is stopped by line 1 and nothing else runs.
    const stop = new vscode.WorkspaceEdit();
    stop.insert(rules.uri, new vscode.Position(0, 0), '$(@PROCESS)=NULL()\n');
    assert.ok(await vscode.workspace.applyEdit(stop));
    state = await previewState({ document: '/outside-ct-import.coerce', documentVersion: rules.version });
    for (const s of state.samples) {
      assert.equal(s.status, 'stopped', s.name);
      assert.equal(s.stoppedBy, 'outside-ct-import.coerce:1');
      assert.deepEqual(s.changes, []);
    }
    await replaceAll(rules, original);
    await previewState({ document: '/outside-ct-import.coerce', documentVersion: rules.version });
  });

  it('reveals the line of a rule, as a rule link in the page asks', async () => {
    await vscode.commands.executeCommand('pacsWorkbench.preview.revealRule', rules.uri.toString(), 10);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), rules.uri.toString());
    assert.equal(editor?.selection.start.line, 10);
    assert.equal(editor?.document.lineAt(10).text, '(0008,0080)="Outside Hospital"');
  });

  it('follows the active rule editor, and shows objects that $(@PROCESS) stops as stopped', async () => {
    await openFile('documented-examples.coerce');
    const state = await previewState({ document: '/documented-examples.coerce' });
    assert.equal(state.title, 'Preview: documented-examples.coerce');
    assert.equal(previewTabs().filter((t) => t.label === 'Preview: documented-examples.coerce').length, 1);
    const mammo = sample(state, 'samples/mg-for-processing.dcm');
    assert.equal(mammo.status, 'stopped');
    assert.equal(mammo.stoppedBy, 'documented-examples.coerce:10');
    assert.equal(sample(state, 'samples/ct-outside.dcm').status, 'changed');
  });

  it('runs on the chosen samples only, and shows a file that is not DICOM as failed', async () => {
    const before = await previewState();
    const broken = vscode.Uri.joinPath(workspaceRoot(), 'broken-sample.dcm');
    await vscode.workspace.fs.writeFile(broken, Buffer.from('not a DICOM file\n'));
    const ct = vscode.Uri.joinPath(workspaceRoot(), 'samples', 'ct-outside.dcm');
    await vscode.commands.executeCommand('pacsWorkbench.preview.pickSamples', [ct, broken]);
    const state = await previewState({ generationAfter: before.generation, sampleCount: 2 });
    assert.deepEqual(state.samples.map((s) => [s.name, s.status]), [
      ['samples/ct-outside.dcm', 'changed'],
      ['broken-sample.dcm', 'failed'],
    ]);
    assert.match(sample(state, 'broken-sample.dcm').error ?? '', /^not readable as DICOM: /);
    assert.equal(state.rendered?.samples, 2);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', rules.uri);
    assert.ok(lenses.some((l) => l.command?.title === '$(open-preview) Preview on 2 samples'));

    await vscode.commands.executeCommand('pacsWorkbench.preview.pickSamples', []);
    await previewState({ sampleCount: SAMPLES.length });
  });

  it('lets you choose samples in the picker: unticking one and accepting previews the others; Escape changes nothing', async () => {
    const before = await previewState({ sampleCount: SAMPLES.length });
    const showPicker = async (interact: () => Promise<void>): Promise<void> => {
      const picked = vscode.commands.executeCommand('pacsWorkbench.preview.pickSamples');
      // The list is shown once the sample globs are searched; the commands below act on it.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await interact();
      const settled = await Promise.race([picked.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
      assert.ok(settled, 'the picker closed');
    };
    // All three start ticked; the focused item is unticked (as Space does), then the list accepted.
    await showPicker(async () => {
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.quickPickManyToggle');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    });
    const state = await previewState({ generationAfter: before.generation, sampleCount: SAMPLES.length - 1 });
    const kept = state.samples.map((s) => s.name);
    assert.equal(kept.filter((name) => SAMPLES.includes(name)).length, SAMPLES.length - 1, `kept ${kept.join(', ')}`);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', rules.uri);
    assert.ok(lenses.some((l) => l.command?.title === `$(open-preview) Preview on ${SAMPLES.length - 1} samples`));

    await showPicker(async () => {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    });
    const after = await previewState();
    assert.deepEqual(after.samples.map((s) => s.name), kept, 'Escape keeps the choice');

    await vscode.commands.executeCommand('pacsWorkbench.preview.pickSamples', []);
    await previewState({ sampleCount: SAMPLES.length });
  });

  it('takes over a panel VS Code restores after a reload, on the rule file its page remembered', async () => {
    // What VS Code does on reload: it makes a panel of the view type and hands it, with the
    // page's saved state, to the serializer, which runs the same code as this command.
    await vscode.window.tabGroups.close(previewTabs());
    assert.equal(await vscode.commands.executeCommand('pacsWorkbench.preview.lastResult'), undefined, 'no preview is open');
    const panel = vscode.window.createWebviewPanel('pacsWorkbench.preview', 'Preview', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    await vscode.commands.executeCommand('pacsWorkbench.preview.restorePanel', panel, { document: rules.uri.toString() });
    const state = await previewState({ document: '/outside-ct-import.coerce', sampleCount: SAMPLES.length });
    assert.equal(state.title, 'Preview: outside-ct-import.coerce');
    assert.equal(state.rendered?.samples, SAMPLES.length, 'the restored page runs its script and shows every sample');
    assert.equal(previewTabs().length, 1);

    // One preview at a time: a second restored panel is closed.
    const second = vscode.window.createWebviewPanel('pacsWorkbench.preview', 'Preview', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    const disposed = new Promise<boolean>((resolve) => second.onDidDispose(() => resolve(true)));
    await vscode.commands.executeCommand('pacsWorkbench.preview.restorePanel', second, { document: rules.uri.toString() });
    assert.equal(await disposed, true);
    assert.equal(previewTabs().length, 1);
  });

  it('runs the Preceding Global rules of the setting first', async () => {
    await openFile('outside-ct-import.coerce');
    await previewState({ document: '/outside-ct-import.coerce' });
    const config = vscode.workspace.getConfiguration('pacsWorkbench');
    await config.update('preview.globalRules', { preceding: 'devices/rules/preceding.coerce' }, vscode.ConfigurationTarget.Workspace);
    try {
      const mg = 'samples/mg-for-processing.dcm';
      const state = await waitFor(() => previewState({ document: '/outside-ct-import.coerce' }), (s) => sample(s, mg).status === 'stopped');
      assert.deepEqual(state.ruleSets, ['Preceding Global', 'outside-ct-import.coerce']);
      assert.equal(sample(state, mg).stoppedBy, 'preceding.coerce:2');
      assert.deepEqual(sample(state, mg).changes, []);
      assert.equal(sample(state, 'samples/ct-outside.dcm').status, 'changed');
    } finally {
      await config.update('preview.globalRules', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

/** Re-reads the state after each evaluation until `predicate` holds (bounded by the hook's timeout). */
async function waitFor(read: () => Promise<PreviewState>, predicate: (s: PreviewState) => boolean): Promise<PreviewState> {
  let state = await read();
  for (let i = 0; i < 20 && !predicate(state); i++) {
    state = await previewState({ generationAfter: state.generation });
  }
  assert.ok(predicate(state), `the preview never reached the expected state: ${JSON.stringify(state)}`);
  return state;
}
