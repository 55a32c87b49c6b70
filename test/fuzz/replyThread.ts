/**
 * A worker thread the campaign asks one thing at a time and that may hang or die: the reply is
 * matched by id, the thread's heap peak is kept, and a thread that ended or was given up on is
 * replaced on the next request. The in-process CLI (targets.ts) and the core targets
 * (coreTargets.ts) differ only in how they tell a hang.
 */
import { Worker } from 'node:worker_threads';
import type { Problem } from './targets';

/** Decides when a request is a hang: calls `hang` with the problem; returns what stops watching. */
export type HangWatch = (hang: (problem: Problem) => void) => () => void;

export class ReplyThread<Reply extends { id: number; heapUsed: number }> {
  private worker: Worker | undefined;
  private nextId = 0;
  private pending: { id: number; resolve: (r: Reply | Problem) => void } | undefined;
  peakHeapMb = 0;

  /** `label` names the thread in "the … thread ended"; `start` makes a new one. */
  constructor(private readonly label: string, private readonly start: () => Worker) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Posts `message` (with a fresh id) and waits for its reply, or for the thread to end or hang. */
  async request(message: object, watch: HangWatch): Promise<Reply | Problem> {
    this.worker ??= this.spawn();
    const worker = this.worker;
    const id = ++this.nextId;
    const reply = new Promise<Reply | Problem>((resolve) => (this.pending = { id, resolve }));
    worker.postMessage({ ...message, id });
    let unwatch: (() => void) | undefined;
    const hang = new Promise<Problem>((resolve) => (unwatch = watch(resolve)));
    const result = await Promise.race([reply, hang]).finally(() => unwatch?.());
    if ('kind' in result) {
      this.pending = undefined;
      if (this.worker === worker) this.worker = undefined;
      await worker.terminate();
    }
    return result;
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private spawn(): Worker {
    const worker = this.start();
    worker.on('message', (reply: Reply) => {
      if (this.pending?.id !== reply.id) return;
      const p = this.pending;
      this.pending = undefined;
      this.peakHeapMb = Math.max(this.peakHeapMb, reply.heapUsed / 2 ** 20);
      p.resolve(reply);
    });
    const lost = (why: string): void => {
      if (this.worker === worker) this.worker = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.resolve({ kind: /memory|heap/i.test(why) ? 'memory' : 'died', detail: `the ${this.label} thread ended: ${why}` });
    };
    worker.on('error', (e) => lost(e.stack ?? e.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }
}
