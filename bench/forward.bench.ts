/**
 * Forwarding benchmark (docs/benchmarks.md, section "Forwarding"), all on 127.0.0.1, stores in
 * /dev/shm: storescu → `pacsw serve` (a device with 20 rules; the durable forward queue) →
 * DCMTK storescp, against storescu → storescp directly, same files, same run, rounds
 * alternating. Reports end-to-end files/s (first send to last arrival at storescp) and the
 * latency from send (storescu's "Sending file") to arrival (the file appearing in storescp's
 * folder), median and p95, and pacsw serve's own CPU time per object (/proc: the figure that
 * stays meaningful on a loaded machine), and of its main thread alone (the receive path; the
 * sending has a thread of its own, docs/forwarding.md). The node is measured twice: as it
 * runs (sending thread) and with PACSW_FORWARD_THREAD=0 (sending on the main thread), for the
 * difference. Target: forwarded throughput at least 0.5 of direct.
 * Run with `npm run bench forward` (or `node out/bench/forward.bench.js [--quick]` after tsc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateRuleFile } from './generate-rules';
import { startServe } from './serveProcess';
import { dcmtkEnv, freePort, waitForPort } from '../test/integration/peers';
import { makePart10 } from '../test/integration/forward/part10-maker';

const quick = process.argv.includes('--quick');
const FILES = quick ? 100 : 300;
const ROUNDS = quick ? 2 : 3;
const ROOT = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'pacsw-fwdbench-'));
const CT = '1.2.840.10008.5.1.4.1.1.2';

function makeInputs(): { dir: string; uidOf: Map<string, string> } {
  const dir = path.join(ROOT, 'in');
  fs.mkdirSync(dir);
  const uidOf = new Map<string, string>();
  for (let i = 0; i < FILES; i++) {
    const uid = `2.25.5151${i}`;
    const file = path.join(dir, `${i}.dcm`);
    fs.writeFileSync(file, makePart10({ sopClassUid: CT, sopInstanceUid: uid, patientId: `PID${i}`, accessionNumber: `ACC${i}`, payloadBytes: 40000 }));
    uidOf.set(file, uid);
  }
  return { dir, uidOf };
}

async function startStorescp(dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('storescp', ['-aet', 'SINK', '-od', dir, '--max-pdu', '65536', String(port)], { env: dcmtkEnv(), stdio: 'ignore' });
  await waitForPort(port, 10000, child);
  return { port, stop: () => stopChild(child, 'SIGTERM') };
}

const stopChild = (child: ChildProcess, signal: NodeJS.Signals): Promise<void> =>
  new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill(signal))));

/** storescu's STORESCU sends with 20 rules; SINK (storescp), when given, gets a copy of everything. */
function table(sinkPort: number | undefined, name: string): string {
  fs.writeFileSync(path.join(ROOT, 'bench.coerce'), generateRuleFile(20));
  const file = path.join(ROOT, name);
  fs.writeFileSync(file, [
    'server FWD_BENCH {', '  ae "PACSW"', '  tcp-port 104', '}',
    'device CT1 {', '  type dicom', '  ae "STORESCU"', '  host 127.0.0.1', '  services {', '    store U', '  }', '  rules "bench.coerce"', '}',
    ...(sinkPort === undefined ? [] : ['device SINK {', '  type dicom', '  ae "SINK"', '  host 127.0.0.1', `  port ${sinkPort}`, '  services {', '    store P', '    autofwd', '  }', '}']),
    '',
  ].join('\n'));
  return file;
}

interface Run {
  ms: number;
  latencies: number[];
  /** CPU time (user + system) of pacsw serve per object, when it was in the path: all its threads, and its main thread. */
  cpuMsPerObject?: number;
  mainCpuMsPerObject?: number;
}

/** User + system CPU time of a process (or of its thread `tid`) so far, in ms (Linux /proc; undefined elsewhere). */
function cpuMs(pid: number, tid?: number): number | undefined {
  try {
    const fields = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks: 100 per second on Linux
  } catch {
    return undefined;
  }
}

/**
 * One storescu run of every input to `port`, and the time each file appears in `sinkDir`:
 * throughput from the first send to the last arrival, latency per object.
 */
