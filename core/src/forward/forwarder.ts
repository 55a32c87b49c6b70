/**
 * The forwarder: takes each stored object into the spool for every AutoFwd destination, and
 * sends the queues by C-STORE from the server's AE. Per destination: up to `concurrency`
 * associations (dicom-out, device max, category max-connections shared by its members), each
 * reused for a run of objects; the received transfer syntax only (no transcoding); retry with
 * backoff when the destination or the network fails, failed list when an object is refused for
 * good. The spool is the truth: this keeps only which keys wait in which order, rebuilt from
 * the folders on start and every few seconds (so `pacsw queue retry|drop` from another
 * process is seen).
 */
import type { ConnectionOptions } from 'node:tls';
import type { PresentationContextProposal, ScuAssociation, ScuOptions } from '../net/types';
import { parsePart10Meta } from '../dicom/part10';
import { backoffMs, verdictOfNetError, verdictOfStatus, type Verdict } from './classify';
import type { ForwardDestination } from './destinations';
import type { ForwardEvent } from './events';
import type { EntryState, ForwardSpool, QueueEntry, SpoolObject } from './spool';

/** An object event of the forwarder without its time (emit stamps it). */
type ForwardEventBody<E = Exclude<ForwardEvent, { event: 'queue' }>> = E extends unknown ? Omit<E, 'time'> : never;

/** How the forwarder opens associations: core/src/net `connect` (tests may pass another SCU). */
export type ForwardConnect = (options: ScuOptions) => Promise<ScuAssociation>;

export interface ForwarderOptions {
  spool: ForwardSpool;
  connect: ForwardConnect;
  /** The server's AE title: forwards come from it. */
  callingAe: string;
  destinations: ForwardDestination[];
  /** Client TLS settings for destinations with a TLS port (CA, certificate); system CAs otherwise. */
  tls?: ConnectionOptions;
  maxPdu?: number;
  /** Bound on connecting and on each answer. */
  timeoutMs?: number;
  /** Backoff after consecutive failures: doubles from initialMs up to maxMs. */
  retry?: { initialMs?: number; maxMs?: number };
  /** Keys read per round of an association (and at most 128 presentation contexts). */
  batchSize?: number;
  /** How long an idle association waits for more objects before it is released. */
  lingerMs?: number;
  /** How often the spool folders are read again (changes by other processes). */
  rescanMs?: number;
  log?: (line: string) => void;
  /** Called (often) when anything shown in the status changed; throttle on your side. */
  onChange?: () => void;
  /** Each object queued, sent or failed, and each retry scheduled (`pacsw serve --json`); these then do not go to `log`. */
  onEvent?: (event: ForwardEvent) => void;
  /**
   * Called after the pending folders were read and before what they hold is used: in the
   * sending thread (sendThread.ts), notes which keys the node may still be writing and takes in
   * its messages (sendThread.ts says why in this order).
   */
  afterRead?: () => void;
}

