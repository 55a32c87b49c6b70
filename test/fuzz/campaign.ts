/**
 * A fuzzing campaign (docs/fuzzing.md): for a time budget (or a number of inputs), each chosen
 * target generates inputs from the corpus and runs them. Input n of target T is generated from
 * its own seed (seed, T, n), so a campaign is reproducible whatever the timing. Each problem is
 * kept with a reproducer file in the output folder and a one-line command that replays it;
 * problems of the same kind and first line are counted once, with how often they occurred.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCorpus } from './corpus';
import { CORE_BATCH, CoreTarget } from './coreTargets';
import { inputRandom } from './random';

export { inputRandom };
import { ApplyTarget, CheckTarget, LspTarget, ServeTarget, type FuzzInput, type Limits, type Problem, type Target } from './targets';

/** The entry points (slow: a process or a round trip per input), then the in-process targets (core functions, fast). */
export const TARGET_NAMES = ['lsp', 'check', 'apply', 'serve', 'core-text', 'core-dicom', 'core-pdu'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface CampaignOptions {
  seed: number;
  seconds: number;
  targets: readonly TargetName[];
  /** Stop after this many inputs in all (default: only the time budget). */
  maxInputs?: number;
  /** Where reproducers and the summary go (created); default a fresh folder under the OS temp dir. */
  outDir?: string;
  limits?: Partial<Limits>;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** A target of one's own for a name (tests of the campaign itself); undefined: the real one. */
  makeTarget?: (name: TargetName) => Target | undefined;
}

export interface Finding extends Problem {
  target: string;
  /** Input number within its target, and the mutations that made it. */
  input: number;
  mutations: string[];
  /** The reproducer file (its input, byte for byte) and a command that replays it. */
  reproducer?: string;
  replay?: string;
  /** How many inputs had the same kind of problem with the same first line. */
  occurrences: number;
}

export interface TargetStats { inputs: number; seconds: number; inputsPerSecond: number; findings: number; peakRssMb: number }

export interface CampaignResult {
  seed: number;
  seconds: number;
  inputs: number;
  targets: Record<string, TargetStats>;
  findings: Finding[];
  harnessPeakRssMb: number;
  loadAverage: number[];
  outDir: string;
}

export const DEFAULT_LIMITS: Limits = { inputTimeoutMs: 10_000, maxRssMb: 1024 };
/** Distinct problems of one kind in one target that get a reproducer file (the rest are counted). */
const REPRODUCERS_PER_KIND = 30;
/** Inputs in flight at once per target: serve waits on timers, so it overlaps connections. */
const CONCURRENCY: Record<TargetName, number> = { 'lsp': 1, 'check': 1, 'apply': 1, 'serve': 6, 'core-text': 1, 'core-dicom': 1, 'core-pdu': 1 };

function makeTarget(name: TargetName, corpus: ReturnType<typeof loadCorpus>, limits: Limits, scratch: string): Target {
  switch (name) {
    case 'lsp': return new LspTarget(corpus, limits);
    case 'check': return new CheckTarget(corpus, limits, scratch);
    case 'apply': return new ApplyTarget(corpus, limits, scratch);
    case 'serve': return new ServeTarget(corpus, limits, scratch);
    case 'core-text': case 'core-dicom': case 'core-pdu': return new CoreTarget(name, corpus, limits, scratch);
  }
}


function peakRssOfThisProcess(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const outDir = options.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `pacsw-fuzz-${options.seed}-`));
  fs.mkdirSync(outDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsw-fuzz-scratch-'));
  const log = options.log ?? (() => undefined);
  const corpus = loadCorpus();
  const targets = options.targets.map((name) => options.makeTarget?.(name) ?? makeTarget(name, corpus, limits, scratch));
  const byKey = new Map<string, Finding>();
  const stats: Record<string, TargetStats> = {};
  let started = Date.now();
  let deadline = Infinity;
  let total = 0;
  const more = (): boolean => Date.now() < deadline && (options.maxInputs === undefined || total < options.maxInputs);

  // Once the campaign stops (its time is up, or the harness failed), the targets are stopped
  // under the inputs still in flight: what those report then (a thread "died" with exit code 1,
  // a killed server's failed write) is the stop, not the input.
  let stopping = false;
  const record = (target: Target, n: number, input: FuzzInput, problem: Problem): void => {
    if (stopping) return;
    const key = `${target.name}|${problem.kind}|${problem.detail.split('\n')[0].replace(/\d+/g, 'N').slice(0, 200)}`;
    const known = byKey.get(key);
    if (known) {
      known.occurrences++;
      return;
    }
    const finding: Finding = { ...problem, target: target.name, input: n, mutations: input.mutations, occurrences: 1 };
    if ([...byKey.values()].filter((f) => f.target === target.name && f.kind === problem.kind).length < REPRODUCERS_PER_KIND) {
      const file = path.join(outDir, `${target.name}-${problem.kind}-${n}${input.ext}`);
      fs.writeFileSync(file, input.bytes);
      fs.writeFileSync(`${file}.json`, JSON.stringify({ target: target.name, seed: options.seed, input: n, mutations: input.mutations, ...problem }, null, 2));
      finding.reproducer = file;
      finding.replay = `npm run fuzz -- --replay ${file}${target.replayCommand ? `   (or: ${target.replayCommand(file)})` : ''}`;
    }
    byKey.set(key, finding);
    log(`FINDING ${target.name} ${problem.kind} (input ${n}): ${problem.detail.split('\n')[0].slice(0, 300)}`);
  };

  try {
    // Starting (the server, serve, the CLI threads' first load) is not part of the time budget.
    await Promise.all(targets.map((t) => t.start()));
    started = Date.now();
    deadline = started + options.seconds * 1000;
    await Promise.all(targets.map(async (target) => {
      const name = target.name as TargetName;
      let next = 0;
      let done = 0;
      const t0 = Date.now();
      const batches = async (core: CoreTarget): Promise<void> => {
        while (more()) {
          const from = next;
          const count = Math.min(CORE_BATCH, options.maxInputs === undefined ? CORE_BATCH : options.maxInputs - total);
          next += count;
          total += count;
          const result = await core.runBatch(options.seed, from, count);
          next = from + result.done; // a hang or a death ends a batch early: go on after that input
          total -= count - result.done;
          done += result.done;
          for (const { n, problem } of result.problems) record(target, n, target.generate(inputRandom(options.seed, name, n)), problem);
          if (Math.floor(done / 100_000) > Math.floor((done - result.done) / 100_000)) log(`${name}: ${done} inputs, ${Math.round(done / ((Date.now() - t0) / 1000))}/s`);
        }
      };
      const lane = async (): Promise<void> => {
        while (more()) {
          const n = next++;
          total++;
          const input = target.generate(inputRandom(options.seed, name, n));
          let problem: Problem | undefined;
          try {
            problem = await target.run(input);
          } catch (e) {
            problem = { kind: 'crash', detail: `the harness failed on this input: ${(e as Error).stack ?? String(e)}` };
          }
          done++;
          if (problem) record(target, n, input, problem);
          if (done % 1000 === 0) log(`${name}: ${done} inputs, ${Math.round(done / ((Date.now() - t0) / 1000))}/s`);
        }
      };
      await (target instanceof CoreTarget ? batches(target) : Promise.all(Array.from({ length: CONCURRENCY[name] }, lane)));
      const seconds = (Date.now() - t0) / 1000;
      stats[name] = { inputs: done, seconds, inputsPerSecond: Math.round(done / Math.max(seconds, 0.001)), findings: 0, peakRssMb: 0 };
    }));
    for (const t of targets) {
      if (t instanceof ServeTarget) {
        const problem = await t.finalCheck();
        if (problem) record(t, -1, { ext: '.txt', bytes: Buffer.from(problem.detail), mutations: [] }, problem);
      }
    }
  } finally {
    stopping = true;
    for (const t of targets) {
      await t.stop().catch(() => undefined);
      if (stats[t.name]) stats[t.name].peakRssMb = Math.round(t.peakRssMb());
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const findings = [...byKey.values()];
  for (const f of findings) stats[f.target].findings += f.occurrences;
  const result: CampaignResult = {
    seed: options.seed,
    seconds: (Date.now() - started) / 1000,
    inputs: Object.values(stats).reduce((n, s) => n + s.inputs, 0),
    targets: stats,
    findings,
    harnessPeakRssMb: Math.round(peakRssOfThisProcess()),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    outDir,
  };
  fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(result, null, 2));
  return result;
}

/** Runs one reproducer file through its target (named by the file's prefix) and returns the problem, if any. */
export async function replay(file: string, limits: Partial<Limits> = {}): Promise<{ target: string; problem: Problem | undefined }> {
  const base = path.basename(file);
  const name = TARGET_NAMES.find((t) => base.startsWith(`${t}-`));
  if (!name) throw new Error(`${file}: a reproducer's name starts with its target (${TARGET_NAMES.join(', ')}-...)`);
  const metaFile = `${file}.json`;
  const mutations = fs.existsSync(metaFile) ? (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { mutations: string[] }).mutations : [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsw-fuzz-replay-'));
  const target = makeTarget(name, loadCorpus(), { ...DEFAULT_LIMITS, ...limits }, scratch);
  try {
    await target.start();
    const problem = await target.run({ ext: path.extname(base), bytes: fs.readFileSync(file), mutations });
    return { target: name, problem };
  } finally {
    await target.stop().catch(() => undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