async function run(port: number, calledAe: string, inputs: { dir: string; uidOf: Map<string, string> }, sinkDir: string, servePid?: number, nameOf = (f: string) => /^CT\.(.+)$/.exec(f)?.[1]): Promise<Run> {
  const arrived = new Map<string, number>();
  fs.mkdirSync(sinkDir, { recursive: true });
  const watcher = fs.watch(sinkDir, (_, name) => {
    const uid = name ? nameOf(String(name)) : undefined;
    if (uid && !arrived.has(uid)) arrived.set(uid, performance.now());
  });
  const sent = new Map<string, number>();
  const cpu0 = servePid === undefined ? undefined : cpuMs(servePid);
  const main0 = servePid === undefined ? undefined : cpuMs(servePid, servePid);
  const t0 = performance.now();
  const child = spawn('storescu', ['-v', '+sd', '-xe', '--max-pdu', '65536', '-aet', 'STORESCU', '-aec', calledAe, '127.0.0.1', String(port), inputs.dir], { env: dcmtkEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  const onLog = (d: Buffer): void => {
    pending += d.toString();
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const m = /Sending file: (.+)$/.exec(line);
      const uid = m && inputs.uidOf.get(m[1].trim());
      if (uid) sent.set(uid, performance.now());
    }
  };
  child.stdout.on('data', onLog);
  child.stderr.on('data', onLog);
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`storescu exited with ${code}`);
  const deadline = Date.now() + 120000;
  while (arrived.size < FILES) {
    if (Date.now() > deadline) throw new Error(`only ${arrived.size} of ${FILES} files arrived at storescp`);
    await new Promise((r) => setTimeout(r, 5));
  }
  watcher.close();
  const cpu1 = servePid === undefined ? undefined : cpuMs(servePid);
  const main1 = servePid === undefined ? undefined : cpuMs(servePid, servePid);
  const last = Math.max(...arrived.values());
  const latencies = [...arrived].map(([uid, at]) => at - (sent.get(uid) ?? t0));
  const perObject = (a?: number, b?: number) => (a !== undefined && b !== undefined ? (b - a) / FILES : undefined);
  return { ms: last - t0, latencies, cpuMsPerObject: perObject(cpu0, cpu1), mainCpuMsPerObject: perObject(main0, main1) };
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number): number => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const emptied = (dir: string): string => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

