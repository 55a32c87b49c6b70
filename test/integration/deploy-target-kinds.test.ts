/**
 * The deploy target registry (core/src/deploy/targetKinds.ts): every kind the device language
 * accepts makes a target of that kind, from a `deploy` line and from a saved snapshot, and a
 * kind nothing implements is an error rather than a target silently left out.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEPLOY_KINDS } from '../../core/src/devices/schema';
import { validateDeviceText } from '../../core/src/devices/validate';
import { makeTargets, restoreSnapshotFile } from '../../core/src/deploy/deploy';
import { DEPLOY_TARGET_KINDS } from '../../core/src/deploy/targetKinds';
import { pacsText, writePacs } from './deploy-helpers';
import { tempDir } from './peers';

describe('deploy target registry', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('deploy-kinds')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has a target for every kind the device language accepts, and no other', () => {
    assert.deepEqual(Object.keys(DEPLOY_TARGET_KINDS).sort(), Object.keys(DEPLOY_KINDS).sort());
  });

  it('makes one target per deploy line, of the line\'s kind, in the file\'s order', async () => {
    const file = writePacs(dir, 'site.pacs', pacsText(['deploy folder "export"', 'deploy orthanc "http://127.0.0.1:1"'], []));
    const { table } = validateDeviceText(fs.readFileSync(file, 'utf8'));
    const targets = await makeTargets(table, { file });
    assert.deepEqual(targets.map((t) => [t.kind, t.label]), [
      ['folder', path.join(dir, 'export', 'PACS_TEST')],
      ['orthanc', 'http://127.0.0.1:1'],
    ]);
  });

  it('refuses a kind no target implements instead of leaving it out', async () => {
    const file = writePacs(dir, 'site.pacs', pacsText(['deploy folder "export"', 'deploy ftp "ftp://host"'], []));
    const { table, diagnostics } = validateDeviceText(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(diagnostics.map((d) => d.code), ['unknown-deploy-kind']);
    await assert.rejects(makeTargets(table, { file }), /unknown deploy target kind "ftp": expected orthanc or folder/);
  });

  it('restores a folder snapshot through the registry, and refuses a file that is not a snapshot', async () => {
    const root = path.join(dir, 'export', 'PACS_TEST');
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'devices.tsv'), 'changed\n');
    const snapshotFile = path.join(dir, 'snapshot.json');
    const snapshot = { kind: 'folder', target: root, takenAt: new Date().toISOString(), state: { files: { 'devices.tsv': 'before\n' } } };
    fs.writeFileSync(snapshotFile, JSON.stringify(snapshot));
    assert.deepEqual(await restoreSnapshotFile(snapshotFile), { target: root, ok: true });
    assert.equal(fs.readFileSync(path.join(root, 'devices.tsv'), 'utf8'), 'before\n');

    for (const [text, kind] of [['{"kind":"ftp","target":"x"}', 'ftp'], ['null', 'undefined'], ['[]', 'undefined']]) {
      fs.writeFileSync(snapshotFile, text);
      await assert.rejects(restoreSnapshotFile(snapshotFile), { message: `${snapshotFile}: not a deploy snapshot (kind "${kind}")` });
    }
  });
});
