import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deploy, restoreSnapshotFile, type DeployOptions } from '../../core/src/deploy/deploy';
import { importFromOrthanc } from '../../core/src/deploy/import';
import { modalityOf } from '../../core/src/deploy/orthancMapping';
import { formatTargetReport } from '../../core/src/deploy/report';
import { validateDeviceText } from '../../core/src/devices/validate';
import {
  ARCHIVE, CT1, MR1_DISABLED, READ1, WEB, modalities, orthancRequest, pacsText, startProxy, writePacs, type Device,
} from './deploy-helpers';
import { startOrthanc, startSilentListener, stopAllPeers, tempDir, type OrthancPeer } from './peers';

const PERSIST = { config: { DicomModalitiesInDatabase: true } };

describe('deploy to a real Orthanc', function () {
  this.timeout(120000);
  let dir: string;

  beforeEach(() => {
    dir = tempDir('deploy');
  });
  afterEach(async () => {
    await stopAllPeers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function fileFor(url: string, devices: Device[], name = 'site.pacs'): string {
    return writePacs(dir, name, pacsText([`deploy orthanc "${url}"`], devices));
  }
  const opts = (file: string, more: Partial<DeployOptions> = {}): DeployOptions => ({ file, snapshotDir: path.join(dir, 'snapshots'), ...more });

  it('first deploy: the enabled DICOM rows become modalities with their services; read back and verified', async () => {
    const orthanc = await startOrthanc(PERSIST);
    const file = fileFor(orthanc.url, [CT1, ARCHIVE, READ1, MR1_DISABLED, WEB]);
    const report = await deploy(opts(file));
    assert.equal(report.ok, true, JSON.stringify(report, null, 2));
    const t = report.targets[0];
    assert.equal(t.outcome, 'applied');
    assert.equal(t.verified, true);
    assert.deepEqual(t.diff.added, ['ARCHIVE', 'CT1', 'READ1']);
    assert.equal(t.applied.length, 3);
    assert.ok(t.notes.some((n) => n.startsWith('MR1: not deployed') && n.includes('disabled')));
    assert.ok(t.notes.some((n) => n.startsWith('WEB: not deployed') && n.includes('no AE title')));

    const m = await modalities(orthanc);
    assert.deepEqual(Object.keys(m).sort(), ['ARCHIVE', 'CT1', 'READ1']);
    assert.equal(m.CT1.AET, 'CT_SCANNER');
    assert.equal(m.CT1.Host, '10.0.0.11');
    assert.equal(m.CT1.Port, 104);
    assert.equal(m.CT1.AllowStore, true);
    assert.equal(m.CT1.AllowFindWorklist, true);
    assert.equal(m.CT1.AllowEventReport, true, 'commit P');
    assert.equal(m.CT1.AllowFind, false);
    assert.equal(m.CT1.AllowMove, false);
    assert.equal(m.ARCHIVE.AllowStore, false, 'store P only: the archive does not send to us');
    assert.equal(m.ARCHIVE.AllowFind, true, 'qr U');
    assert.equal(m.ARCHIVE.AllowMove, true);
    assert.equal(m.ARCHIVE.AllowGet, true);
    assert.equal(m.READ1.Port, 2762);
    assert.equal(m.READ1.UseDicomTls, true);
    // No snapshot left behind after a clean deploy.
    assert.equal(fs.existsSync(path.join(dir, 'snapshots')) ? fs.readdirSync(path.join(dir, 'snapshots')).length : 0, 0);
  });

  it('deploying again changes nothing: 0 changes reported and no PUT or DELETE sent', async () => {
    const orthanc = await startOrthanc(PERSIST);
    await deploy(opts(fileFor(orthanc.url, [CT1, ARCHIVE, READ1])));
    const before = await modalities(orthanc);
    const proxy = await startProxy(orthanc);
    const report = await deploy(opts(fileFor(proxy.url, [CT1, ARCHIVE, READ1]), { confirm: async () => assert.fail('nothing to confirm') }));
    await proxy.stop();
    assert.equal(report.ok, true);
    assert.equal(report.targets[0].outcome, 'unchanged');
    assert.deepEqual(report.targets[0].operations, []);
    assert.deepEqual(report.targets[0].diff.unchanged, ['ARCHIVE', 'CT1', 'READ1']);
    assert.deepEqual(proxy.writes(), []);
    assert.deepEqual(proxy.requests, ['GET /modalities?expand']);
    assert.deepEqual(await modalities(orthanc), before);
  });

  it('change and delete: field-level changes, a foreign modality removed, fields we do not manage kept', async () => {
    const orthanc = await startOrthanc(PERSIST);
    await deploy(opts(fileFor(orthanc.url, [CT1, ARCHIVE, READ1])));
    // Someone set a field we do not manage, and added a modality by hand.
    await orthancRequest(orthanc, 'PUT', '/modalities/CT1', { ...(await modalities(orthanc)).CT1, LocalAet: 'CT_LOCAL', Timeout: 7 });
    await orthancRequest(orthanc, 'PUT', '/modalities/FOREIGN', { AET: 'FOREIGN', Host: '10.9.9.9', Port: 104 });
    const ct1Moved: Device = { id: 'CT1', lines: CT1.lines.map((l) => (l === 'port 104' ? 'port 11112' : l)) };
    const plans: string[][] = [];
    const report = await deploy(opts(fileFor(orthanc.url, [ct1Moved, ARCHIVE]), {
      confirm: async (p) => {
        plans.push(p[0].operations);
        return true;
      },
    }));
    assert.equal(report.ok, true, JSON.stringify(report, null, 2));
    const t = report.targets[0];
    assert.deepEqual(t.diff.changed, [{ id: 'CT1', changes: [{ field: 'Port', before: 104, after: 11112 }] }]);
    assert.deepEqual(t.diff.removed, ['FOREIGN', 'READ1']);
    assert.deepEqual(t.diff.unchanged, ['ARCHIVE']);
    assert.deepEqual(plans, [['DELETE /modalities/FOREIGN', 'DELETE /modalities/READ1', 'PUT /modalities/CT1']]);
    const m = await modalities(orthanc);
    assert.deepEqual(Object.keys(m).sort(), ['ARCHIVE', 'CT1']);
    assert.equal(m.CT1.Port, 11112);
    assert.equal(m.CT1.LocalAet, 'CT_LOCAL');
    assert.equal(m.CT1.Timeout, 7);
  });

  it('a dry run shows the difference and changes nothing', async () => {
    const orthanc = await startOrthanc(PERSIST);
    await deploy(opts(fileFor(orthanc.url, [CT1, ARCHIVE])));
    const before = await modalities(orthanc);
    const proxy = await startProxy(orthanc);
    const report = await deploy(opts(fileFor(proxy.url, [READ1, ARCHIVE]), { dryRun: true }));
    await proxy.stop();
    assert.equal(report.ok, true);
    const t = report.targets[0];
    assert.equal(t.outcome, 'dry-run');
    assert.deepEqual(t.diff.added, ['READ1']);
    assert.deepEqual(t.diff.removed, ['CT1']);
    assert.deepEqual(t.operations, ['DELETE /modalities/CT1', 'PUT /modalities/READ1']);
    assert.deepEqual(proxy.writes(), []);
    assert.deepEqual(await modalities(orthanc), before);
  });

  it('declining the confirmation writes nothing', async () => {
    const orthanc = await startOrthanc();
    const report = await deploy(opts(fileFor(orthanc.url, [CT1]), { confirm: async () => false }));
    assert.equal(report.targets[0].outcome, 'declined');
    assert.deepEqual(await modalities(orthanc), {});
  });

  it('import after a deploy gives back the same table, and deploying the import changes nothing', async () => {
    const orthanc = await startOrthanc(PERSIST);
    const file = fileFor(orthanc.url, [CT1, ARCHIVE, READ1, MR1_DISABLED]);
    await deploy(opts(file));
    const imported = await importFromOrthanc({ url: orthanc.url, serverName: 'PACS_TEST' });
    assert.equal(imported.devices, 3);
    const back = validateDeviceText(imported.text, {});
    assert.deepEqual(back.diagnostics.filter((d) => d.severity === 'error'), [], imported.text);
    const original = validateDeviceText(fs.readFileSync(file, 'utf8'), {}).table;
    const project = (devices: typeof original.devices): Record<string, unknown> =>
      Object.fromEntries(devices.map((d) => [d.id, modalityOf(d)]).filter(([, m]) => (m as { kind: string }).kind === 'modality'));
    assert.deepEqual(project(back.table.devices), project(original.devices));
    assert.equal(back.table.server?.name, 'PACS_TEST');
    assert.deepEqual(back.table.server?.deploy.map((d) => [d.kind, d.target]), [['orthanc', orthanc.url]]);

    const importedFile = writePacs(dir, 'imported.pacs', imported.text);
    const again = await deploy(opts(importedFile));
    assert.equal(again.targets[0].outcome, 'unchanged', JSON.stringify(again.targets[0].diff));
  });

  it('errors in a device or its rules block the deploy before the server is contacted', async () => {
    const orthanc = await startOrthanc();
    const proxy = await startProxy(orthanc);
    const bad: Device = { id: 'BAD', lines: ['type dicom', 'ae "BAD"', 'host 10.0.0.1', 'port 104', 'rules {', '  (0008,0050)=concat(', '}'] };
    const report = await deploy(opts(fileFor(proxy.url, [CT1, bad])));
    await proxy.stop();
    assert.equal(report.ok, false);
    assert.ok(report.blocked.length > 0);
    assert.ok(report.blocked.every((b) => b.line >= 1 && b.code), JSON.stringify(report.blocked));
    assert.deepEqual(report.targets, []);
    assert.deepEqual(proxy.requests, []);
  });

  it('a device ID Orthanc cannot name blocks that target, with the reason', async () => {
    const orthanc = await startOrthanc();
    const dotted: Device = { id: '"CT.2"', lines: ['type dicom', 'ae "CT2"', 'host 10.0.0.2', 'port 104'] };
    const report = await deploy(opts(fileFor(orthanc.url, [CT1, dotted])));
    assert.equal(report.ok, false);
    assert.equal(report.targets[0].outcome, 'blocked');
    assert.match(report.targets[0].problems[0], /"CT\.2" cannot be an Orthanc modality name/);
    assert.deepEqual(await modalities(orthanc), {});
  });

  describe('failures', () => {
    async function deployed(): Promise<{ orthanc: OrthancPeer; before: Record<string, Record<string, unknown>> }> {
      const orthanc = await startOrthanc(PERSIST);
      const r = await deploy(opts(fileFor(orthanc.url, [CT1, ARCHIVE, READ1])));
      assert.equal(r.ok, true);
      return { orthanc, before: await modalities(orthanc) };
    }
    // Against the deployed table: remove READ1, change CT1 and ARCHIVE, add two: 5 operations.
    const NEW1: Device = { id: 'NEW1', lines: ['type dicom', 'ae "NEW1"', 'host 10.0.1.1', 'port 104', 'services {', '  store U', '}'] };
    const NEW2: Device = { id: 'NEW2', lines: ['type dicom', 'ae "NEW2"', 'host 10.0.1.2', 'port 104'] };
    const ct1Changed: Device = { id: 'CT1', lines: CT1.lines.map((l) => (l === 'host 10.0.0.11' ? 'host 10.0.0.111' : l)) };
    const archiveChanged: Device = { id: 'ARCHIVE', lines: ARCHIVE.lines.map((l) => (l === 'port 11112' ? 'port 11113' : l)) };
    const changedTable = [ct1Changed, archiveChanged, NEW1, NEW2];

    it('Orthanc killed mid-deploy: rollback attempted, the report says what is applied and what not, the snapshot restores it all', async () => {
      const { orthanc, before } = await deployed();
      const report = await deploy(opts(fileFor(orthanc.url, changedTable), {
        timeoutMs: 3000,
        afterOperation: async (_t, index) => {
          if (index === 1) await orthanc.kill(); // after the 2nd operation
        },
      }));
      const t = report.targets[0];
      assert.equal(report.ok, false);
      assert.equal(t.outcome, 'failed');
      assert.match(t.error!, /connection refused/);
      assert.deepEqual(t.applied, ['DELETE /modalities/READ1', 'PUT /modalities/ARCHIVE']);
      assert.equal(t.inFlight, undefined, 'a refused connection never reached the server');
      assert.deepEqual(t.notApplied, ['PUT /modalities/CT1', 'PUT /modalities/NEW1', 'PUT /modalities/NEW2']);
      assert.equal(t.rollback?.ok, false);
      assert.match(t.rollback!.error!, /connection refused/);
      assert.ok(t.snapshotFile && fs.existsSync(t.snapshotFile), 'snapshot kept');

      await orthanc.restart();
      // The server holds exactly what the report says: the two applied operations and nothing else.
      const now = await modalities(orthanc);
      assert.deepEqual(Object.keys(now).sort(), ['ARCHIVE', 'CT1']);
      assert.equal(now.ARCHIVE.Port, 11113);
      assert.deepEqual(now.CT1, before.CT1);

      const restored = await restoreSnapshotFile(t.snapshotFile!);
      assert.equal(restored.ok, true);
      assert.deepEqual(await modalities(orthanc), before);
    });

    it('HTTP 500 on the 3rd write (through a proxy): clear message, rolled back, server as before', async () => {
      const { orthanc, before } = await deployed();
      const proxy = await startProxy(orthanc, { write: 3, as: 'http-500' });
      const report = await deploy(opts(fileFor(proxy.url, changedTable)));
      await proxy.stop();
      const t = report.targets[0];
      assert.equal(t.outcome, 'failed');
      assert.equal(t.error, 'PUT /modalities/CT1: HTTP 500 Internal Server Error: Internal error: injected by the test proxy');
      assert.deepEqual(t.applied, ['DELETE /modalities/READ1', 'PUT /modalities/ARCHIVE']);
      assert.deepEqual(t.rollback, { ok: true });
      assert.equal(t.snapshotFile, undefined);
      assert.deepEqual(await modalities(orthanc), before);
      // Rollback writes went through the proxy after the failure: READ1 back, ARCHIVE back.
      assert.deepEqual(proxy.writes().slice(3).sort(), ['PUT /modalities/ARCHIVE', 'PUT /modalities/READ1']);
    });

    it('connection cut after the server applied a write: that write is reported unknown, the rollback puts everything back', async () => {
      const { orthanc, before } = await deployed();
      const proxy = await startProxy(orthanc, { write: 2, as: 'hang-up' });
      const report = await deploy(opts(fileFor(proxy.url, changedTable)));
      await proxy.stop();
      const t = report.targets[0];
      assert.equal(t.outcome, 'failed');
      assert.match(t.error!, /PUT \/modalities\/ARCHIVE: connection reset/);
      assert.deepEqual(t.applied, ['DELETE /modalities/READ1']);
      assert.equal(t.inFlight, 'PUT /modalities/ARCHIVE');
      assert.deepEqual(t.rollback, { ok: true });
      assert.deepEqual(await modalities(orthanc), before);
    });

    it('server gone with a write in flight: the report names the unknown write, the snapshot is kept', async () => {
      const { orthanc, before } = await deployed();
      const proxy = await startProxy(orthanc, { write: 2, as: 'hang-up-and-stop' });
      const report = await deploy(opts(fileFor(proxy.url, changedTable), { timeoutMs: 3000 }));
      await proxy.stop();
      const t = report.targets[0];
      assert.equal(t.outcome, 'failed');
      assert.deepEqual(t.applied, ['DELETE /modalities/READ1']);
      assert.equal(t.inFlight, 'PUT /modalities/ARCHIVE');
      assert.deepEqual(t.notApplied, ['PUT /modalities/CT1', 'PUT /modalities/NEW1', 'PUT /modalities/NEW2']);
      assert.equal(t.rollback?.ok, false);
      const text = formatTargetReport(t).join('\n');
      assert.match(text, /rollback FAILED/);
      assert.match(text, /applied: {5}DELETE \/modalities\/READ1/);
      assert.match(text, /UNKNOWN: {5}PUT \/modalities\/ARCHIVE \(sent, no answer\)/);
      assert.match(text, /not applied: PUT \/modalities\/NEW2/);
      assert.match(text, /pacsw deploy --restore /);
      const saved = JSON.parse(fs.readFileSync(t.snapshotFile!, 'utf8'));
      assert.deepEqual(saved.state.modalities, before);
      // The proxy was the casualty: put the snapshot back straight to Orthanc.
      const restored = await restoreSnapshotFile(t.snapshotFile!, { url: orthanc.url });
      assert.deepEqual(restored, { target: orthanc.url, ok: true });
      assert.deepEqual(await modalities(orthanc), before);
    });

    it('cancelled half-way: stops, rolls back, server as before', async () => {
      const { orthanc, before } = await deployed();
      const abort = new AbortController();
      const report = await deploy(opts(fileFor(orthanc.url, changedTable), {
        signal: abort.signal,
        afterOperation: (_t, index) => {
          if (index === 0) abort.abort();
        },
      }));
      const t = report.targets[0];
      assert.equal(t.outcome, 'cancelled');
      assert.deepEqual(t.applied, ['DELETE /modalities/READ1']);
      assert.equal(t.notApplied.length, 4);
      assert.deepEqual(t.rollback, { ok: true });
      assert.deepEqual(await modalities(orthanc), before);
    });

    it('the server changed between reading and applying: nothing is written', async () => {
      const { orthanc, before } = await deployed();
      const report = await deploy(opts(fileFor(orthanc.url, changedTable), {
        confirm: async () => {
          await orthancRequest(orthanc, 'PUT', '/modalities/SNEAKY', { AET: 'S', Host: '10.1.1.1', Port: 104 });
          return true;
        },
      }));
      const t = report.targets[0];
      assert.equal(t.outcome, 'failed');
      assert.match(t.error!, /changed since it was read \(SNEAKY\); nothing was written/);
      assert.deepEqual(t.applied, []);
      assert.deepEqual(await modalities(orthanc), { ...before, SNEAKY: (await modalities(orthanc)).SNEAKY });
    });

    it('wrong credentials: HTTP 401 named clearly, nothing changed; the right ones deploy', async () => {
      const orthanc = await startOrthanc({ users: { admin: 'right-password' } });
      const file = fileFor(orthanc.url, [CT1]);
      const wrong = await deploy(opts(file, { credentials: () => ({ username: 'admin', password: 'wrong' }) }));
      const t = wrong.targets[0];
      assert.equal(wrong.ok, false);
      assert.equal(t.outcome, 'failed');
      assert.match(t.error!, /^reading http:\/\/127\.0\.0\.1:\d+: GET \/modalities\?expand: HTTP 401 Unauthorized.*user name or password was refused/);
      assert.doesNotMatch(t.error!, /wrong|right-password/);
      assert.deepEqual(await modalities(orthanc), {});
      const none = await deploy(opts(file));
      assert.match(none.targets[0].error!, /HTTP 401/);
      const right = await deploy(opts(file, { credentials: (url) => (url === orthanc.url ? { username: 'admin', password: 'right-password' } : undefined) }));
      assert.equal(right.ok, true, JSON.stringify(right.targets[0]));
      assert.deepEqual(Object.keys(await modalities(orthanc)), ['CT1']);
    });

    it('a server that accepts and never answers: the request ends at the timeout with a clear message', async () => {
      const silent = await startSilentListener();
      const report = await deploy(opts(fileFor(`http://127.0.0.1:${silent.port}`, [CT1]), { timeoutMs: 500 }));
      assert.equal(report.targets[0].outcome, 'failed');
      assert.equal(report.targets[0].error, `reading http://127.0.0.1:${silent.port}: GET /modalities?expand: no answer within 500 ms`);
    });

    it('Orthanc not running: a clear message, nothing to roll back', async () => {
      const orthanc = await startOrthanc();
      const url = orthanc.url;
      await orthanc.kill();
      const report = await deploy(opts(fileFor(url, [CT1]), { timeoutMs: 3000 }));
      assert.equal(report.targets[0].outcome, 'failed');
      assert.match(report.targets[0].error!, /connection refused by http:\/\/127\.0\.0\.1:\d+ \(is Orthanc running\?\)/);
      assert.equal(report.targets[0].rollback, undefined);
    });
  });
});
