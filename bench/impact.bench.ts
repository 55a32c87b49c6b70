/**
 * Benchmark: `pacsw impact` of a rule change over the apply benchmark's 1,000 files
 * (bench/applyCorpus.ts), against one `pacsw apply` of the new rules over the same files, in
 * the same run, rounds alternating which goes first. Both as processes, startup included. The
 * change edits two of the 20 rules and adds one, so most objects differ. Target (issue 13):
 * impact at most 1.5 × apply (its default threads), per round, median.
 *
 * Run: npm run build && npx tsc -p . && node out/bench/impact.bench.js [files=1000] [rounds=7]
 * (BENCH_DIR=/some/dir to run on disk instead of /dev/shm).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyCorpus, ENV, median, REPO, RULES, ruleText, sources } from './applyCorpus';

const FILES = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 7);
const BENCH_DIR = process.env.BENCH_DIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
const TARGET = 1.5;

/** The change under review: two values edited, one more attribute removed. */
const CHANGED: Array<[string, string | null]> = [
  ...RULES.map(([tag, v]): [string, string | null] => (tag === '0008,0050' ? [tag, 'ACC0002'] : tag === '0008,0080' ? [tag, 'BENCH CLINIC'] : [tag, v])),
  ['0008,1048', null],
];

function main(): void {
  const root = fs.mkdtempSync(path.join(BENCH_DIR, 'pacsw-bench-impact-'));
  try {
    const inputs = path.join(root, 'inputs');
    const { bytes } = copyCorpus(sources(root), inputs, FILES);
    const oldRules = path.join(root, 'old.coerce');
    const newRules = path.join(root, 'rules.coerce');
    fs.writeFileSync(oldRules, ruleText(RULES));
    fs.writeFileSync(newRules, ruleText(CHANGED));

    const pacsw = (args: string[]): { ms: number; stdout: string } => {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'pacsw.js'), ...args], { env: ENV, encoding: 'utf8', maxBuffer: 1 << 28 });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 0) throw new Error(`pacsw ${args[0]} exited ${r.status}: ${r.stderr}`);
      return { ms, stdout: r.stdout };
    };
    const times = { impact: [] as number[], apply: [] as number[], apply1: [] as number[] };
    let report: { summary: Array<{ objects: number; changed: number }> } | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const out = path.join(root, `out-${round}`);
      const out1 = path.join(root, `out1-${round}`);
      const runs: Array<() => void> = [
        () => {
          const r = pacsw(['impact', '--old', oldRules, '--rules', newRules, '--json', inputs]);
          times.impact.push(r.ms);
          report = JSON.parse(r.stdout);
        },
        () => times.apply.push(pacsw(['apply', '--rules', newRules, '--out', out, inputs]).ms),
        () => times.apply1.push(pacsw(['apply', '--jobs', '1', '--rules', newRules, '--out', out1, inputs]).ms),
      ];
      for (let i = 0; i < runs.length; i++) runs[(i + round) % runs.length]();
      fs.rmSync(out, { recursive: true });
      fs.rmSync(out1, { recursive: true });
    }
    const summary = report?.summary[0];
    if (!summary || summary.objects !== FILES || summary.changed !== FILES) throw new Error(`impact did not report every object as changed: ${JSON.stringify(summary)}`);

    const ratios = times.impact.map((t, i) => t / times.apply[i]);
    const ratios1 = times.impact.map((t, i) => t / times.apply1[i]);
    const ratio = median(ratios);
    console.log(`in ${BENCH_DIR}: ${FILES} files (${(bytes / 1e6).toFixed(1)} MB), ${RULES.length} rules vs ${CHANGED.length} (2 edited, 1 added), median of ${ROUNDS} rounds, Node ${process.version}, ${os.cpus().length} CPUs`);
    console.log('| run | median |');
    console.log('|---|---|');
    console.log(`| pacsw impact --old --rules --json (one thread) | ${median(times.impact).toFixed(0)} ms |`);
    console.log(`| pacsw apply (its default thread count) | ${median(times.apply).toFixed(0)} ms |`);
    console.log(`| pacsw apply --jobs 1 | ${median(times.apply1).toFixed(0)} ms |`);
    console.log(`impact / apply, per round: median ${ratio.toFixed(2)} (target ≤ ${TARGET}); impact / apply --jobs 1: median ${median(ratios1).toFixed(2)}`);
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min) at the end of the run`);
    console.log(`raw ms: ${JSON.stringify(times)}`);
    const sorted = [...times.impact].sort((a, b) => a - b);
    console.log(`BENCH ${JSON.stringify({ name: `pacsw impact, ${FILES} files`, medianMs: Math.round(median(times.impact)), p95Ms: Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]), target: `≤ ${TARGET} × pacsw apply (ratio ${ratio.toFixed(2)})`, met: ratio <= TARGET })}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main();
