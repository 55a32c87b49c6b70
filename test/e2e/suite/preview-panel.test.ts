/**
 * The preview panel as a reader sees it, in a real VS Code: the page itself reports how its
 * content fits the panel (measured in the webview: document scroll width against the panel's
 * width) and which characters it marks inside values; the export writes files that are read
 * back; Compare Before/After opens VS Code's diff editor; Add Samples updates the setting;
 * Apply to Folder writes the coerced files. Samples: the example workspace's.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PageReport } from '../../../client/src/features/preview/previewPanel';
import { activeApi, diffTabOpened, openFile, workspaceRoot } from './helpers';

interface PreviewState {
  generation: number;
  expanded: string[];
  rendered?: PageReport;
  samples: Array<{ name: string; status: string; changes: Array<{ path: string; before: string | null; after: string | null }> }>;
}

const SAMPLE_COUNT = 3;
const state = async (options: Record<string, unknown> = {}): Promise<PreviewState> => {
  const s = await vscode.commands.executeCommand<PreviewState | undefined>('pacsWorkbench.preview.lastResult', { rendered: true, ...options });
  assert.ok(s, 'the preview is open');
  return s;
};
const measure = (options: { filter?: string; drop?: string } = {}) => vscode.commands.executeCommand<PageReport>('pacsWorkbench.preview.measurePage', options);

/** Measures until the page has the expected width class (a layout change reaches the webview asynchronously). */
async function measureUntil(predicate: (r: PageReport) => boolean, what: string): Promise<PageReport> {
  const deadline = Date.now() + 20_000;
  let report = await measure();
  while (!predicate(report) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling a layout, not waiting a fixed time for a result
    report = await measure();
  }
  assert.ok(predicate(report), `${what}; the page reports ${JSON.stringify(report.layout)}`);
  return report;
}

const sampleUri = (relative: string) => vscode.Uri.joinPath(workspaceRoot(), relative).toString();