export interface DestinationStatus {
  id: string;
  /** False for a spool folder whose device is no longer in the table (its queue is kept). */
  configured: boolean;
  enabled: boolean;
  ae?: string;
  host?: string;
  port?: number;
  tls?: boolean;
  concurrency?: number;
  pending: number;
  inFlight: number;
  failed: number;
  associations: number;
  deliveredSinceStart: number;
  consecutiveFailures: number;
  lastError?: string;
  lastErrorAt?: string;
  nextRetryAt?: string;
  lastDeliveredAt?: string;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const MAX_CONTEXTS = 128;
/** state.json is advisory (pacsw queue between runs): after deliveries, written at most this often. */
const STATE_EVERY_MS = 1000;

/** A FIFO of keys that is cheap to take from the front of, and to scan. */
class KeyQueue {
  private items: string[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(k: string): void {
    this.items.push(k);
  }
  take(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const k = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return k;
  }
  /** Puts keys back at the front, in their order. */
  unshift(keys: string[]): void {
    this.items = [...keys, ...this.items.slice(this.head)];
    this.head = 0;
  }
  replace(keys: string[]): void {
    this.items = keys;
    this.head = 0;
  }
  toArray(): string[] {
    return this.items.slice(this.head);
  }
  remove(keys: Set<string>): void {
    this.replace(this.toArray().filter((k) => !keys.has(k)));
  }
}

class Runner {
  dest?: ForwardDestination;
  readonly queue = new KeyQueue();
  readonly queued = new Set<string>();
  readonly claimed = new Set<string>();
  /** Keys queued since the current rescan began (kept when the rescan replaces the queue). */
  addedDuringScan?: Set<string>;
  workers = 0;
  associations = 0;
  failures = 0;
  nextAttemptAt = 0;
  timer?: NodeJS.Timeout;
  /** A state save due (deliveries are saved at most every STATE_EVERY_MS). */
  stateTimer?: NodeJS.Timeout;
  lastError?: string;
  lastErrorAt?: string;
  lastDeliveredAt?: string;
  delivered = 0;
  failedCount = 0;
  /** Wakes workers lingering on an idle association. */
  wake: Array<() => void> = [];
  constructor(readonly id: string) {}
}

class Slots {
  private used = 0;
  private waiting: Array<() => void> = [];
  constructor(public limit: number) {}
  async acquire(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes on
    else this.used--;
  }
}

interface OpenAssociation {
  scu: ScuAssociation;
  /** `sopClass|ts` → presentation context id proposed for it. */
  proposed: Map<string, number>;
  /** SOP class → id of the probe context (same class, uncompressed), to tell why a context failed. */
  probes: Map<string, number>;
  categorySlot?: Slots;
}

const pairOf = (e: { sopClassUid: string; transferSyntaxUid: string }) => `${e.sopClassUid}|${e.transferSyntaxUid}`;

export class Forwarder {
  private readonly spool: ForwardSpool;
  private readonly o: Required<Omit<ForwarderOptions, 'tls' | 'onChange' | 'onEvent' | 'retry' | 'destinations' | 'afterRead'>> & Pick<ForwarderOptions, 'tls' | 'onChange' | 'onEvent' | 'afterRead'>;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly runners = new Map<string, Runner>();
  private readonly categories = new Map<string, Slots>();
  private readonly openAssociations = new Set<ScuAssociation>();
  private readonly workerDone = new Set<Promise<void>>();
  private rescanTimer?: NodeJS.Timeout;
  private started = false;
  private stopping = false;
  private graceful = true;

  constructor(options: ForwarderOptions) {
    this.spool = options.spool;
    this.o = {
      spool: options.spool,
      connect: options.connect,
      callingAe: options.callingAe,
      tls: options.tls,
      maxPdu: options.maxPdu ?? 65536,
      timeoutMs: options.timeoutMs ?? 30000,
      batchSize: Math.max(1, options.batchSize ?? 64),
      lingerMs: options.lingerMs ?? 500,
      rescanMs: options.rescanMs ?? 5000,
      log: options.log ?? (() => undefined),
      onChange: options.onChange,
      onEvent: options.onEvent,
      afterRead: options.afterRead,
    };
    this.retryInitialMs = options.retry?.initialMs ?? 1000;
    this.retryMaxMs = options.retry?.maxMs ?? 60000;
    this.setDestinations(options.destinations);
  }

  /** Reads the queues from the spool and starts sending. */
  start(): void {
    this.started = true;
    this.rescan();
    this.rescanTimer = setInterval(() => this.rescan(), this.o.rescanMs);
    this.rescanTimer.unref();
  }

