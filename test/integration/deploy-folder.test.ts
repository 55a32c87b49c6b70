import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deploy, type DeployOptions } from '../../core/src/deploy/deploy';
import { ARCHIVE, CT1, MR1_DISABLED, pacsText, writePacs, type Device } from './deploy-helpers';
import { tempDir } from './peers';

/** Every file under `root` (relative paths, sorted) with its text. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(root, p).split(path.sep).join('/')] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

describe('deploy to an export folder', () => {
  let dir: string;
  let root: string;
  beforeEach(() => {
    dir = tempDir('deploy-folder');
    root = path.join(dir, 'export', 'PACS_TEST');
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.writeFileSync(path.join(dir, 'rules', 'preceding.coerce'), '# Preceding\n\n$(@PROCESS)=if(equals((0008,0060),"SR"),NULL(),$(@PROCESS))\n(0010,0010)=concat("X",(0010,0010))\n');
    fs.writeFileSync(path.join(dir, 'rules', 'trailing.coerce'), '(0008,0080)="ST EXAMPLE"\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const server = ['rules preceding "rules/preceding.coerce"', 'rules trailing "rules/trailing.coerce"'];
  function file(devices: Device[]): string {
    return writePacs(dir, 'site.pacs', pacsText(['deploy folder "export"'], devices, server));
  }
  const opts = (f: string, more: Partial<DeployOptions> = {}): DeployOptions => ({ file: f, snapshotDir: path.join(dir, 'snapshots'), ...more });

  it('writes the device table and each rule set, one rule per line, the global sets apart', async () => {
    const report = await deploy(opts(file([CT1, ARCHIVE, MR1_DISABLED])));
    assert.equal(report.ok, true, JSON.stringify(report, null, 2));
    assert.equal(report.targets[0].outcome, 'applied');
    assert.equal(report.targets[0].target, root);
    const files = tree(root);
    assert.deepEqual(Object.keys(files).sort(), ['categories.tsv', 'devices.tsv', 'global/preceding.txt', 'global/trailing.txt', 'rules/CT1.txt']);
    // Ready to paste: rules only, no comments or blank lines.
    assert.equal(files['rules/CT1.txt'], '(0008,0050)=concat("CT",(0008,0050))\n');
    assert.equal(files['global/preceding.txt'], '$(@PROCESS)=if(equals((0008,0060),"SR"),NULL(),$(@PROCESS))\n(0010,0010)=concat("X",(0010,0010))\n');
    assert.equal(files['global/trailing.txt'], '(0008,0080)="ST EXAMPLE"\n');
    const rows = files['devices.tsv'].trimEnd().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(rows[0], ['ID', 'Type', 'AE Title', 'Host', 'Port', 'TCP Port', 'TLS Port', 'Category', 'Send Timer', 'Receive Timer', 'Services', 'Task Limits', 'Enabled', 'Link', 'Rules']);
    assert.deepEqual(rows[1], ['CT1', 'dicom', 'CT_SCANNER', '10.0.0.11', '104', '', '', '', '', '', 'store U; mwl U; commit P', '', 'yes', '', 'rules/CT1.txt']);
    assert.deepEqual(rows[2], ['ARCHIVE', 'dicom', 'ARCHIVE_QR', '10.0.0.12', '11112', '', '', '', '', '', 'store P; qr U P; autortv', '', 'yes', '', '']);
    assert.equal(rows[3][0], 'MR1');
    assert.equal(rows[3][12], 'no', 'a disabled row stays in the table, marked');
  });

  it('deploying again changes nothing; a dry run writes nothing', async () => {
    const f = file([CT1, ARCHIVE]);
    await deploy(opts(f));
    const before = tree(root);
    const mtimes = Object.keys(before).map((k) => fs.statSync(path.join(root, k)).mtimeMs);
    const again = await deploy(opts(f));
    assert.equal(again.targets[0].outcome, 'unchanged');
    assert.deepEqual(again.targets[0].operations, []);
    assert.deepEqual(Object.keys(before).map((k) => fs.statSync(path.join(root, k)).mtimeMs), mtimes);

    const changed = file([ARCHIVE]);
    const dry = await deploy(opts(changed, { dryRun: true }));
    assert.equal(dry.targets[0].outcome, 'dry-run');
    assert.deepEqual(dry.targets[0].diff.removed, ['device CT1']);
    assert.deepEqual(tree(root), before);
  });

  it('a changed rule and a deleted device: field-level difference, rule file replaced and removed', async () => {
    await deploy(opts(file([CT1, ARCHIVE])));
    const ct1 = { id: 'CT1', lines: CT1.lines.map((l) => l.replace('"CT"', '"CTX"')) };
    const r1 = await deploy(opts(file([ct1, ARCHIVE])));
    assert.deepEqual(r1.targets[0].diff.changed, [{ id: 'device CT1', changes: [{ field: 'rules', before: '(0008,0050)=concat("CT",(0008,0050))\n', after: '(0008,0050)=concat("CTX",(0008,0050))\n' }] }]);
    assert.deepEqual(r1.targets[0].operations, ['write rules/CT1.txt']);
    assert.equal(fs.readFileSync(path.join(root, 'rules/CT1.txt'), 'utf8'), '(0008,0050)=concat("CTX",(0008,0050))\n');

    const r2 = await deploy(opts(file([ARCHIVE])));
    assert.deepEqual(r2.targets[0].diff.removed, ['device CT1']);
    assert.ok(!fs.existsSync(path.join(root, 'rules/CT1.txt')));
    assert.doesNotMatch(fs.readFileSync(path.join(root, 'devices.tsv'), 'utf8'), /CT1/);
    // Atomic writes leave no temporary files behind.
    assert.deepEqual(Object.keys(tree(root)).filter((k) => k.includes('.tmp')), []);
  });

  it('a changed Parent/Child row offers every other server of the hierarchy (links followed)', async () => {
    const link = (id: string, type: string, to: string): Device => ({ id, lines: [`type ${type}`, `ae "${id}"`, 'host 10.0.0.1', 'port 104', `link "${to}"`] });
    writePacs(dir, 'central.pacs', pacsText(['deploy folder "export"'], [link('MAIN', 'child', 'site.pacs'), link('REGION', 'parent', 'region.pacs')]).replace('PACS_TEST', 'CENTRAL'));
    writePacs(dir, 'region.pacs', pacsText([], [link('CENTRAL', 'child', 'central.pacs')]).replace('PACS_TEST', 'REGION'));
    const f = file([CT1, link('PARENT', 'parent', 'central.pacs')]);
    const first = await deploy(opts(f, { dryRun: true }));
    assert.deepEqual(first.hierarchy.sort(), [path.join(dir, 'central.pacs'), path.join(dir, 'region.pacs')]);
    await deploy(opts(f));
    // Only a plain device changes: nothing to offer.
    const ct1 = { id: 'CT1', lines: CT1.lines.map((l) => l.replace('port 104', 'port 105')) };
    const second = await deploy(opts(file([ct1, link('PARENT', 'parent', 'central.pacs')]), { dryRun: true }));
    assert.deepEqual(second.targets[0].diff.changed.map((c) => c.id), ['device CT1']);
    assert.deepEqual(second.hierarchy, []);
  });

  it('a write that fails half-way is rolled back: every file as it was', async () => {
    await deploy(opts(file([CT1, ARCHIVE])));
    const before = tree(root);
    // A folder where the new rule file must go makes that rename fail (a real EISDIR/EEXIST).
    const withMr: Device = { id: 'MR2', lines: ['type dicom', 'ae "MR2"', 'host 10.0.0.20', 'port 104', 'rules {', '  (0008,0070)="X"', '}'] };
    const ct1 = { id: 'CT1', lines: CT1.lines.map((l) => l.replace('"CT"', '"CTX"')) };
    fs.mkdirSync(path.join(root, 'rules', 'MR2.txt'));
    fs.writeFileSync(path.join(root, 'rules', 'MR2.txt', 'keep'), '');
    const report = await deploy(opts(file([ct1, ARCHIVE, withMr])));
    const t = report.targets[0];
    assert.equal(t.outcome, 'failed');
    assert.deepEqual(t.applied, ['write rules/CT1.txt']);
    assert.match(t.error!, /MR2\.txt/);
    assert.deepEqual(t.rollback, { ok: true });
    const after = tree(root);
    delete after['rules/MR2.txt/keep'];
    assert.deepEqual(after, before);
  });
});
