/**
 * Network benchmark (docs/benchmarks.md, section "DICOM network"), all on 127.0.0.1, storing
 * into /dev/shm so that the comparison is of protocol and CPU, not disk:
 *  (a) storescu → `pacsw serve` (a device with 20 rules, storing; when the build has it),
 *      storescu → our SCP (core/src/net) in-process running the same 20 rules with the engine of
 *      `pacsw apply` and storing durably as the node does (writeFileDurable: temp file, fsync,
 *      rename, fsync of the folder)
 *      before answering, and without rules, all against storescu → DCMTK storescp storing, same
 *      files, same run; for small objects `pacsw serve` once more after it has received 4,000
 *      objects (steady state: its CPU per object still falls until then), informational;
 *  (b) our SCU → storescp against storescu → storescp;
 * for small (~40 KB) and large (~5 MB) objects, one association per run. Reports files/s, the
 * receiver's (or sender's) CPU time, and the ratio to DCMTK (target: at least 0.7 for (a)).
 * Echo latency is in echo.bench.ts.
 * Run with `npm run bench net` (or `node out/bench/net.bench.js [--quick]` after tsc).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseRuleFile } from '../core/src/coercion/fileParser';
import { evaluateRules } from '../core/src/coercion/evaluate';
import { buildFileMeta, readFileMeta } from '../core/src/dicom/fileMeta';
import { loadDatasetBytes, writeFileDurable } from '../core/src/dicom/files';
import { acceptContexts, connect, listen, type ScpServer, type StoreRequestEvent, type StoreResult } from '../core/src/net';
import { IMPLEMENTATION_CLASS_UID } from '../core/src/net/pdu';
import { generateRuleFile } from './generate-rules';
import { startServe } from './serveProcess';
import { dcmtkEnv, freePort, waitForPort } from '../test/integration/peers';
import { element, text, us } from '../test/integration/forward/part10-maker';

const quick = process.argv.includes('--quick');
/** Objects a `pacsw serve` node has received before its steady-state line is measured (small objects only). */
const STEADY_AFTER = 4000;
const STEADY_LINE = '(a) storescu → pacsw serve (20 rules, storing), steady state';
const STEADY_DCMTK = '(a) storescu → storescp (storing), beside the steady-state runs';
const ROOT = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'pacsw-netbench-'));
const TS_EXPLICIT_LE = '1.2.840.10008.1.2.1';
const CT = '1.2.840.10008.5.1.4.1.1.2';

// ---- test objects: explicit VR LE CT images with the attributes the rules touch ------------

/** `count` files of about `bytes` each, with distinct SOP Instance UIDs; returns their folder. */
function makeObjects(name: string, count: number, bytes: number): string {
  const dir = path.join(ROOT, name);
  fs.mkdirSync(dir);
  const side = Math.ceil(Math.sqrt(bytes / 2));
  const pixels = Buffer.alloc(side * side * 2, 0x5a);
  for (let i = 0; i < count; i++) {
    const uid = `2.25.4242${i}`;
    const dataset = Buffer.concat([
      element(0x0008, 0x0016, 'UI', text(CT, '\0')), element(0x0008, 0x0018, 'UI', text(uid, '\0')),
      element(0x0008, 0x0050, 'SH', text(`ACC${i}`)), element(0x0008, 0x0060, 'CS', text('CT')),
      element(0x0008, 0x0080, 'LO', text('Bench Hospital')), element(0x0008, 0x0090, 'PN', text('DR^WHO')),
      element(0x0008, 0x1030, 'LO', text('')), element(0x0010, 0x0010, 'PN', text('DOE,JOHN')),
      element(0x0010, 0x0020, 'LO', text(`PID${i}`)), element(0x0020, 0x000d, 'UI', text('2.25.1', '\0')),
      element(0x0020, 0x000e, 'UI', text('2.25.2', '\0')), element(0x0020, 0x4000, 'LT', text('')),
      element(0x0028, 0x0002, 'US', us(1)), element(0x0028, 0x0004, 'CS', text('MONOCHROME2')),
      element(0x0028, 0x0010, 'US', us(side)), element(0x0028, 0x0011, 'US', us(side)),
      element(0x0028, 0x0100, 'US', us(16)), element(0x0028, 0x0101, 'US', us(12)),
      element(0x0028, 0x0102, 'US', us(11)), element(0x0028, 0x0103, 'US', us(0)),
      element(0x7fe0, 0x0010, 'OW', pixels),
    ]);
    const meta = buildFileMeta({ sopClassUid: CT, sopInstanceUid: uid, transferSyntaxUid: TS_EXPLICIT_LE, implementationClassUid: IMPLEMENTATION_CLASS_UID });
    fs.writeFileSync(path.join(dir, `${i}.dcm`), Buffer.concat([meta, dataset]));
  }
  return dir;
}

