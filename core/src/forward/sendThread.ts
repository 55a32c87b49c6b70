/**
 * Forwarding with the sending in a thread of its own. The main thread (the receiving node)
 * keeps what comes before the acknowledgement: it writes each object's entries into the spool
 * (ForwardSpool.writeEntries) and answers the sender. The sending thread runs the Forwarder:
 * it reads entries, holds the associations to the destinations, sends, and settles entries
 * and objects. So the forward half (socket writes of the C-STORE, reading the answers, reading
 * the object, removing names) no longer waits for the receive path's turn on one event loop,
 * nor it for them (docs/forwarding.md, Sending thread).
 *
 * The one hazard is a key the main thread is still writing: the sending thread must not send
 * it (nor settle it, which may remove its object) before it is durable for every destination.
 * It learns the keys of this process from `queued` messages; a pending folder may also show
 * it one that is still being written. So the main thread keeps, in shared memory, the time of
 * the oldest key it is writing (`writingSince`: set before anything of a key is written,
 * raised only after its `queued` message is posted), and after each folder read the sending
 * thread (1) reads that time, then (2) takes in every message waiting (receiveMessageOnPort),
 * then (3) leaves out the keys it does not know that are not older than that time. A key seen
 * on disk was begun before the read; if its writing had ended by (1), its `queued` message was
 * posted before, and (2) takes it in; if not, (3) leaves it for a later read. One message a
 * key, and no wake-up of the sending thread before its entries are durable.
 */
import { MessageChannel, Worker, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ConnectionOptions } from 'node:tls';
import { connect } from '../net';
import type { ForwardDestination } from './destinations';
import type { ForwardEvent } from './events';
import { Forwarder, type DestinationStatus } from './forwarder';
import type { SendThreadMark } from './sendThreadMark';
import { ForwardSpool, keyTime, type EntryState, type QueueEntry, type SpoolObject } from './spool';

/** What the node asks of its sender, in this thread (Forwarder) or in another (startSendThread). */
export interface Sender {
  enqueue(obj: SpoolObject): Promise<void>;
  setDestinations(destinations: ForwardDestination[]): void;
  status(): DestinationStatus[];
  retry(id: string, keys?: string[]): number;
  drop(id: string, states: EntryState[], keys?: string[]): number;
  stop(graceful: boolean): Promise<void>;
}

export interface SendThreadOptions {
  /** A script that calls runSendThread() when isSendThread() (sendThreadMark.ts; dist/pacsw.js does). */
  file: string;
  /** The spool, opened (and locked) by this thread. */
  spool: ForwardSpool;
  callingAe: string;
  destinations: ForwardDestination[];
  tls?: ConnectionOptions;
  timeoutMs?: number;
  retry?: { initialMs?: number; maxMs?: number };
  rescanMs?: number;
  /** The sending thread's status, at most this often while it changes. */
  statusEveryMs: number;
  log: (line: string) => void;
  onEvent?: (event: ForwardEvent) => void;
  onStatus?: (destinations: DestinationStatus[]) => void;
}

/** Messages to the sending thread. */
type ToThread =
  | { t: 'queued'; key: string; entries: QueueEntry[] }
  | { t: 'destinations'; destinations: ForwardDestination[] }
  | { t: 'resume'; id: string }
  | { t: 'dropped'; id: string; keys: string[] }
  | { t: 'stop'; graceful: boolean };

/** Messages from it. */
type FromThread =
  | { t: 'events'; events: ForwardEvent[] }
  | { t: 'log'; line: string }
  | { t: 'status'; destinations: DestinationStatus[] }
  | { t: 'stopped' };

/** What the sending thread is started with: the sending options that can cross to it, and its channel. */
interface SendThreadData extends SendThreadMark, Pick<SendThreadOptions, 'callingAe' | 'destinations' | 'tls' | 'timeoutMs' | 'retry' | 'rescanMs' | 'statusEveryMs'> {
  port: MessagePort;
  /** One slot: the time (key time, ms) of the oldest key the node is writing; NOTHING_WRITTEN when none. */
  writingSince: SharedArrayBuffer;
  spoolDir: string;
  /** The node takes events: else the forwarder's lines go to the log. */
  events: boolean;
}

