/**
 * `pacsw serve` against real senders on 127.0.0.1: DCMTK storescu/echoscu and Orthanc
 * (`POST /modalities/{id}/store`). What is checked is what a sender and an operator see: the
 * C-STORE/association outcome the tools report, and the files on disk.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dcmftest, fixtureDumps, generate, pacsw, tempDir, VARIANTS, writeRules } from './dicom-helpers';
import { startOrthanc, startStorescp, stopAllPeers } from './peers';
import { associationsClosed, datasetBytes, echoscu, filesUnder, startServe, storescu, type ServeProcess } from './serve-helpers';
import { parsePart10 } from '../../core/src/dicom/part10';
import type { NodeEvent } from '../../core/src/forward/events';
import type { ReceiverEvent } from '../../core/src/receiver/types';

type ObjectEvent = Extract<ReceiverEvent, { event: 'object' }>;
type AssociationEvent = Extract<ReceiverEvent, { event: 'association' }>;
const isObject = (e: NodeEvent): e is ObjectEvent => e.event === 'object';
const isAssociation = (e: NodeEvent): e is AssociationEvent => e.event === 'association';

/** SOP Instance UID (0008,0018) of a Part 10 file. */
function sopInstanceOf(file: string): string {
  const bytes = fs.readFileSync(file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const p = parsePart10(bytes, (d) => (require('node:zlib') as typeof import('node:zlib')).inflateRawSync(d));
  const source = p.deflated ? p.deflated.bytes : bytes;
  const e = (p.deflated ? p.deflated.elements : p.elements).find((x) => x.tag === 0x00080018)!;
  return Buffer.from(source).toString('latin1', e.valueStart, e.end).replace(/[\0 ]+$/, '');
}

const PRECEDING = '(0008,0080)="PACSW RECEIVER"\n';
const DEVICE = '(0008,0050)=concat("CT",(0008,0050))\n(0010,0020)=if((0010,0020),concat((0010,0020),"-X"),NULL())\n';
const TRAILING = '(0008,1030)=concat((0008,1030)," [checked]")\n';

interface DeviceSpec { id: string; ae: string; host?: string; store?: boolean; category?: string; limits?: string; disabled?: boolean; rules?: string }

function table(opts: { devices: DeviceSpec[]; categories?: Array<[string, number]>; acceptUnknown?: boolean; rules?: boolean; transferSyntax?: string }): string {
  const lines = ['server PACS_MAIN {', '  ae "PACS_MAIN"', '  query-ae "PACS_QR"', '  tcp-port 104'];
  if (opts.transferSyntax) lines.push(`  transfer-syntax ${opts.transferSyntax}`);
  if (opts.rules !== false) lines.push('  rules preceding "preceding.coerce"', '  rules trailing "trailing.coerce"');
  if (opts.acceptUnknown) lines.push('  accept-unknown-callers yes');
  lines.push('}');
  for (const [name, max] of opts.categories ?? []) lines.push(`category ${name} {`, `  max-connections ${max}`, '}');
  for (const d of opts.devices) {
    lines.push(`device ${d.id} {`, '  type dicom', `  ae "${d.ae}"`, `  host ${d.host ?? '127.0.0.1'}`);
    if (d.category) lines.push(`  category ${d.category}`);
    if (d.store !== false) lines.push('  services {', '    store U', '  }');
    if (d.limits) lines.push('  limits {', `    ${d.limits}`, '  }');
    if (d.rules) lines.push(`  rules "${d.rules}"`);
    if (d.disabled) lines.push('  disabled');
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}

describe('pacsw serve (receiving node) with real senders', function () {
  this.timeout(180000);
  let dir: string;
  let serve: ServeProcess | undefined;

  beforeEach(() => {
    dir = tempDir('serve');
    writeRules(dir, 'preceding.coerce', PRECEDING);
    writeRules(dir, 'trailing.coerce', TRAILING);
    writeRules(dir, 'device.coerce', DEVICE);
  });
  afterEach(async () => {
    await serve?.kill();
    serve = undefined;
    await stopAllPeers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('storing', () => {
    it('stores each data set exactly as pacsw apply writes the same input (native and deflated syntaxes, multi-file associations)', async () => {
      const pacs = path.join(dir, 'main.pacs');
      // DCMTK converts a file whose syntax the receiver did not pick, so each batch runs a server
      // that prefers the batch's syntax (which also checks that `transfer-syntax` is preferred).
      // The reference input is what storescu sends (it re-encodes lengths, for one), as DCMTK
      // storescp +B writes it bit for bit, with the same syntax preferred.
      const syntaxOf: Record<string, [string, string]> = { 'explicit-be': ['explicit-big', '+xb'], 'implicit-le': ['implicit-little', '+xi'], deflated: ['deflate', '+xd'] };
      const batches: Array<{ name: string; files: string[]; ts: string; storescp: string; storescu?: string[] }> = VARIANTS.map((v) => {
        const out = path.join(dir, 'in', v.name);
        fs.mkdirSync(out, { recursive: true });
        const [ts, flag] = syntaxOf[v.name] ?? ['explicit-little', '+xe'];
        return { name: v.name, ts, storescp: flag, storescu: ['-R'], files: fixtureDumps().map((d) => generate(d, out, v.args)) };
      });
      let compared = 0;
      for (const batch of batches) {
        await serve?.kill();
        fs.rmSync(path.join(dir, 'store'), { recursive: true, force: true });
        fs.writeFileSync(pacs, table({ devices: [{ id: 'CT1', ae: 'CT_SCANNER', rules: 'device.coerce' }], transferSyntax: batch.ts }));
        serve = await startServe(pacs, path.join(dir, 'store'));
        await stopAllPeers();
        const storescp = await startStorescp({ aet: 'PACS_MAIN', args: ['+B', batch.storescp] });
        const from: number = serve.events.length;
        // -R: only the file's own syntax is proposed, so storescu does not convert it.
        const sent = await storescu('CT_SCANNER', 'PACS_MAIN', serve.port, batch.files, batch.storescu);
        assert.equal(sent.code, 0, `${batch.name}: storescu to pacsw serve failed:\n${sent.output}`);
        await associationsClosed(serve, 1, from);
        const reference = await storescu('CT_SCANNER', 'PACS_MAIN', storescp.port, batch.files, batch.storescu);
        assert.equal(reference.code, 0, `${batch.name}: storescu to storescp failed:\n${reference.output}`);
        const objects: ObjectEvent[] = serve.events.slice(from).filter(isObject);
        assert.equal(objects.length, batch.files.length, `${batch.name}: one event per object`);
        assert.ok(objects.every((o) => o.status === 'stored'), JSON.stringify(objects.filter((o) => o.status !== 'stored')));
        const applied = path.join(dir, 'applied', batch.name);
        const r = pacsw(['apply', '--before', path.join(dir, 'preceding.coerce'), '--rules', path.join(dir, 'device.coerce'), '--after', path.join(dir, 'trailing.coerce'), '--out', applied, storescp.dir]);
        assert.equal(r.status, 0, r.stderr);
        for (const file of filesUnder(applied)) {
          const uid = sopInstanceOf(file);
          const stored = path.join(dir, 'store', 'CT1', `${uid}.dcm`);
          assert.ok(fs.existsSync(stored), `${batch.name}: ${uid} not stored`);
          assert.ok(dcmftest(stored), `${stored} is not a DICOM file for DCMTK`);
          assert.ok(datasetBytes(stored).equals(datasetBytes(file)), `${batch.name}: ${uid} differs from pacsw apply's output`);
          compared++;
        }
        const event = objects.find((o) => o.sopInstanceUid === sopInstanceOf(filesUnder(applied)[0]))!;
        assert.ok(event.changes.some((c) => c.path === '(0008,0080)' && c.after === 'PACSW RECEIVER'), JSON.stringify(event.changes));
      }
      assert.equal(compared, batches.reduce((n, b) => n + b.files.length, 0));
    });

    it('answers an object the rules stop with success and does not store it; the next one is stored', async () => {
      writeRules(dir, 'stop.coerce', '$(@PROCESS)=if(contains((0008,0060),"MG"),NULL(),"1")\n');
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({ devices: [{ id: 'MOD', ae: 'MODALITY', rules: 'stop.coerce' }] }));
      serve = await startServe(pacs, path.join(dir, 'store'));
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      const mg = generate('mammo-for-processing', input);
      const ct = generate('ct-with-sequences', input);
      const sent = await storescu('MODALITY', 'PACS_MAIN', serve.port, [mg, ct]);
      assert.equal(sent.code, 0, sent.output);
      const stopped = await serve.waitFor((e) => isObject(e) && e.status === 'stopped', 'stopped object');
      assert.equal((stopped as ObjectEvent).sopInstanceUid, sopInstanceOf(mg));
      assert.match((stopped as ObjectEvent).reason!, /stop\.coerce:1/);
      const stored = filesUnder(path.join(dir, 'store'));
      assert.deepEqual(stored.map((f) => path.basename(f)), [`${sopInstanceOf(ct)}.dcm`]);
    });

    it('receives from Orthanc (POST /modalities/{id}/store) as a registered device', async () => {
      const orthanc = await startOrthanc({ aet: 'ORTHANC_SRC' });
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({ devices: [{ id: 'ORTH', ae: 'ORTHANC_SRC', rules: 'device.coerce' }] }));
      serve = await startServe(pacs, path.join(dir, 'store'));
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      const file = generate('utf8-names', input);
      const up = await fetch(`${orthanc.url}/instances`, { method: 'POST', body: fs.readFileSync(file) });
      const uploaded = await up.text();
      assert.equal(up.status, 200, uploaded);
      const { ID } = JSON.parse(uploaded) as { ID: string };
      const put = await fetch(`${orthanc.url}/modalities/pacsw`, { method: 'PUT', body: JSON.stringify({ AET: 'PACS_MAIN', Host: '127.0.0.1', Port: serve.port }) });
      assert.equal(put.status, 200, await put.text());
      const store = await fetch(`${orthanc.url}/modalities/pacsw/store`, { method: 'POST', body: JSON.stringify({ Resources: [ID], Synchronous: true }) });
      assert.equal(store.status, 200, await store.text());
      const event = await serve.waitFor((e) => isObject(e) && e.status === 'stored', 'stored object') as ObjectEvent;
      assert.equal(event.device, 'ORTH');
      assert.ok(dcmftest(event.file!));
      assert.equal(sopInstanceOf(event.file!), sopInstanceOf(file));
      assert.ok(event.changes.some((c) => c.path === '(0008,0050)'), JSON.stringify(event.changes));
    });
  });

  describe('admission', () => {
    it('rejects unknown, disabled, wrong-host and wrong-called-AE callers with the PS3.8 result/source/reason; echo-only devices may echo but not store', async () => {
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({
        devices: [
          { id: 'CT1', ae: 'CT1' },
          { id: 'OFF', ae: 'OFFLINE', disabled: true },
          { id: 'FAR', ae: 'FARAWAY', host: '127.0.0.2' },
          { id: 'VIEW', ae: 'VIEWER', store: false },
        ],
      }));
      serve = await startServe(pacs, path.join(dir, 'store'));
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      const file = generate('ascii-only', input);
      const cases: Array<{ calling: string; called: string; result: RegExp; why: RegExp }> = [
        { calling: 'NOBODY', called: 'PACS_MAIN', result: /Rejected Permanent[\s\S]*Service User[\s\S]*Calling AE Title Not Recognized/, why: /not a registered device/ },
        { calling: 'OFFLINE', called: 'PACS_MAIN', result: /Rejected Permanent[\s\S]*Service User[\s\S]*Calling AE Title Not Recognized/, why: /disabled/ },
        { calling: 'FARAWAY', called: 'PACS_MAIN', result: /Rejected Permanent[\s\S]*Service User[\s\S]*Calling AE Title Not Recognized/, why: /came from 127\.0\.0\.1.*FAR at 127\.0\.0\.2/ },
        { calling: 'CT1', called: 'SOMEONE', result: /Rejected Permanent[\s\S]*Service User[\s\S]*Called AE Title Not Recognized/, why: /called AE "SOMEONE"/ },
      ];
      for (const c of cases) {
        const from = serve.events.length;
        const r = await echoscu(c.calling, c.called, serve.port);
        assert.notEqual(r.code, 0, `${c.calling} -> ${c.called} should be rejected`);
        assert.match(r.output, c.result, r.output);
        const e: AssociationEvent = await serve.waitFor(isAssociation, 'association event', 10000, from);
        assert.equal(e.outcome, 'rejected');
        assert.match(e.reason!, c.why);
      }
      // The query AE title is ours too; storage from CT1 works.
      assert.equal((await echoscu('CT1', 'PACS_QR', serve.port)).code, 0);
      assert.equal((await storescu('CT1', 'PACS_MAIN', serve.port, [file])).code, 0);
      // VIEWER has no `store U`: it may echo, and its storage context is refused.
      assert.equal((await echoscu('VIEWER', 'PACS_MAIN', serve.port)).code, 0);
      const refused = await storescu('VIEWER', 'PACS_MAIN', serve.port, [file]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.output, /no (acceptable )?presentation context|not supported|No presentation context/i, refused.output);
      assert.deepEqual(filesUnder(path.join(dir, 'store')).map((f) => path.basename(path.dirname(f))), ['CT1']);
    });

    it('admits unknown callers with accept-unknown-callers and runs only the global rules on their objects', async () => {
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({ devices: [{ id: 'CT1', ae: 'CT1', rules: 'device.coerce' }], acceptUnknown: true }));
      serve = await startServe(pacs, path.join(dir, 'store'));
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      const file = generate('ascii-only', input);
      assert.equal((await storescu('STRANGER', 'PACS_MAIN', serve.port, [file])).code, 0);
      const e = await serve.waitFor(isObject, 'object') as ObjectEvent;
      assert.equal(e.device, undefined);
      assert.ok(e.file!.includes(`${path.sep}unknown-STRANGER${path.sep}`), e.file);
      assert.deepEqual([...new Set(e.changes.map((c) => c.ruleSet))].sort(), ['Preceding Global', 'Trailing Global']);
      assert.ok(!e.changes.some((c) => c.path === '(0008,0050)'), 'device rules must not run');
    });

    it('follows edits of the table: a disabled device is refused on its next association; an edit with errors keeps the last good table', async () => {
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({ devices: [{ id: 'CT1', ae: 'CT1' }, { id: 'CT2', ae: 'CT2' }] }));
      serve = await startServe(pacs, path.join(dir, 'store'));
      assert.equal((await echoscu('CT2', 'PACS_MAIN', serve.port)).code, 0);
      let from = serve.events.length;
      fs.writeFileSync(pacs, table({ devices: [{ id: 'CT1', ae: 'CT1' }, { id: 'CT2', ae: 'CT2', disabled: true }] }));
      await serve.waitFor((e) => e.event === 'table' && e.status === 'reloaded', 'reload', 10000, from);
      assert.notEqual((await echoscu('CT2', 'PACS_MAIN', serve.port)).code, 0);
      from = serve.events.length;
      fs.writeFileSync(pacs, table({ devices: [{ id: 'CT1', ae: 'CT1' }] }).replace('type dicom', 'type dicomm'));
      const kept = await serve.waitFor((e) => e.event === 'table' && e.status === 'kept-last-good', 'kept-last-good', 10000, from);
      assert.match((kept as Extract<ReceiverEvent, { event: 'table' }>).errors.join('\n'), /main\.pacs:\d+:\d+: error unknown-type/);
      assert.equal((await echoscu('CT1', 'PACS_MAIN', serve.port)).code, 0, 'the last good table still admits CT1');
      assert.notEqual((await echoscu('CT2', 'PACS_MAIN', serve.port)).code, 0, 'and still refuses the disabled CT2');
    });
  });

  describe('limits', () => {
    it('holds category max-connections and store-in under a burst of 50 concurrent storescu; the rest are rejected as transient', async () => {
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({
        devices: [
          { id: 'CT1', ae: 'CT1', category: 'modalities', limits: 'store-in 2' },
          { id: 'CT2', ae: 'CT2', category: 'modalities' },
        ],
        categories: [['modalities', 3]],
        rules: false,
      }));
      serve = await startServe(pacs, path.join(dir, 'store'));
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      // Several files per association, so that associations overlap.
      const files = VARIANTS.slice(0, 3).flatMap((v) => {
        const out = path.join(input, v.name);
        fs.mkdirSync(out);
        return fixtureDumps().map((d) => generate(d, out, v.args));
      });
      const runs = await Promise.all(Array.from({ length: 50 }, (_, i) => storescu(i % 2 ? 'CT2' : 'CT1', 'PACS_MAIN', serve!.port, files)));
      const ok = runs.filter((r) => r.code === 0).length;
      const transient = runs.filter((r) => /Rejected Transient[\s\S]*Local Limit Exceeded/i.test(r.output)).length;
      assert.equal(ok + transient, 50, runs.filter((r) => r.code !== 0 && !/Rejected Transient/.test(r.output)).map((r) => `exit ${r.code}: ${r.output}`).join('\n---\n'));
      assert.ok(ok >= 1 && transient >= 1, `accepted ${ok}, rejected ${transient}`);
      // Replay the receiver's accepted/closed events: at no moment more than the bounds.
      const byPeer = new Map<string, string>();
      let category = 0;
      let ct1 = 0;
      let maxCategory = 0;
      let maxCt1 = 0;
      await serve.waitFor(() => serve!.events.filter((e) => e.event === 'closed').length >= ok, 'every association closed', 30000);
      for (const e of serve.events) {
        if (e.event === 'association' && e.outcome === 'accepted') {
          byPeer.set(e.peer, e.device!);
          category++;
          if (e.device === 'CT1') ct1++;
        } else if (e.event === 'closed') {
          category--;
          if (byPeer.get(e.peer) === 'CT1') ct1--;
        }
        maxCategory = Math.max(maxCategory, category);
        maxCt1 = Math.max(maxCt1, ct1);
      }
      assert.ok(maxCategory <= 3, `category held ${maxCategory}`);
      assert.ok(maxCt1 <= 2, `CT1 held ${maxCt1}`);
      const rejected = serve.events.filter((e): e is AssociationEvent => isAssociation(e) && e.outcome === 'rejected');
      assert.ok(rejected.every((e) => e.rejection?.result === 'rejected-transient' && e.rejection.source === 'service-provider-presentation' && e.rejection.reason === 2));
      // Every object of an accepted association is on disk, whole.
      const stored = filesUnder(path.join(dir, 'store'));
      assert.ok(stored.length > 0 && stored.every((f) => dcmftest(f)));
    });
  });

  describe('crash', () => {
    it('kill -9 during a transfer leaves no partial .dcm file, and every object answered with success is on disk', async () => {
      const pacs = path.join(dir, 'main.pacs');
      fs.writeFileSync(pacs, table({ devices: [{ id: 'CT1', ae: 'CT1' }], rules: false }));
      const store = path.join(dir, 'store');
      serve = await startServe(pacs, store);
      const input = path.join(dir, 'in');
      fs.mkdirSync(input);
      // 120 distinct objects: copies of one file with their own SOP Instance UIDs.
      const base = generate('ct-with-sequences', input);
      const files: string[] = [];
      for (let i = 0; i < 120; i++) {
        const f = path.join(input, `copy${i}.dcm`);
        fs.copyFileSync(base, f);
        files.push(f);
      }
      const { execFileSync } = await import('node:child_process');
      files.forEach((f, i) => execFileSync('dcmodify', ['-nb', '-m', `(0008,0018)=1.2.826.0.1.3680043.10.1082.99.${i + 1}`, f], { stdio: 'ignore' }));
      const sending = storescu('CT1', 'PACS_MAIN', serve.port, files, ['-v']);
      await serve.waitFor(() => serve!.events.filter(isObject).length >= 15, '15 stored objects', 60000);
      await serve.kill();
      const sent = await sending;
      assert.notEqual(sent.code, 0, 'storescu cannot have finished all 120');
      // storescu -v: "Sending file: F" ... "Received Store Response (Success)" for each answered one.
      const answered: string[] = [];
      let current: string | undefined;
      for (const line of sent.output.split('\n')) {
        const m = /Sending file: (.*)$/.exec(line);
        if (m) current = m[1].trim();
        else if (/Received Store Response \(Success\)/.test(line) && current) answered.push(current);
      }
      assert.ok(answered.length >= 10, `storescu saw ${answered.length} successes:\n${sent.output.slice(-2000)}`);
      const onDisk = filesUnder(store).filter((f) => f.endsWith('.dcm'));
      for (const f of answered) {
        const stored = path.join(store, 'CT1', `${sopInstanceOf(f)}.dcm`);
        assert.ok(fs.existsSync(stored), `${f} was acknowledged but ${stored} is missing`);
      }
      const inputs = new Map(files.map((f) => [sopInstanceOf(f), f]));
      for (const f of onDisk) {
        const source = inputs.get(path.basename(f, '.dcm'));
        assert.ok(source && dcmftest(f) && datasetBytes(f).equals(datasetBytes(source)), `${f} is partial or not one of the objects sent`);
      }
      // A restart clears what an interrupted write left behind.
      serve = await startServe(pacs, store);
      assert.deepEqual(filesUnder(store).filter((f) => f.endsWith('.pacsw-tmp')), []);
    });
  });
});
