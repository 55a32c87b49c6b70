/**
 * `pacsw apply` over many files on several threads: the main thread and up to `jobs - 1` worker
 * threads take the next file from a shared counter until none is left, each with its own copy
 * of the rules. Every output is still written atomically by the thread that made it; results
 * are handed on in input order. A worker that fails leaves its unreported files to the main
 * thread, which does them itself (outputs are atomic, so doing one again is harmless).
 */
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { RuleSetInput } from '../../core/src/coercion/evaluate';
import { coerceFile, type FileStatus } from '../../core/src/dicom/coerceFile';
import { loadRuleSets } from './rules';

export interface ApplyJob {
  input: string;
  output: string;
  /** Set when the job fails before it is read (a missing input, two inputs for one output). */
  failed?: string;
  /** Found in a folder: skipped (not failed) when it is not DICOM. */
  found?: boolean;
}

export interface ApplyResult {
  status: FileStatus;
  reason?: string;
  /** Attributes the rules changed. */
  changes: number;
  /** What the reader inferred about the input (a missing Transfer Syntax UID). */
  warnings?: string[];
}

/** Below this many files a worker's start (about 60 ms) costs more than it brings. */
export const PARALLEL_MIN_FILES = 100;

/** At most this many threads by default: reading and writing files stops scaling before the cores do. */
export const DEFAULT_MAX_THREADS = 4;

/**
 * The default thread count from the cores and the load average (os.loadavg()[0]): one thread
 * per idle core. A worker costs its own start (the CLI bundle and the rules again, ~100 ms of
 * CPU) and competes with the main thread for any busy core: on two cores, two threads were only
 * ~5 % faster than one when idle, used ~25 % more CPU, and were 1.4-1.8 times *slower* as soon
 * as anything else ran (issue 10). So two cores or fewer give one thread, and a busy machine
 * gets no workers.
 */
export function defaultThreads(cores: number, load: number): number {
  if (cores <= 2) return 1;
  const idle = Math.floor(Math.max(0, cores - load));
  return Math.max(1, Math.min(DEFAULT_MAX_THREADS, idle));
}

/** Slots of the shared state: the next job to take, and a stop request (Ctrl+C). */
const NEXT = 0;
const STOP = 1;

interface WorkerInput {
  pacswApplyWorker: true;
  jobs: ApplyJob[];
  /** The rule options (--before, --rules, --after) as given, loaded again by each worker. */
  ruleOptions: Array<[string, string]>;
  state: SharedArrayBuffer;
}

type WorkerMessage = { results: Array<[number, ApplyResult]> } | { done: true };

function runJob(ruleSets: RuleSetInput[], job: ApplyJob): ApplyResult {
  if (job.failed !== undefined) return { status: 'failed', reason: job.failed, changes: 0 };
  const outcome = coerceFile(ruleSets, job.input, job.output, { skipNotDicom: job.found });
  const result: ApplyResult = { status: outcome.status, reason: outcome.reason, changes: outcome.result?.changes.length ?? 0 };
  if (outcome.warnings) result.warnings = outcome.warnings;
  return result;
}

export interface ApplyRun {
  ruleSets: RuleSetInput[];
  ruleOptions: Map<string, string>;
  jobs: ApplyJob[];
  /** Threads in all, the main thread included. */
  threads: number;
  signal: AbortSignal;
  /** Called once per finished job, in input order. */
  onResult(index: number, result: ApplyResult): void;
  /** A worker thread failed (its files are done by the main thread); for the user to know. */
  onWorkerError(message: string): void;
}