/** A sending thread that ends unasked is started again (the queue is on disk): after 1 s, doubling to 60 s while it keeps failing. */
const RESTART_MS = 1000;
const RESTART_MAX_MS = 60000;
/** A thread that ran this long before it ended starts the doubling afresh. */
const RESTART_RESET_MS = 60000;
/** writingSince when no key is being written. */
const NOTHING_WRITTEN = Number.MAX_SAFE_INTEGER;
/** After this long of one thread's events, they go to the node together (one wake-up of it, not one per object). */
const EVENTS_EVERY_MS = 20;

export function startSendThread(o: SendThreadOptions): Sender {
  const { spool } = o;
  // The sending thread keeps which objects are still needed; this one only writes and renames.
  spool.forgetRefs();
  let destinations = o.destinations;
  let lastStatus: DestinationStatus[] | undefined;
  let stopping = false;
  let stopped: (() => void) | undefined;
  /** Keys being written here → their time; the oldest is published in writingSince. */
  const writing = new Map<string, number>();
  const writingSince = new BigInt64Array(new SharedArrayBuffer(8));
  const publish = (): void => {
    let oldest = NOTHING_WRITTEN;
    for (const t of writing.values()) if (t < oldest) oldest = t;
    Atomics.store(writingSince, 0, BigInt(oldest));
  };
  publish();
  let port!: MessagePort;
  let worker!: Worker;
  let restartMs = RESTART_MS;

  const start = (): void => {
    const startedAt = Date.now();
    const channel = new MessageChannel();
    port = channel.port1;
    const data: SendThreadData = {
      pacswSendThread: true, port: channel.port2, writingSince: writingSince.buffer as SharedArrayBuffer, spoolDir: spool.dir, callingAe: o.callingAe, destinations,
      tls: o.tls, timeoutMs: o.timeoutMs, retry: o.retry, rescanMs: o.rescanMs, statusEveryMs: o.statusEveryMs, events: !!o.onEvent,
    };
    worker = new Worker(o.file, { workerData: data, transferList: [channel.port2] });
    port.on('message', (m: FromThread) => {
      switch (m.t) {
        case 'events':
          for (const e of m.events) o.onEvent?.(e);
          break;
        case 'log':
          o.log(m.line);
          break;
        case 'status':
          lastStatus = m.destinations;
          o.onStatus?.(m.destinations);
          break;
        case 'stopped':
          break;
      }
    });
    worker.on('error', (error) => o.log(`forward: the sending thread failed: ${error.stack ?? error.message}`));
    worker.once('exit', (code) => {
      port.close();
      if (stopping) return stopped?.();
      if (Date.now() - startedAt > RESTART_RESET_MS) restartMs = RESTART_MS;
      o.log(`forward: the sending thread ended (exit code ${code}); it starts again in ${restartMs / 1000} s, nothing queued is lost`);
      setTimeout(() => {
        if (stopping) stopped?.();
        else start();
      }, restartMs).unref();
      restartMs = Math.min(RESTART_MAX_MS, restartMs * 2);
    });
  };
  start();
  const post = (m: ToThread): void => port.postMessage(m);

  return {
    async enqueue(obj) {
      if (stopping) throw new Error('the forwarder is stopping; the object was not queued');
      const ids = destinations.map((d) => d.id);
      if (ids.length === 0) return;
      const key = spool.newKey();
      writing.set(key, keyTime(key));
      publish();
      try {
        post({ t: 'queued', key, entries: await spool.writeEntries(key, obj, ids) });
      } finally {
        // Only after the message: see the header.
        writing.delete(key);
        publish();
      }
      o.onEvent?.({ event: 'forward', status: 'queued', key, sopInstanceUid: obj.sopInstanceUid, destinations: ids, time: new Date().toISOString() });
    },
    setDestinations(list) {
      destinations = list;
      post({ t: 'destinations', destinations: list });
    },
    status: () => lastStatus ?? statusFromDisk(spool, destinations),
    retry(id, keys) {
      const n = spool.retry(id, keys);
      post({ t: 'resume', id });
      return n;
    },
    drop(id, states, keys) {
      const dropped = spool.dropKeys(id, states, keys);
      post({ t: 'dropped', id, keys: dropped });
      return dropped.length;
    },
    stop(graceful) {
      stopping = true;
      return new Promise<void>((resolve) => {
        stopped = resolve;
        post({ t: 'stop', graceful });
      });
    },
  };
}