  /**
   * The device table changed: new destinations start, removed ones keep their queue (shown as
   * not configured), disabled ones keep their queue and new objects, and send nothing.
   */
  setDestinations(destinations: ForwardDestination[]): void {
    const seen = new Set<string>();
    for (const d of destinations) {
      seen.add(d.id);
      this.runner(d.id).dest = d;
      if (d.category && d.categoryLimit !== undefined) {
        const slots = this.categories.get(d.category);
        if (slots) slots.limit = d.categoryLimit;
        else this.categories.set(d.category, new Slots(d.categoryLimit));
      }
    }
    for (const r of this.runners.values()) {
      if (!seen.has(r.id)) r.dest = undefined;
      this.kick(r);
    }
    this.changed();
  }

  /**
   * The receiver's beforeAcknowledge hook: the object is in the spool for every destination of
   * the table when this resolves (disabled ones included). Throws when it cannot be kept
   * (SpoolFullError, code ENOSPC, when the disk is nearly full).
   */
  async enqueue(obj: SpoolObject): Promise<void> {
    if (this.stopping) throw new Error('the forwarder is stopping; the object was not queued');
    const ids = [...this.runners.values()].filter((r) => r.dest).map((r) => r.id);
    const key = await this.spool.enqueue(obj, ids);
    if (!key) return;
    this.report({ event: 'forward', status: 'queued', key, sopInstanceUid: obj.sopInstanceUid, destinations: ids });
    this.queued(key, ids);
  }

  /** `key` is durably queued for `destinations` (by enqueue, or by another thread whose entries the spool adopted): send it. */
  queued(key: string, destinations: string[]): void {
    for (const id of destinations) {
      const r = this.runner(id);
      this.add(r, key);
      this.kick(r);
    }
    this.changed();
  }

  status(): DestinationStatus[] {
    return [...this.runners.values()].sort((a, b) => a.id.localeCompare(b.id)).map((r) => ({
      id: r.id,
      configured: !!r.dest,
      enabled: r.dest?.enabled ?? false,
      ae: r.dest?.ae,
      host: r.dest?.host,
      port: r.dest?.port,
      tls: r.dest?.tls,
      concurrency: r.dest?.concurrency,
      pending: r.queue.length + r.claimed.size,
      inFlight: r.claimed.size,
      failed: r.failedCount,
      associations: r.associations,
      deliveredSinceStart: r.delivered,
      consecutiveFailures: r.failures,
      lastError: r.lastError,
      lastErrorAt: r.lastErrorAt,
      nextRetryAt: r.nextAttemptAt > Date.now() ? new Date(r.nextAttemptAt).toISOString() : undefined,
      lastDeliveredAt: r.lastDeliveredAt,
    }));
  }

  /** Failed entries back to pending (all, or `keys`) and the backoff forgotten: sends now. */
  retry(id: string, keys?: string[]): number {
    const n = this.spool.retry(id, keys);
    this.resume(id);
    return n;
  }

  /** Entries of `id` came back to pending (`retry`, here or in another thread): the backoff is forgotten, sending starts now. */
  resume(id: string): void {
    const r = this.runner(id);
    r.failures = 0;
    r.nextAttemptAt = 0;
    if (r.timer) clearTimeout(r.timer);
    r.timer = undefined;
    this.rescanOne(r);
    this.kick(r);
    this.changed();
  }

  /** Removes entries (all, or `keys`) of `id` from pending and/or failed; returns how many. */
  drop(id: string, states: EntryState[], keys?: string[]): number {
    const n = this.spool.drop(id, states, keys);
    this.dropped(id, []);
    return n;
  }

  /** Entries of `id` were removed (by `drop`, or by another thread: then `keys` are forgotten here too). */
  dropped(id: string, keys: string[]): void {
    for (const key of keys) this.spool.forget(id, key);
    this.rescanOne(this.runner(id));
    this.changed();
  }