async function main(): Promise<void> {
  const inputs = makeInputs();
  const sinkDir = emptied(path.join(ROOT, 'sink'));
  const sink = await startStorescp(sinkDir);
  const node = await startServe(table(sink.port, 'forward.pacs'), path.join(ROOT, 'store'));
  const oneThreadNode = await startServe(table(sink.port, 'forward-one-thread.pacs'), path.join(ROOT, 'store-one-thread'), { PACSW_FORWARD_THREAD: '0' });
  // The receiving node alone (same rules, no AutoFwd device): "arrival" is its stored file.
  const receiverStore = path.join(ROOT, 'receiver-store');
  const receiver = await startServe(table(undefined, 'receive.pacs'), receiverStore);
  const storedName = (f: string) => /^(.+)\.dcm$/.exec(f)?.[1];
  type Who = 'direct' | 'forward' | 'oneThread' | 'receive';
  const rows: Record<Who, Run[]> = { direct: [], forward: [], oneThread: [], receive: [] };
  const loadBefore = os.loadavg();
  try {
    // One warm-up through the node (JIT, first association), not counted.
    await run(node.port, 'PACSW', inputs, emptied(sinkDir));
    await run(oneThreadNode.port, 'PACSW', inputs, emptied(sinkDir));
    await run(receiver.port, 'PACSW', inputs, path.join(emptied(receiverStore), 'CT1'), undefined, storedName);
    for (let round = 0; round < ROUNDS; round++) {
      for (const who of round % 2 ? ['oneThread', 'forward', 'receive', 'direct'] as const : ['direct', 'receive', 'forward', 'oneThread'] as const) {
        emptied(sinkDir);
        if (who === 'direct') rows.direct.push(await run(sink.port, 'SINK', inputs, sinkDir));
        else if (who === 'forward') rows.forward.push(await run(node.port, 'PACSW', inputs, sinkDir, node.pid));
        else if (who === 'oneThread') rows.oneThread.push(await run(oneThreadNode.port, 'PACSW', inputs, sinkDir, oneThreadNode.pid));
        else rows.receive.push(await run(receiver.port, 'PACSW', inputs, path.join(emptied(receiverStore), 'CT1'), receiver.pid, storedName));
      }
    }
  } finally {
    await node.stop();
    await oneThreadNode.stop();
    await receiver.stop();
    await sink.stop();
    fs.rmSync(ROOT, { recursive: true, force: true });
  }
  const median = (rs: Run[]) => sorted(rs.map((r) => r.ms))[Math.floor(rs.length / 2)];
  const line = (who: Who, name: string): Record<string, unknown> => {
    const ms = median(rows[who]);
    const lat = rows[who].flatMap((r) => r.latencies);
    const cpu = rows[who].map((r) => r.cpuMsPerObject).filter((c): c is number => c !== undefined);
    const mainCpu = rows[who].map((r) => r.mainCpuMsPerObject).filter((c): c is number => c !== undefined);
    return {
      suite: 'forward', name: `${name}, 40 KB × ${FILES}`, runs: rows[who].length, medianMs: Math.round(ms),
      filesPerSecond: Math.round((FILES / ms) * 1000), latencyMedianMs: Math.round(pct(lat, 0.5)), latencyP95Ms: Math.round(pct(lat, 0.95)),
      // Under load wall time measures the queue for the CPU; the node's own CPU per object does not.
      ...(cpu.length ? { serveCpuMsPerObject: Math.round(pct(cpu, 0.5) * 100) / 100 } : {}),
      ...(mainCpu.length ? { serveMainThreadCpuMsPerObject: Math.round(pct(mainCpu, 0.5) * 100) / 100 } : {}),
    };
  };
  const direct = line('direct', 'storescu → storescp directly');
  const receive = line('receive', 'storescu → pacsw serve (20 rules), no forwarding: stored');
  receive.throughputVsDirect = Math.round(((receive.filesPerSecond as number) / (direct.filesPerSecond as number)) * 100) / 100;
  const oneThread = line('oneThread', 'same, sending on the main thread (PACSW_FORWARD_THREAD=0)');
  oneThread.throughputVsDirect = Math.round(((oneThread.filesPerSecond as number) / (direct.filesPerSecond as number)) * 100) / 100;
  const forward = line('forward', 'storescu → pacsw serve (20 rules, durable queue) → storescp');
  const ratio = Math.round(((forward.filesPerSecond as number) / (direct.filesPerSecond as number)) * 100) / 100;
  Object.assign(forward, { throughputVsDirect: ratio, target: '≥ 0.5 of direct throughput', met: ratio >= 0.5 });
  const all = [direct, receive, forward, oneThread];
  for (const l of all) console.log('BENCH ' + JSON.stringify(l));
  const loadAfter = os.loadavg();
  console.log(`\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after`);
  console.log(['measurement'.padEnd(72), 'files/s', ' latency median', ' p95', ' × direct', ' serve CPU/object', ' main thread'].join(' '));
  const ms = (v: unknown) => (v === undefined ? '' : `${(v as number).toFixed(2)} ms`);
  for (const l of all) {
    console.log(`${String(l.name).padEnd(72)} ${String(l.filesPerSecond).padStart(7)} ${`${l.latencyMedianMs} ms`.padStart(15)} ${`${l.latencyP95Ms} ms`.padStart(8)} ${String(l.throughputVsDirect ?? '').padStart(9)} ${ms(l.serveCpuMsPerObject).padStart(17)} ${ms(l.serveMainThreadCpuMsPerObject).padStart(12)}`);
  }
  if (typeof forward.serveCpuMsPerObject === 'number' && typeof receive.serveCpuMsPerObject === 'number') {
    console.log(`the forward half (queue + sending) costs serve ${(forward.serveCpuMsPerObject - receive.serveCpuMsPerObject).toFixed(2)} ms of CPU per object (medians)`);
  }
  const dir = path.resolve(__dirname, '../../bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'forward.json'), JSON.stringify({ date: new Date().toISOString(), quick, loadavg: { before: loadBefore, after: loadAfter }, results: all }, null, 2) + '\n');
  if (!forward.met) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
