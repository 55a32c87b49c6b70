/**
 * The in-process targets (`core-text`, `core-dicom`, `core-pdu`; test/fuzz/coreWorker.ts runs
 * them): one worker thread each, given batches of input numbers. It generates and runs the inputs
 * itself and answers with the problems found, so an input costs what the core functions cost,
 * not a process or a round trip. A thread that stops advancing (a hang) or ends (out of memory, a
 * crash) is replaced; the input it was on is read from shared memory and reported.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Corpus } from './corpus';
import type { CoreReply, CoreRequest, CoreTargetName, CoreWorkerData } from './coreWorker';
import { inputRandom, type Random } from './random';
import { ReplyThread } from './replyThread';
import { anyTextInput, CORE_TEXT_MAX, dicomInput, pduInput, timeoutFor, type FuzzInput, type Limits, type Problem, type Target } from './targets';

/** Inputs per message to the thread: small enough that a time budget is kept within a second or two. */
const BATCH = 50;
/** How often the campaign looks whether the thread is still advancing. */
const WATCH_MS = 500;

export interface BatchResult { done: number; problems: Array<{ n: number; problem: Problem }> }

export class CoreTarget implements Target {
  /** The input the thread is on, written by the thread; a new one per thread. */
  private current = new SharedArrayBuffer(4);
  private readonly thread: ReplyThread<CoreReply>;

  constructor(readonly name: CoreTargetName, private readonly corpus: Corpus, private readonly limits: Limits, private readonly scratch: string) {
    this.thread = new ReplyThread<CoreReply>(name, () => {
      this.current = new SharedArrayBuffer(4);
      const data: CoreWorkerData = { target: this.name, scratch: path.join(this.scratch, this.name), current: this.current };
      return new Worker(path.join(__dirname, 'coreWorker.js'), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: this.limits.maxRssMb } });
    });
  }

  async start(): Promise<void> {
    // The thread loads the corpus and the dictionary; the first batch is not timed with that.
    await this.send({ id: 0, one: { ext: this.name === 'core-text' ? '.coerce' : this.name === 'core-dicom' ? '.dcm' : '.pdu', bytes: new Uint8Array(0), mutations: [] } }, 120_000);
  }

  generate(rnd: Random): FuzzInput {
    return this.name === 'core-text' ? anyTextInput(rnd, this.corpus, CORE_TEXT_MAX) : this.name === 'core-dicom' ? dicomInput(rnd, this.corpus) : pduInput(rnd, this.corpus);
  }

  async run(input: FuzzInput): Promise<Problem | undefined> {
    const reply = await this.send({ id: 0, one: { ext: input.ext, bytes: input.bytes, mutations: input.mutations } }, timeoutFor(this.limits, input.bytes.length));
    return 'kind' in reply ? reply : reply.problems[0]?.problem;
  }

  /** Inputs from..from+count-1 of `seed`; a hang or a death ends the batch at the input it was on. */
  async runBatch(seed: number, from: number, count: number): Promise<BatchResult> {
    const reply = await this.send({ id: 0, batch: { seed, from, count } }, undefined, seed);
    if (!('kind' in reply)) return { done: reply.done, problems: reply.problems };
    // The input it was on (shared memory); `from` when it had not begun the batch.
    const at = Math.max(from, Atomics.load(new Int32Array(this.current), 0));
    return { done: at - from + 1, problems: [{ n: at, problem: reply }] };
  }

  /**
   * Sends one request; a Problem when the thread ends, or stops advancing: for a single input
   * past `timeoutMs`, for a batch when one input takes longer than its own time limit.
   */
  private async send(request: CoreRequest, timeoutMs?: number, seed = 0): Promise<CoreReply | Problem> {
    if (!this.thread.running && 'batch' in request) {
      // A new thread loads the corpus and the dictionary (seconds on a loaded machine): not on
      // the first input's clock, or a restart after a hang makes the next input hang too.
      const ready = await this.send({ id: 0, one: { ext: '.txt', bytes: new Uint8Array(0), mutations: [] } }, 120_000);
      if ('kind' in ready) return ready;
    }
    return this.thread.request(request, (resolve) => {
      const counter = new Int32Array(this.current);
      let seen = Atomics.load(counter, 0);
      let since = Date.now();
      const watch = setInterval(() => {
        const now = Atomics.load(counter, 0);
        if (now !== seen) {
          seen = now;
          since = Date.now();
          return;
        }
        const stalled = Date.now() - since;
        if (timeoutMs !== undefined) {
          if (stalled >= timeoutMs) resolve({ kind: 'hang', detail: `${this.name} did not finish the input within ${timeoutMs} ms` });
          return;
        }
        if (stalled < this.limits.inputTimeoutMs) return;
        // The limit grows with the input: make the input again to know its size.
        const limit = timeoutFor(this.limits, this.generate(inputRandom(seed, this.name, now)).bytes.length);
        if (stalled >= limit) resolve({ kind: 'hang', detail: `${this.name} did not finish the input within ${limit} ms` });
      }, WATCH_MS);
      return () => clearInterval(watch);
    });
  }

  peakRssMb(): number {
    return this.thread.peakHeapMb;
  }

  stop(): Promise<void> {
    return this.thread.stop();
  }
}

export { BATCH as CORE_BATCH };