/** Runs the jobs; returns how many finished (fewer than all when `signal` stopped the run). */
export async function runApplyJobs(run: ApplyRun): Promise<number> {
  const { jobs } = run;
  const state = new Int32Array(new SharedArrayBuffer(8));
  const results: Array<ApplyResult | undefined> = new Array(jobs.length);
  let emitted = 0;
  let finished = 0;
  const record = (index: number, result: ApplyResult): void => {
    if (results[index] !== undefined) return;
    results[index] = result;
    finished++;
    while (emitted < jobs.length && results[emitted] !== undefined) run.onResult(emitted, results[emitted++]!);
  };
  const stop = (): void => {
    Atomics.store(state, STOP, 1);
  };
  run.signal.addEventListener('abort', stop);

  const workerCount = jobs.length >= PARALLEL_MIN_FILES ? Math.max(0, run.threads - 1) : 0;
  const workers = Array.from({ length: workerCount }, () => startWorker(run, state.buffer as SharedArrayBuffer, record));

  // The main thread takes jobs too, and now and then lets the workers' results (and Ctrl+C) in.
  let lastTurn = Date.now();
  for (;;) {
    if (Atomics.load(state, STOP) === 1) break;
    const index = Atomics.add(state, NEXT, 1);
    if (index >= jobs.length) break;
    record(index, runJob(run.ruleSets, jobs[index]));
    if (Date.now() - lastTurn > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      lastTurn = Date.now();
    }
  }
  await Promise.all(workers);
  // Jobs a failed worker took but did not report: claimed (below the counter) and without result.
  const claimed = Math.min(jobs.length, Atomics.load(state, NEXT));
  for (let index = 0; index < claimed; index++) {
    if (results[index] === undefined && Atomics.load(state, STOP) === 0) record(index, runJob(run.ruleSets, jobs[index]));
  }
  // After Ctrl+C some jobs were never taken: hand on what did finish, still in order.
  for (let index = emitted; index < jobs.length; index++) if (results[index] !== undefined) run.onResult(index, results[index]!);
  run.signal.removeEventListener('abort', stop);
  return finished;
}

/** A worker's life: resolves when it has said it is done, or has stopped in any other way. */
function startWorker(run: ApplyRun, state: SharedArrayBuffer, record: (index: number, result: ApplyResult) => void): Promise<void> {
  const input: WorkerInput = { pacswApplyWorker: true, jobs: run.jobs, ruleOptions: [...run.ruleOptions], state };
  // pacsw.js next to this code: the launcher in dist/, the compiled CLI in out/; both run
  // runApplyWorker() when started as a worker.
  const worker = new Worker(path.join(__dirname, 'pacsw.js'), { workerData: input, stdout: true, stderr: true });
  return new Promise<void>((resolve) => {
    worker.on('message', (message: WorkerMessage) => {
      if ('results' in message) for (const [index, result] of message.results) record(index, result);
      else resolve(); // sent after its last results, on the same port
    });
    // A worker that cannot load the rules or dies does not fail the run: its files are redone.
    worker.on('error', (error: Error) => run.onWorkerError(error.message));
    worker.on('exit', () => resolve());
  });
}

/** True in a thread started by runApplyJobs. */
export function isApplyWorker(): boolean {
  return !isMainThread && (workerData as Partial<WorkerInput> | undefined)?.pacswApplyWorker === true;
}

/** The worker thread's side: take jobs until none is left or a stop is requested. */
export function runApplyWorker(): void {
  const input = workerData as WorkerInput;
  const state = new Int32Array(input.state);
  const ruleSets = loadRuleSets(new Map(input.ruleOptions));
  let batch: Array<[number, ApplyResult]> = [];
  let lastSent = Date.now();
  const send = (): void => {
    if (batch.length > 0) parentPort!.postMessage({ results: batch } satisfies WorkerMessage);
    batch = [];
    lastSent = Date.now();
  };
  for (;;) {
    if (Atomics.load(state, STOP) === 1) break;
    const index = Atomics.add(state, NEXT, 1);
    if (index >= input.jobs.length) break;
    batch.push([index, runJob(ruleSets, input.jobs[index])]);
    if (batch.length >= 32 || Date.now() - lastSent > 50) send();
  }
  send();
  parentPort!.postMessage({ done: true } satisfies WorkerMessage);
}