  /**
   * Stops sending. Graceful: the objects being sent finish (their associations released);
   * otherwise associations are aborted at once. Nothing queued is lost either way.
   */
  async stop(graceful: boolean): Promise<void> {
    this.stopping = true;
    this.graceful = graceful;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    for (const r of this.runners.values()) {
      if (r.timer) clearTimeout(r.timer);
      for (const w of r.wake.splice(0)) w();
    }
    if (!graceful) for (const a of this.openAssociations) a.abort();
    await Promise.all([...this.workerDone]);
    await Promise.all([...this.runners.values()].filter((r) => r.stateTimer).map((r) => this.saveState(r)));
  }

  // ---- queues -------------------------------------------------------------------------------

  private runner(id: string): Runner {
    let r = this.runners.get(id);
    if (!r) {
      r = new Runner(id);
      this.runners.set(id, r);
    }
    return r;
  }

  private add(r: Runner, key: string): void {
    r.addedDuringScan?.add(key);
    if (r.queued.has(key) || r.claimed.has(key)) return;
    r.queued.add(key);
    r.queue.push(key);
    for (const w of r.wake.splice(0)) w();
  }

  private rescan(): void {
    if (this.stopping) return;
    try {
      this.spool.rebuildRefs(false);
      this.o.afterRead?.();
      for (const id of this.spool.destinations()) this.runner(id);
      for (const r of this.runners.values()) {
        this.rescanOne(r);
        this.kick(r);
      }
    } catch (error) {
      this.o.log(`forward: cannot read the queue folders: ${(error as Error).message}`);
    }
    this.changed();
  }

  /** The queue of `r` becomes what its pending folder holds (less the keys being sent). */
  private rescanOne(r: Runner): void {
    r.addedDuringScan = new Set();
    const pending = this.spool.keys(r.id, 'pending');
    this.o.afterRead?.();
    // A key still being enqueued is added by enqueue itself once it is durable for every destination.
    const onDisk = pending.filter((k) => r.queued.has(k) || !this.spool.isEnqueuing(k));
    const keep = new Set([...onDisk, ...r.addedDuringScan]);
    r.addedDuringScan = undefined;
    const keys = [...keep].filter((k) => !r.claimed.has(k)).sort();
    r.queue.replace(keys);
    r.queued.clear();
    for (const k of keys) r.queued.add(k);
    r.failedCount = this.spool.keys(r.id, 'failed').length;
    const state = this.spool.readState(r.id);
    if (r.lastError === undefined && state.lastError) {
      r.lastError = state.lastError;
      r.lastErrorAt = state.lastErrorAt;
    }
    if (r.lastDeliveredAt === undefined) r.lastDeliveredAt = state.lastDeliveredAt;
    if (keys.length) for (const w of r.wake.splice(0)) w();
  }

  private claim(r: Runner, n: number): string[] {
    const keys: string[] = [];
    while (keys.length < n) {
      const k = r.queue.take();
      if (k === undefined) break;
      r.queued.delete(k);
      r.claimed.add(k);
      keys.push(k);
    }
    return keys;
  }

  private unclaim(r: Runner, keys: string[]): void {
    const back = keys.filter((k) => r.claimed.delete(k) && !r.queued.has(k));
    for (const k of back) r.queued.add(k);
    if (back.length) r.queue.unshift(back);
  }

  private canSend(r: Runner): boolean {
    return !this.stopping && !!r.dest?.enabled && Date.now() >= r.nextAttemptAt;
  }

  private kick(r: Runner): void {
    if (!this.started || this.stopping || !r.dest?.enabled) return;
    const wait = r.nextAttemptAt - Date.now();
    if (wait > 0) {
      if (!r.timer) {
        r.timer = setTimeout(() => {
          r.timer = undefined;
          this.kick(r);
        }, wait);
        r.timer.unref();
      }
      return;
    }
    // A new worker claims its first keys at once (synchronously), so this stops when none wait.
    while (r.workers < r.dest.concurrency && r.queue.length > 0) {
      r.workers++;
      const done: Promise<void> = this.work(r).catch((error: unknown) => {
        this.o.log(`forward ${r.id}: internal error: ${(error as Error).stack ?? String(error)}`);
      }).finally(() => {
        r.workers--;
        this.workerDone.delete(done);
        this.changed();
        if (r.queue.length) this.kick(r);
      });
      this.workerDone.add(done);
    }
  }

