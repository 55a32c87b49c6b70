/**
 * Echo benchmarks (docs/benchmarks.md, section "Echo"), all on 127.0.0.1:
 *  (a) C-ECHO latency against DCMTK storescp, new association per echo: ours (in-process,
 *      core/src/net) vs DCMTK `echoscu` spawned per call (includes process start), plus
 *      `echoscu --repeat` (several C-ECHOs inside ONE association: the per-echo cost without
 *      association set-up) and the bare process-start cost of `echoscu --version`;
 *  (b) echo all over 500 device entries spread over 4 local peers (2 storescp, 2 of our own
 *      echo SCPs) at several concurrency limits.
 * Run with `npm run bench echo` (or `node out/bench/echo.bench.js [--quick]` after tsc).
 * Prints one `BENCH {json}` line per measurement; writes bench/results/echo.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { echo } from '../core/src/net/echo';
import { echoAll, type EchoTarget } from '../core/src/net/echoAll';
import { dcmtkEnv, startEchoScp, startStorescp, stopAllPeers } from '../test/integration/peers';

interface Measurement {
  suite: 'echo';
  name: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  note?: string;
}

function stats(name: string, samples: number[], note?: string): Measurement {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x: number) => Math.round(x * 100) / 100;
  const m: Measurement = { suite: 'echo', name, runs: samples.length, medianMs: round(pick(0.5)), p95Ms: round(pick(0.95)), maxMs: round(sorted[sorted.length - 1]) };
  if (note) m.note = note;
  return m;
}

function timeSpawn(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('echoscu', args, { env: dcmtkEnv(), encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`echoscu ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return ms;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const runs = quick ? 30 : 200;
  const repeat = 50;
  const results: Measurement[] = [];
  try {
    const scp = await startStorescp({ aet: 'BENCHSCP' });
    const target = { host: '127.0.0.1', port: scp.port, calledAet: 'BENCHSCP', callingAet: 'PACSW' };

    // Warm-up: module loading and the first association are not what we measure.
    for (let i = 0; i < 5; i++) await echo({ ...target, timeoutMs: 5000 });
    const ours: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await echo({ ...target, timeoutMs: 5000 });
      if (!r.ok) throw new Error(`echo failed: ${r.reason}`);
      ours.push(r.ms);
    }
    results.push(stats('(a) our echo (core/src/net, in-process), new association per echo', ours, 'time to the C-ECHO response; release not included'));

    const base = ['-aet', 'PACSW', '-aec', 'BENCHSCP', '127.0.0.1', String(scp.port)];
    const spawned: number[] = [];
    for (let i = 0; i < runs; i++) spawned.push(timeSpawn(base));
    results.push(stats('(a) echoscu spawned per call, new association per echo', spawned, 'wall time of the whole process: start, associate, echo, release, exit'));

    const start: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      spawnSync('echoscu', ['--version'], { env: dcmtkEnv() });
      start.push(performance.now() - t0);
    }
    results.push(stats('(a) echoscu --version (process start and exit only)', start, 'subtract from the line above to estimate echoscu\'s network time'));

    const repeated: number[] = [];
    for (let i = 0; i < Math.max(5, runs / 10); i++) repeated.push(timeSpawn(['--repeat', String(repeat), ...base]) / repeat);
    results.push(stats(`(a) echoscu --repeat ${repeat}, per echo (one association, ${repeat} C-ECHOs)`, repeated, 'not comparable to a new association per echo: no association set-up'));

    // (b) 500 entries over 4 peers.
    const peers = [scp.port, (await startStorescp({ aet: 'BENCHSCP2' })).port, (await startEchoScp()).port, (await startEchoScp()).port];
    const targets: EchoTarget[] = Array.from({ length: 500 }, (_, i) => ({ id: `DEV${i}`, host: '127.0.0.1', port: peers[i % 4], calledAet: 'ANY', callingAet: 'PACSW' }));
    for (const concurrency of [1, 8, 32]) {
      const totals: number[] = [];
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        const t0 = performance.now();
        const rs = await echoAll(targets, { concurrency, timeoutMs: 10000 });
        totals.push(performance.now() - t0);
        const failed = rs.filter((r) => !r.ok);
        if (failed.length) throw new Error(`${failed.length} echoes failed, e.g. ${failed[0].reason}`);
      }
      results.push(stats(`(b) echo all, 500 entries over 4 local peers, concurrency ${concurrency} (total)`, totals));
    }
  } finally {
    await stopAllPeers();
  }

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${os.platform()}`;
  for (const r of results) console.log('BENCH ' + JSON.stringify(r));
  console.log(`\nmachine: ${machine}`);
  console.log(['measurement'.padEnd(92), 'median', '   p95', '   max'].join(' '));
  for (const r of results) console.log(`${r.name.padEnd(92)} ${String(r.medianMs).padStart(6)} ${String(r.p95Ms).padStart(6)} ${String(r.maxMs).padStart(6)}`);
  const dir = path.resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'echo.json'), JSON.stringify({ machine, date: new Date().toISOString(), quick, results }, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