/** Until the sending thread reports: what the folders say. */
function statusFromDisk(spool: ForwardSpool, destinations: ForwardDestination[]): DestinationStatus[] {
  const configured = new Map(destinations.map((d) => [d.id, d]));
  const ids = [...new Set([...configured.keys(), ...spool.destinations()])].sort((a, b) => a.localeCompare(b));
  return ids.map((id) => {
    const d = configured.get(id);
    const state = spool.readState(id);
    return {
      id, configured: !!d, enabled: d?.enabled ?? false, ae: d?.ae, host: d?.host, port: d?.port, tls: d?.tls, concurrency: d?.concurrency,
      pending: spool.keys(id, 'pending').length, inFlight: 0, failed: spool.keys(id, 'failed').length, associations: 0,
      deliveredSinceStart: 0, consecutiveFailures: state.consecutiveFailures ?? 0, lastError: state.lastError, lastErrorAt: state.lastErrorAt,
      nextRetryAt: state.nextRetryAt, lastDeliveredAt: state.lastDeliveredAt,
    };
  });
}

/** The sending thread's side: a Forwarder over its own view of the spool, fed by the node's messages. */
export function runSendThread(): void {
  const d = workerData as SendThreadData;
  const { port } = d;
  const log = (line: string): void => port.postMessage({ t: 'log', line } satisfies FromThread);
  const spool = ForwardSpool.open(d.spoolDir, { log });
  let events: ForwardEvent[] = [];
  const flush = (): void => {
    if (events.length) port.postMessage({ t: 'events', events } satisfies FromThread);
    events = [];
  };
  let statusTimer: NodeJS.Timeout | undefined;
  const postStatus = (): void => {
    statusTimer = undefined;
    port.postMessage({ t: 'status', destinations: forwarder.status() } satisfies FromThread);
  };
  const writingSince = new BigInt64Array(d.writingSince);
  /** The node's oldest key being written, as (1) read it; Infinity: none. */
  let since = Infinity;
  spool.othersWriting((key) => keyTime(key) >= since);
  const take = (m: ToThread): void => {
    switch (m.t) {
      case 'queued':
        spool.adopt(m.key, m.entries);
        forwarder.queued(m.key, m.entries.map((e) => e.destination));
        break;
      case 'destinations':
        forwarder.setDestinations(m.destinations);
        break;
      case 'resume':
        forwarder.resume(m.id);
        break;
      case 'dropped':
        forwarder.dropped(m.id, m.keys);
        break;
      case 'stop':
        void forwarder.stop(m.graceful).then(() => {
          if (statusTimer) clearTimeout(statusTimer);
          flush();
          port.postMessage({ t: 'stopped' } satisfies FromThread);
          port.close();
        });
        break;
    }
  };
  const forwarder: Forwarder = new Forwarder({
    spool,
    connect,
    callingAe: d.callingAe,
    destinations: d.destinations,
    tls: d.tls,
    timeoutMs: d.timeoutMs,
    retry: d.retry,
    rescanMs: d.rescanMs,
    log,
    onEvent: d.events ? (e) => {
      if (events.push(e) === 1) setTimeout(flush, EVENTS_EVERY_MS);
    } : undefined,
    onChange: () => {
      if (!statusTimer) statusTimer = setTimeout(postStatus, d.statusEveryMs);
    },
    afterRead: () => {
      const oldest = Number(Atomics.load(writingSince, 0));
      since = oldest === NOTHING_WRITTEN ? Infinity : oldest;
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) take(m.message as ToThread);
    },
  });
  port.on('message', take);
  forwarder.start();
}