  // ---- sending ------------------------------------------------------------------------------

  private async work(r: Runner): Promise<void> {
    let assoc: OpenAssociation | undefined;
    try {
      for (;;) {
        if (!this.canSend(r)) break;
        let keys = this.claim(r, this.o.batchSize);
        if (keys.length === 0) {
          if (!assoc || this.stopping) break;
          // Linger: objects often arrive one by one; keep the association for the next.
          const more = await this.waitForMore(r);
          if (!more) break;
          continue;
        }
        const read = await Promise.all(keys.map((k) => this.spool.read(r.id, 'pending', k)));
        const entries: QueueEntry[] = [];
        for (let i = 0; i < keys.length; i++) {
          const e = read[i];
          if (e) entries.push(e);
          else r.claimed.delete(keys[i]); // dropped or delivered meanwhile
        }
        keys = entries.map((e) => e.key);
        if (entries.length === 0) continue;
        if (assoc && !entries.every((e) => assoc!.proposed.has(pairOf(e)))) {
          await this.close(r, assoc, 'release');
          assoc = undefined;
        }
        if (!assoc) {
          const fit = this.fitContexts(entries);
          if (fit.length < entries.length) this.unclaim(r, entries.slice(fit.length).map((e) => e.key));
          entries.length = fit.length;
          keys = entries.map((e) => e.key);
          try {
            assoc = await this.open(r, entries);
          } catch (error) {
            this.unclaim(r, keys);
            await this.transientFailure(r, verdictOfNetError(error).reason);
            break;
          }
        }
        const broken = await this.sendRun(r, assoc, entries);
        if (broken) {
          await this.close(r, assoc, 'abort');
          assoc = undefined;
          break;
        }
      }
    } finally {
      if (assoc) await this.close(r, assoc, this.stopping && !this.graceful ? 'abort' : 'release');
    }
  }