// ---- receivers -------------------------------------------------------------------------------

const ruleSets = [{ name: 'bench (20 rules)', file: parseRuleFile(generateRuleFile(20)) }];

function storeHandler(dir: string, withRules: boolean): (e: StoreRequestEvent) => Promise<StoreResult> {
  return async (e) => {
    const meta = buildFileMeta({ sopClassUid: e.sopClassUid, sopInstanceUid: e.sopInstanceUid, transferSyntaxUid: e.transferSyntaxUid, implementationClassUid: IMPLEMENTATION_CLASS_UID, sourceAe: e.association.request.callingAe });
    const file = path.join(dir, `${e.sopInstanceUid}.dcm`);
    if (!withRules) {
      await writeFileDurable(file, [meta, e.dataset]);
      return { status: 0 };
    }
    const loaded = loadDatasetBytes(Buffer.concat([meta, e.dataset]), file);
    const result = evaluateRules(ruleSets, loaded.access);
    if (result.stopped) return { status: 0 };
    if (result.errors > 0) return { status: 0x0110, errorComment: 'rules failed' };
    await writeFileDurable(file, loaded.serializeChunks());
    return { status: 0 };
  };
}

async function ourScp(dir: string, withRules: boolean): Promise<ScpServer> {
  return listen({ host: '127.0.0.1', port: 0, maxPdu: 65536, artimTimeoutMs: 10000, idleTimeoutMs: 60000 }, {
    associate: (rq) => ({ accept: true, maxPdu: 65536, contexts: acceptContexts(rq.contexts, { accepts: () => true, transferSyntaxes: [TS_EXPLICIT_LE, '1.2.840.10008.1.2'] }) }),
    store: storeHandler(dir, withRules),
  });
}

/** CPU time (user + system) of a process so far, from /proc, in ms. */
function cpuOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
}

async function storescp(dir: string): Promise<{ port: number; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('storescp', ['-aet', 'STORESCP', '-od', dir, '--max-pdu', '65536', String(port)], { env: dcmtkEnv(), stdio: 'ignore' });
  await waitForPort(port, 10000, child);
  return { port, child, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM')))) };
}

const PACSW = path.resolve(__dirname, '../../dist/pacsw.js');

/** True when this build has `pacsw serve` (issue 11's receiving node). */
function hasServe(): boolean {
  const r = spawnSync(process.execPath, [PACSW, 'serve', '--help'], { encoding: 'utf8' });
  return r.status === 0;
}

/** A device table whose one device (CT_BENCH on 127.0.0.1, store U) runs the 20 rules. */
function serveTable(dir: string): string {
  fs.writeFileSync(path.join(dir, 'bench.coerce'), generateRuleFile(20));
  const file = path.join(dir, 'bench.pacs');
  fs.writeFileSync(file, [
    'server PACS_BENCH {', '  ae "PACSW"', '  tcp-port 104', '}',
    'device CT1 {', '  type dicom', '  ae "STORESCU"', '  host 127.0.0.1', '  services {', '    store U', '  }', '  rules "bench.coerce"', '}', '',
  ].join('\n'));
  return file;
}

const countFiles = (dir: string): number => (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((d) => d.isFile() && d.name.endsWith('.dcm')).length;

function runStorescu(port: number, files: string): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('storescu', ['+sd', '-R', '-xe', '--max-pdu', '65536', '-aec', 'PACSW', '127.0.0.1', String(port), files], { env: dcmtkEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let cpu = 0;
    const sample = setInterval(() => {
      try {
        cpu = cpuOf(child.pid!);
      } catch { /* exited */ }
    }, 5);
    child.once('exit', (code) => {
      clearInterval(sample);
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`storescu exited with ${code}: ${err.slice(-500)}`));
      else resolve({ ms, cpuMs: cpu });
    });
  });
}