describe('preview panel: layout, highlight, export, compare', () => {
  let rules: vscode.TextDocument;

  before(async () => {
    await activeApi();
    await vscode.commands.executeCommand('pacsWorkbench.preview.pickSamples', []);
    rules = await openFile('outside-ct-import.coerce');
    await vscode.commands.executeCommand('pacsWorkbench.preview.open', rules.uri);
    await state({ document: '/outside-ct-import.coerce', sampleCount: SAMPLE_COUNT });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.evenEditorWidths');
    await vscode.commands.executeCommand('workbench.view.explorer');
    // Later suites start from one empty editor group, as after start-up.
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
  });

  it('fits a narrow side panel without a horizontal scroll bar: before and after stacked', async () => {
    // All attributes of one sample too: long UIDs and keywords are the hard case.
    await vscode.commands.executeCommand('pacsWorkbench.preview.showAllAttributes', sampleUri('samples/ct-outside.dcm'), true);
    await state({ rendered: true });
    await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{ size: 0.78 }, { size: 0.22 }] });
    const narrow = await measureUntil((r) => (r.layout?.viewportWidth ?? 1e9) < 420, 'the preview panel becomes narrow');
    assert.equal(narrow.layout!.stacked, true, 'a narrow panel stacks before and after');
    assert.ok(narrow.layout!.scrollWidth <= narrow.layout!.viewportWidth, `no horizontal scroll: content ${narrow.layout!.scrollWidth}px in a ${narrow.layout!.viewportWidth}px panel`);
    assert.ok(narrow.layout!.widestRow <= narrow.layout!.viewportWidth, `every row fits: widest ${narrow.layout!.widestRow}px`);

    // The test window's editor area is small: without the side bar, and most of it for the preview.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{ size: 150 }, { size: 850 }] });
    const wide = await measureUntil((r) => (r.layout?.viewportWidth ?? 0) > 620, 'the preview panel becomes wide');
    assert.equal(wide.layout!.stacked, false, 'a wide panel shows before and after side by side');
    assert.ok(wide.layout!.scrollWidth <= wide.layout!.viewportWidth, `no horizontal scroll when wide either: ${JSON.stringify(wide.layout)}`);
    await vscode.commands.executeCommand('pacsWorkbench.preview.showAllAttributes', sampleUri('samples/ct-outside.dcm'), false);
  });

  it('marks exactly the changed characters inside values', async () => {
    const report = (await state({ rendered: true })).rendered!;
    const mark = (path: string, side: 'before' | 'after') => {
      const found = report.marks?.find((m) => m.sample === sampleUri('samples/ct-outside.dcm') && m.path === path && m.side === side);
      assert.ok(found, `the page shows ${side} of ${path}; marks: ${JSON.stringify(report.marks)}`);
      return found;
    };
    assert.deepEqual(mark('(0008,0050)', 'before'), { sample: sampleUri('samples/ct-outside.dcm'), path: '(0008,0050)', side: 'before', text: 'A123', marked: [] });
    assert.deepEqual([mark('(0008,0050)', 'after').text, mark('(0008,0050)', 'after').marked], ['EXT-A123', ['EXT-']]);
    assert.deepEqual([mark('SEQ(0040,0275,0,0040,1001)', 'after').text, mark('SEQ(0040,0275,0,0040,1001)', 'after').marked], ['EXT-RP77', ['EXT-']]);
    assert.deepEqual([mark('(0008,0080)', 'before').marked, mark('(0008,0080)', 'after').marked], [['Clinic & Imaging <North>'], ['Hospital']]);
    // Empty and deleted are words, not values: no value element, nothing marked.
    assert.deepEqual([mark('(0008,1030)', 'before').text, mark('(0008,1030)', 'after').marked], [null, ['Imported A123']]);
    assert.deepEqual([mark('(0008,0090)', 'after').text, mark('(0008,0090)', 'after').marked], [null, []]);
  });

  it('filters rows by tag, keyword or value in the page', async () => {
    const accession = await measure({ filter: 'accession' });
    assert.ok(accession.visibleRows!.length > 0 && accession.visibleRows!.every((p) => p === '(0008,0050)'), JSON.stringify(accession.visibleRows));
    const byValue = await measure({ filter: 'rp77' });
    assert.deepEqual([...new Set(byValue.visibleRows)], ['SEQ(0040,0275,0,0040,1001)']);
    const cleared = await measure({ filter: '' });
    assert.ok(cleared.visibleRows!.length > byValue.visibleRows!.length);
  });

  it('exports the result as CSV and JSON files that read back', async () => {
    const csvUri = vscode.Uri.joinPath(workspaceRoot(), 'test-export.csv');
    const jsonUri = vscode.Uri.joinPath(workspaceRoot(), 'test-export.json');
    await vscode.commands.executeCommand('pacsWorkbench.preview.export', 'csv', csvUri);
    await vscode.commands.executeCommand('pacsWorkbench.preview.export', 'json', jsonUri);
    const csv = Buffer.from(await vscode.workspace.fs.readFile(csvUri)).toString('utf8').split('\r\n');
    assert.equal(csv[0], 'sample,status,path,keyword,before,after,change,rule');
    assert.ok(csv.includes('samples/ct-outside.dcm,changed,"(0008,0050)",AccessionNumber,A123,EXT-A123,changed,outside-ct-import.coerce:8'), csv.join('\n'));
    const json = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(jsonUri)).toString('utf8'));
    assert.equal(json.samples.length, SAMPLE_COUNT);
    assert.equal(json.samples.find((s: { name: string }) => s.name === 'samples/ct-outside.dcm').changes[0].after, 'EXT-A123');
    await vscode.workspace.fs.delete(csvUri);
    await vscode.workspace.fs.delete(jsonUri);
  });

  it('compares a sample before and after in the diff editor, one attribute a line', async () => {
    const opened = diffTabOpened();
    await vscode.commands.executeCommand('pacsWorkbench.preview.compareBeforeAfter', sampleUri('samples/ct-outside.dcm'));
    const tab = await opened;
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'pacs-dump');
    assert.match(tab.label, /ct-outside\.dcm/);
    const [left, right] = await Promise.all([vscode.workspace.openTextDocument(input.original), vscode.workspace.openTextDocument(input.modified)]);
    assert.ok(left.getText().includes('(0008,0050) SH AccessionNumber "A123"\n'), left.getText());
    assert.ok(right.getText().includes('(0008,0050) SH AccessionNumber "EXT-A123"\n'));
    assert.ok(!right.getText().includes('ReferringPhysicianName'), 'the deleted attribute is not in the after dump');
    await vscode.window.tabGroups.close(tab);
  });

  it('adds a folder to the sample globs (Add Samples) and previews its files', async () => {
    const config = vscode.workspace.getConfiguration('pacsWorkbench');
    const folder = vscode.Uri.joinPath(workspaceRoot(), 'test-added');
    const original = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'samples/mr-research.json'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'extra.json'), original);
    try {
      const before = await state();
      const added = await vscode.commands.executeCommand<{ globs: string[] }>('pacsWorkbench.preview.addSamples', [folder]);
      assert.deepEqual(added.globs, ['test-added/**/*.dcm', 'test-added/**/*.json']);
      assert.deepEqual(vscode.workspace.getConfiguration('pacsWorkbench').get('preview.samples'), ['samples/**/*.dcm', 'samples/**/*.json', 'test-added/**/*.dcm', 'test-added/**/*.json']);
      const after = await state({ sampleCount: SAMPLE_COUNT + 1, generationAfter: before.generation });
      assert.ok(after.samples.some((s) => s.name === 'test-added/extra.json' && s.status === 'changed'), JSON.stringify(after.samples.map((s) => s.name)));
    } finally {
      await config.update('preview.samples', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(folder, { recursive: true });
    }
    await state({ sampleCount: SAMPLE_COUNT });
  });

  it('adds a file dropped onto the panel as a sample and previews it', async () => {
    // Not a real OS drag: the extension-host tests cannot drive the mouse. The page dispatches
    // to itself the dragover and drop events a drop from the Explorer delivers (a DataTransfer
    // with the file's URI as text/uri-list), so its own listeners, the message to the
    // extension and Add Samples all run as for a real drop.
    const config = vscode.workspace.getConfiguration('pacsWorkbench');
    const file = vscode.Uri.joinPath(workspaceRoot(), 'test-dropped', 'dropped.json');
    await vscode.workspace.fs.writeFile(file, await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'samples/mr-research.json')));
    try {
      const before = await state();
      const report = await measure({ drop: `# dragged from the Explorer\r\n${file.toString()}\r\n` });
      assert.equal(report.dropTarget, true, 'the page marks itself as a drop target while files are dragged over it');
      const after = await state({ sampleCount: SAMPLE_COUNT + 1, generationAfter: before.generation });
      const dropped = after.samples.find((s) => s.name === 'test-dropped/dropped.json');
      assert.ok(dropped, `the dropped file is a sample: ${JSON.stringify(after.samples.map((s) => s.name))}`);
      assert.equal(dropped.status, 'changed');
      assert.deepEqual(dropped.changes.find((c) => c.path === '(0008,0080)'), { path: '(0008,0080)', keyword: 'InstitutionName', before: 'RESEARCH INSTITUTE', after: 'Outside Hospital', rule: 'outside-ct-import.coerce:11' });
      assert.equal(after.rendered?.samples, SAMPLE_COUNT + 1, 'the page shows it');
      assert.ok((vscode.workspace.getConfiguration('pacsWorkbench').get<string[]>('preview.samples') ?? []).includes('test-dropped/dropped.json'), 'the setting names the dropped file');
    } finally {
      await config.update('preview.samples', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), 'test-dropped'), { recursive: true });
    }
    await state({ sampleCount: SAMPLE_COUNT });
  });

  it('applies the rules to a folder with the pacsw apply engine', async () => {
    const out = vscode.Uri.joinPath(workspaceRoot(), 'test-apply-out');
    const summary = await vscode.commands.executeCommand<{ files: number; counts: Record<string, number>; cancelled: number }>(
      'pacsWorkbench.preview.applyToFolder', { input: vscode.Uri.joinPath(workspaceRoot(), 'samples'), output: out },
    );
    try {
      assert.equal(summary.cancelled, 0);
      assert.ok(summary.counts.changed >= 2, JSON.stringify(summary));
      const written = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(out, 'ct-outside.dcm'));
      assert.ok(Buffer.from(written).includes(Buffer.from('EXT-A123')), 'the coerced accession number is in the written file');
    } finally {
      await vscode.workspace.fs.delete(out, { recursive: true });
    }
  });
});