  private waitForMore(r: Runner): Promise<boolean> {
    if (r.queue.length) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        r.wake = r.wake.filter((w) => w !== wake);
        resolve(false);
      }, this.o.lingerMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(!this.stopping && r.queue.length > 0);
      };
      r.wake.push(wake);
    });
  }

  /** The longest prefix of `entries` whose contexts (and probes) fit in one association. */
  private fitContexts(entries: QueueEntry[]): QueueEntry[] {
    const pairs = new Set<string>();
    const classes = new Set<string>();
    let n = 0;
    for (; n < entries.length; n++) {
      const e = entries[n];
      const addsPair = pairs.has(pairOf(e)) ? 0 : 1;
      const addsProbe = classes.has(e.sopClassUid) ? 0 : 1;
      if (pairs.size + classes.size + addsPair + addsProbe > MAX_CONTEXTS) break;
      pairs.add(pairOf(e));
      classes.add(e.sopClassUid);
    }
    return entries.slice(0, Math.max(1, n));
  }

  private async open(r: Runner, entries: QueueEntry[]): Promise<OpenAssociation> {
    const dest = r.dest!;
    const proposed = new Map<string, number>();
    const probes = new Map<string, number>();
    const contexts: PresentationContextProposal[] = [];
    let id = 1;
    for (const e of entries) {
      const p = pairOf(e);
      if (proposed.has(p)) continue;
      proposed.set(p, id);
      contexts.push({ id, abstractSyntax: e.sopClassUid, transferSyntaxes: [e.transferSyntaxUid] });
      id += 2;
    }
    // One uncompressed context per SOP class tells "SOP class refused" from "transfer syntax refused".
    for (const e of entries) {
      if (probes.has(e.sopClassUid)) continue;
      probes.set(e.sopClassUid, id);
      contexts.push({ id, abstractSyntax: e.sopClassUid, transferSyntaxes: [EXPLICIT_LE, IMPLICIT_LE] });
      id += 2;
    }
    const slots = dest.category ? this.categories.get(dest.category) : undefined;
    await slots?.acquire();
    try {
      const scu = await this.o.connect({
        host: dest.host,
        port: dest.port,
        tls: dest.tls ? { ...(this.o.tls ?? {}) } : undefined,
        callingAe: this.o.callingAe,
        calledAe: dest.ae,
        contexts,
        maxPdu: this.o.maxPdu,
        timeoutMs: this.o.timeoutMs,
      });
      this.openAssociations.add(scu);
      r.associations++;
      this.changed();
      return { scu, proposed, probes, categorySlot: slots };
    } catch (error) {
      slots?.release();
      throw error;
    }
  }

  private async close(r: Runner, a: OpenAssociation, how: 'release' | 'abort'): Promise<void> {
    if (!this.openAssociations.delete(a.scu)) return;
    r.associations--;
    try {
      if (how === 'abort') a.scu.abort();
      else await a.scu.release();
    } catch {
      a.scu.abort();
    } finally {
      a.categorySlot?.release();
      this.changed();
    }
  }

  /** Sends `entries` on `a`; true when the association broke (the rest went back to the queue). */
  private async sendRun(r: Runner, a: OpenAssociation, entries: QueueEntry[]): Promise<boolean> {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (this.stopping && !this.graceful) {
        this.unclaim(r, entries.slice(i).map((x) => x.key));
        return true;
      }
      let verdict: Verdict;
      try {
        verdict = await this.sendOne(r, a, e);
      } catch (error) {
        this.unclaim(r, entries.slice(i).map((x) => x.key));
        await this.transientFailure(r, verdictOfNetError(error).reason);
        return true;
      }
      if (verdict.kind === 'retry') {
        this.unclaim(r, entries.slice(i).map((x) => x.key));
        await this.transientFailure(r, `${e.sopInstanceUid}: ${verdict.reason}`);
        return true;
      }
      if (verdict.kind === 'delivered') {
        await this.spool.complete(r.id, e.key);
        r.delivered++;
        r.failures = 0;
        r.lastDeliveredAt = new Date().toISOString();
        const sent = { event: 'forward', status: 'sent', key: e.key, sopInstanceUid: e.sopInstanceUid, destination: r.id, warning: verdict.warning } as const;
        if (verdict.warning) this.report(sent, `forward ${r.id}: ${e.sopInstanceUid} ${verdict.warning}`);
        else this.report(sent);
      } else {
        await this.spool.fail(e, { reason: verdict.reason, status: verdict.status });
        r.failedCount++;
        r.lastError = `${e.sopInstanceUid}: ${verdict.reason}`;
        r.lastErrorAt = new Date().toISOString();
        // Saved now, not with the once-a-second delivery state: whoever sees the failure (this
        // event, or `pacsw queue` in another process) must find its reason on disk too.
        await this.saveState(r);
        this.report(
          { event: 'forward', status: 'failed', key: e.key, sopInstanceUid: e.sopInstanceUid, destination: r.id, reason: verdict.reason, dimseStatus: verdict.status },
          `forward ${r.id}: ${e.sopInstanceUid} failed for good (in the failed list): ${verdict.reason}`,
        );
      }
      r.claimed.delete(e.key);
      this.changed();
      this.saveStateSoon(r);
    }
    return false;
  }

  /** One object: checks on our side, then the C-STORE; throws on a network failure. */
  private async sendOne(r: Runner, a: OpenAssociation, e: QueueEntry): Promise<Verdict> {
    const dest = r.dest!;
    const ctx = a.proposed.get(pairOf(e))!;
    if (!a.scu.acceptedContexts.has(ctx)) {
      const probe = a.probes.get(e.sopClassUid);
      const classTaken = probe !== undefined && a.scu.acceptedContexts.has(probe);
      return {
        kind: 'failed',
        reason: classTaken
          ? `${dest.ae} accepts SOP class ${e.sopClassUid} but not in transfer syntax ${e.transferSyntaxUid}, the one it was received in (no transcoding)`
          : `${dest.ae} does not accept SOP class ${e.sopClassUid} (presentation context rejected)`,
      };
    }
    let bytes: Buffer;
    try {
      bytes = await this.spool.readObject(e.key);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (!(await this.spool.read(r.id, 'pending', e.key))) return { kind: 'delivered' }; // dropped meanwhile
      return { kind: 'failed', reason: `the spool's copy ${this.spool.objectPath(e.key)} is missing` };
    }
    let datasetStart: number;
    try {
      const meta = parsePart10Meta(bytes);
      const uid = meta.text(0x00020003);
      if (uid !== e.sopInstanceUid) {
        return { kind: 'failed', reason: `the spool's copy holds SOP Instance ${uid ?? '(none)'}, not ${e.sopInstanceUid}; not sent` };
      }
      if (meta.transferSyntax !== e.transferSyntaxUid) {
        return { kind: 'failed', reason: `the spool's copy is in transfer syntax ${meta.transferSyntax}, not ${e.transferSyntaxUid}; not sent` };
      }
      datasetStart = meta.datasetStart;
    } catch (error) {
      return { kind: 'failed', reason: `the spool's copy is not a readable Part 10 file (${(error as Error).message})` };
    }
    const res = await a.scu.store({
      sopClassUid: e.sopClassUid,
      sopInstanceUid: e.sopInstanceUid,
      transferSyntaxUid: e.transferSyntaxUid,
      dataset: bytes.subarray(datasetStart),
    });
    return verdictOfStatus(res.status, res.errorComment);
  }

  private async transientFailure(r: Runner, reason: string): Promise<void> {
    r.failures++;
    const delay = backoffMs(r.failures, this.retryInitialMs, this.retryMaxMs);
    r.nextAttemptAt = Date.now() + delay;
    r.lastError = reason;
    r.lastErrorAt = new Date().toISOString();
    this.report(
      { event: 'forward', status: 'retry', destination: r.id, reason, attempt: r.failures, nextRetryAt: new Date(r.nextAttemptAt).toISOString() },
      `forward ${r.id}: ${reason}; retry ${r.failures} in ${(delay / 1000).toFixed(1)} s`,
    );
    await this.saveState(r);
    this.changed();
    this.kick(r);
  }

  private saveStateSoon(r: Runner): void {
    if (r.stateTimer) return;
    r.stateTimer = setTimeout(() => void this.saveState(r), STATE_EVERY_MS);
    r.stateTimer.unref();
  }

  private async saveState(r: Runner): Promise<void> {
    if (r.stateTimer) clearTimeout(r.stateTimer);
    r.stateTimer = undefined;
    try {
      await this.spool.writeState(r.id, {
        lastError: r.lastError,
        lastErrorAt: r.lastErrorAt,
        nextRetryAt: r.nextAttemptAt > Date.now() ? new Date(r.nextAttemptAt).toISOString() : undefined,
        consecutiveFailures: r.failures,
        lastDeliveredAt: r.lastDeliveredAt,
      });
    } catch (error) {
      this.o.log(`forward ${r.id}: cannot save its state: ${(error as Error).message}`);
    }
  }

  private changed(): void {
    this.o.onChange?.();
  }

  /** To onEvent when there is one (it carries the same facts), else the line to the log. */
  private report(body: ForwardEventBody, line?: string): void {
    if (this.o.onEvent) this.o.onEvent({ ...body, time: new Date().toISOString() } as ForwardEvent);
    else if (line) this.o.log(line);
  }
}