async function ourScu(port: number, files: string): Promise<{ ms: number; cpuMs: number }> {
  const names = fs.readdirSync(files);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const a = await connect({
    host: '127.0.0.1', port, callingAe: 'PACSW', calledAe: 'STORESCP', maxPdu: 65536, timeoutMs: 60000,
    contexts: [{ id: 1, abstractSyntax: CT, transferSyntaxes: [TS_EXPLICIT_LE] }],
  });
  for (const n of names) {
    const bytes = fs.readFileSync(path.join(files, n));
    const m = readFileMeta(bytes);
    const r = await a.store({ sopClassUid: m.sopClassUid, sopInstanceUid: m.sopInstanceUid, transferSyntaxUid: m.transferSyntaxUid, dataset: bytes.subarray(m.datasetStart) });
    if (r.status !== 0) throw new Error(`status 0x${r.status.toString(16)} for ${n}`);
  }
  await a.release();
  const c = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const emptied = (dir: string) => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

interface Row { name: string; files: number; ms: number[]; cpu: number[] }

async function main(): Promise<void> {
  const rounds = quick ? 3 : 5;
  const sets = [
    { label: 'small (~40 KB)', dir: makeObjects('small', quick ? 200 : 500, 40_000), count: quick ? 200 : 500, steady: true },
    { label: 'large (~5 MB)', dir: makeObjects('large', quick ? 10 : 30, 5_000_000), count: quick ? 10 : 30, steady: false },
  ];
  const out = path.join(ROOT, 'out');
  const serve = hasServe();
  const table = serve ? serveTable(ROOT) : '';
  if (!serve) console.log('(this build has no `pacsw serve`: its line is left out)');
  const lines: Array<Record<string, unknown>> = [];
  try {
    for (const set of sets) {
      const rows: Record<string, Row> = {};
      const add = (name: string, r: { ms: number; cpuMs: number }) => {
        rows[name] ??= { name, files: set.count, ms: [], cpu: [] };
        rows[name].ms.push(r.ms);
        rows[name].cpu.push(r.cpuMs);
      };
      let node: Awaited<ReturnType<typeof startServe>> | undefined;
      const serveOut = path.join(ROOT, 'out-serve');
      for (let round = 0; round < rounds + 1; round++) {
        const warm = round === 0; // first round: page cache, JIT
        // Alternate which receiver goes first, so drift in the machine's load evens out.
        const order = round % 2 ? ['dcmtk', 'serve', 'ours-rules', 'ours-raw'] : ['serve', 'ours-rules', 'ours-raw', 'dcmtk'];
        for (const who of order) {
          if (who === 'serve') {
            if (!serve) continue;
            // One node for all rounds, as a receiving node runs for hours: its first run (V8 still
            // compiling the rule engine and the network path) is reported on a line of its own.
            node ??= await startServe(table, serveOut);
            emptied(serveOut);
            const c0 = cpuOf(node.pid);
            const r = await runStorescu(node.port, set.dir);
            const cpu = cpuOf(node.pid) - c0;
            const stored = countFiles(serveOut);
            if (stored !== set.count) throw new Error(`pacsw serve stored ${stored} of ${set.count} files`);
            add(warm ? '(a) storescu → pacsw serve (20 rules, storing), first run of a fresh process' : '(a) storescu → pacsw serve (20 rules, storing)', { ms: r.ms, cpuMs: cpu });
          } else if (who === 'dcmtk') {
            const scp = await storescp(emptied(out));
            const c0 = cpuOf(scp.child.pid!);
            const r = await runStorescu(scp.port, set.dir);
            await new Promise((res) => setTimeout(res, 50)); // storescp finishes its last file after the response
            const cpu = cpuOf(scp.child.pid!) - c0;
            if (!warm) add('(a) storescu → storescp (storing)', { ms: r.ms, cpuMs: cpu });
            const scu = await ourScu(scp.port, set.dir);
            if (!warm) add('(b) our SCU → storescp', scu);
            emptied(out);
            const dcmtkScu = await runStorescu(scp.port, set.dir);
            if (!warm) add('(b) storescu → storescp', dcmtkScu);
            await scp.stop();
          } else {
            const server = await ourScp(emptied(out), who === 'ours-rules');
            const c0 = process.cpuUsage();
            const r = await runStorescu(server.port, set.dir);
            const c = process.cpuUsage(c0);
            await server.close(true);
            if (fs.readdirSync(out).length !== set.count) throw new Error(`our SCP stored ${fs.readdirSync(out).length} of ${set.count} files`);
            if (!warm) add(who === 'ours-rules' ? '(a) storescu → our SCP (20 rules, storing, fsync)' : '(a) storescu → our SCP (no rules, storing, fsync)', { ms: r.ms, cpuMs: (c.user + c.system) / 1000 });
          }
        }
      }
      if (node && set.steady) {
        // The node's CPU per small object still falls after the rounds above (V8 still optimising:
        // docs/benchmarks.md, fourth session): feed it unmeasured runs until it has had
        // STEADY_AFTER objects, then measure again. Informational; the target stays on the line above.
        let seen = set.count * (rounds + 1);
        while (seen < STEADY_AFTER) {
          emptied(serveOut);
          await runStorescu(node.port, set.dir);
          seen += set.count;
        }
        // storescp runs beside it again, so that its ratio compares runs of the same minutes.
        const name = `${STEADY_LINE} (after ${seen} objects)`;
        for (let i = 0; i < rounds; i++) {
          emptied(serveOut);
          const c0 = cpuOf(node.pid);
          const r = await runStorescu(node.port, set.dir);
          add(name, { ms: r.ms, cpuMs: cpuOf(node.pid) - c0 });
          const scp = await storescp(emptied(out));
          const s0 = cpuOf(scp.child.pid!);
          const d = await runStorescu(scp.port, set.dir);
          await new Promise((res) => setTimeout(res, 50));
          add(STEADY_DCMTK, { ms: d.ms, cpuMs: cpuOf(scp.child.pid!) - s0 });
          await scp.stop();
        }
      }
      await node?.stop();
      const ref = (name: string) => median(rows[name].ms);
      for (const row of Object.values(rows)) {
        const ms = median(row.ms);
        const base = row.name.startsWith(STEADY_LINE) || row.name === STEADY_DCMTK ? ref(STEADY_DCMTK) : row.name.startsWith('(a)') ? ref('(a) storescu → storescp (storing)') : ref('(b) storescu → storescp');
        const ratio = Math.round((base / ms) * 100) / 100;
        const line: Record<string, unknown> = {
          suite: 'net', name: `${row.name}, ${set.label} × ${row.files}`,
          runs: row.ms.length, medianMs: Math.round(ms), p95Ms: Math.round(Math.max(...row.ms)),
          filesPerSecond: Math.round((row.files / ms) * 1000), cpuMs: Math.round(median(row.cpu)), throughputVsDcmtk: ratio,
        };
        if ((row.name.includes('pacsw serve') && !row.name.includes('first run') && !row.name.startsWith(STEADY_LINE)) || (!serve && row.name.includes('20 rules'))) {
          line.target = '≥ 0.7 of storescp throughput';
          line.met = ratio >= 0.7;
        }
        lines.push(line);
      }
    }
  } finally {
    fs.rmSync(ROOT, { recursive: true, force: true });
  }
  for (const l of lines) console.log('BENCH ' + JSON.stringify(l));
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  console.log(['measurement'.padEnd(78), 'files/s', ' median ms', ' CPU ms', ' × DCMTK'].join(' '));
  for (const l of lines) console.log(`${String(l.name).padEnd(78)} ${String(l.filesPerSecond).padStart(7)} ${String(l.medianMs).padStart(10)} ${String(l.cpuMs).padStart(7)} ${String(l.throughputVsDcmtk).padStart(8)}`);
  const dir = path.resolve(__dirname, '../../bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'net.json'), JSON.stringify({ date: new Date().toISOString(), quick, loadavg: os.loadavg(), results: lines }, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
