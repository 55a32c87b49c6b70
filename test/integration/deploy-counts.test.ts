/**
 * One set of numbers from plan to report: the plan's count line, the confirmation's question
 * and the report after applying name the same changes (items) and operations (writes) for the
 * same deploy, here to an export folder (one file written for several items) and to Orthanc.
 * A target that cannot be read shows its failure and no counts at all.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { deploy, type TargetPlan } from '../../core/src/deploy/deploy';
import { itemLines } from '../../core/src/deploy/diff';
import { confirmQuestion, formatDeployReport, formatPlan, planCounts, planSides } from '../../core/src/deploy/report';
import { ARCHIVE, CT1, MR1_DISABLED, pacsText, writePacs } from './deploy-helpers';
import { tempDir } from './peers';

describe('deploy counts agree between plan, confirmation and report', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('deploy-counts');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the same changes and operations everywhere for a folder target', async () => {
    writePacs(dir, 'site.pacs', pacsText(['deploy folder "export"'], [CT1, ARCHIVE, MR1_DISABLED]));
    assert.equal((await deploy({ file: path.join(dir, 'site.pacs'), snapshotDir: path.join(dir, 'snapshots') })).ok, true);
    // Two device rows change: two changes, one file (devices.tsv) to write.
    const port = (d: typeof CT1) => ({ ...d, lines: d.lines.map((l) => (/^port /.test(l) ? 'port 4242' : l)) });
    const file = writePacs(dir, 'site.pacs', pacsText(['deploy folder "export"'], [CT1, port(ARCHIVE), port(MR1_DISABLED)]));
    let asked: TargetPlan[] = [];
    const report = await deploy({ file, snapshotDir: path.join(dir, 'snapshots'), confirm: async (plans) => ((asked = plans), true) });
    assert.equal(report.ok, true, JSON.stringify(report.targets));
    const [plan] = asked;
    const changes = plan.diff.added.length + plan.diff.changed.length + plan.diff.removed.length;
    const operations = plan.operations.length;
    assert.ok(changes > 0 && operations > 0 && changes !== operations, `a folder writes one file for several items: ${changes} changes, ${operations} operations`);
    assert.deepEqual([changes, operations], [2, 1]);
    const counts = '2 changes (0 added, 2 changed, 0 removed) in 1 operation';
    assert.equal(planCounts(asked), counts);
    assert.equal(confirmQuestion(file, asked), `Apply ${counts} from site.pacs to ${plan.target}?`);
    assert.ok(formatPlan(plan).includes('  0 added, 2 changed, 0 removed, 1 unchanged: 2 changes in 1 operation'), formatPlan(plan).join('\n'));
    const lines = formatDeployReport(report);
    assert.ok(lines.includes('  result: applied and verified (2 changes in 1 operation)'), lines.join('\n'));
  });

  it('shows the plan as two texts, one entry a line, that differ exactly in the changed entries', async () => {
    const file = writePacs(dir, 'site.pacs', pacsText(['deploy folder "export"'], [CT1, ARCHIVE]));
    await deploy({ file, snapshotDir: path.join(dir, 'snapshots') });
    // Change one device's port and add one: the plan's two sides differ in those entries only.
    const changed = writePacs(dir, 'site.pacs', pacsText(['deploy folder "export"'], [{ ...CT1, lines: CT1.lines.map((l) => (l === 'port 104' ? 'port 11112' : l)) }, ARCHIVE, MR1_DISABLED]));
    const dry = await deploy({ file: changed, dryRun: true, snapshotDir: path.join(dir, 'snapshots') });
    const [plan] = dry.targets;
    const { current, desired } = planSides(dry.targets);
    const onlyLeft = current.filter((l) => !desired.includes(l));
    const onlyRight = desired.filter((l) => !current.includes(l));
    assert.deepEqual(onlyLeft.map((l) => l.split('  ')[0]), plan.diff.changed.map((c) => c.id));
    assert.deepEqual(onlyRight.map((l) => l.split('  ')[0]).sort(), [...plan.diff.changed.map((c) => c.id), ...plan.diff.added].sort());
    assert.deepEqual(itemLines({ b: { y: 1, x: 'a' }, a: {} }), ['a', 'b  x="a"  y=1']);
  });

  it('shows no counts for a target that could not be read, only why', async () => {
    // A port nothing listens on: reserve one, then close it.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const file = writePacs(dir, 'site.pacs', pacsText([`deploy orthanc "http://127.0.0.1:${port}"`], [CT1]));
    const report = await deploy({ file, dryRun: true, timeoutMs: 5000 });
    const [target] = report.targets;
    assert.equal(target.read, false);
    assert.equal(target.outcome, 'failed');
    const lines = formatDeployReport(report);
    assert.ok(!lines.some((l) => /\d+ added|\d+ changes?/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /error: reading http:\/\/127\.0\.0\.1:\d+.*/.test(l)), lines.join('\n'));
    assert.equal(planCounts(report.targets), '0 changes (0 added, 0 changed, 0 removed) in 0 operations');
  });
});
