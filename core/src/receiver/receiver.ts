/**
 * The receiving node: a server block of a .pacs file run as a C-STORE SCP. Admission, contexts
 * and limits decide each association (admission.ts, contexts.ts, limits.ts); each object goes
 * through the rules and onto disk before it is acknowledged (storage.ts). The table is followed
 * on disk: new associations use the newest good table, an association keeps the one it began with.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeTemporaryFiles, writeFileDurable } from '../dicom/files';
import type { RuleSetInput } from '../coercion/evaluate';
import { listen } from '../net';
import type { AssociationDecision, AssociationRequest, ScpHandlers, ScpServer } from '../net/types';
import { admit } from './admission';
import { categoryOf, loadReceiverTable, type ReceiverTable } from './config';
import { isStorageSopClass, negotiateContexts, serverMaxPdu } from './contexts';
import { ConcurrencyLimits, type Lease } from './limits';
import { changesOf, coerceReceived, originalPath, STATUS, storedPath, writeFailureStatus } from './storage';
import type { ReceiverEvent, ReceiverOptions, StoredObject } from './types';

/** The table cannot be run (at start): every error, located. */
export class ReceiverTableError extends Error {
  constructor(readonly errors: string[]) {
    super(`the device table has errors; the receiving node does not run a table with errors:\n${errors.join('\n')}`);
    this.name = 'ReceiverTableError';
  }
}

export interface Receiver {
  /** Ports listened on (undefined: that kind is closed). */
  tcpPort?: number;
  tlsPort?: number;
  /** The table new associations are admitted with. */
  table(): ReceiverTable;
  /** graceful: the objects in hand are stored and answered first. */
  close(graceful: boolean): Promise<void>;
}

/** One accepted association: its place under the limits and the table it runs with. */
interface Open {
  id?: string;
  lease: Lease;
  table: ReceiverTable;
  deviceId?: string;
  objects: number;
}

/** A data set larger than this is answered "out of resources" rather than held in memory. */
const MAX_DATASET_BYTES = 1 << 30;
/** Room the connection leaves in front of each data set for its file meta (at most ~480 bytes with 64-character UIDs). */
const FILE_META_ROOM = 512;

/** The ISO time for events; made once per millisecond (a busy node emits several per object). */
let lastNow = { ms: -1, iso: '' };
const now = (): string => {
  const ms = Date.now();
  if (ms !== lastNow.ms) lastNow = { ms, iso: new Date(ms).toISOString() };
  return lastNow.iso;
};
/** The rule sets an object event names, per chain (a chain is fixed for a loaded table). */
const chainNames = new WeakMap<RuleSetInput[], string[]>();
function ruleNames(chain: RuleSetInput[]): string[] {
  let names = chainNames.get(chain);
  if (!names) chainNames.set(chain, (names = chain.map((r) => r.uri ?? r.name)));
  return names;
}
const peerKey = (p: { address: string; port: number }): string => `${p.address}|${p.port}`;

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  // Object events are built and delivered just after the C-STORE-RSP has gone out (the SCP sends
  // it as soon as store() resolves, before a setImmediate runs): describing and printing an
  // object is then not part of the sender's wait. Any other event queues behind them, in order.
  const deferred: Array<() => ReceiverEvent> = [];
  const deliver = (e: ReceiverEvent): void => options.onEvent?.(e);
  const flush = (): void => {
    for (let i = 0; i < deferred.length; i++) deliver(deferred[i]());
    deferred.length = 0;
  };
  const emit = (e: ReceiverEvent): void => {
    if (deferred.length) deferred.push(() => e);
    else deliver(e);
  };
  const emitAfterAnswer = (make: () => ReceiverEvent): void => {
    if (deferred.push(make) === 1) setImmediate(flush);
  };
  const first = await loadReceiverTable(options.devicesFile, options.serverId);
  if (!first.ok) throw new ReceiverTableError(first.errors);
  let current = first.value;
  const storeDir = path.resolve(options.storeDir);
  fs.mkdirSync(storeDir, { recursive: true });
  const leftovers = removeTemporaryFiles(storeDir);
  if (leftovers) emit({ event: 'warning', time: now(), message: `removed ${leftovers} temporary file${leftovers === 1 ? '' : 's'} of an interrupted run under ${storeDir} (those objects were never acknowledged)` });
  emit({ event: 'table', time: now(), status: 'loaded', file: current.devicesFile, errors: [], devices: current.table.devices.length });
  if (current.unresolved.length) emit({ event: 'warning', time: now(), message: `host names not resolved (these devices cannot be admitted): ${current.unresolved.join(', ')}` });

  const limits = new ConcurrencyLimits();
  const open = new Map<string, Open>();
  const hooks = options.beforeAcknowledge ?? [];

  const rejected = (req: AssociationRequest, t: ReceiverTable, decision: Extract<AssociationDecision, { accept: false }>, deviceId?: string): AssociationDecision => {
    const device = t.table.devices.find((d) => d.id === deviceId);
    const category = categoryOf(t, device);
    emit({
      event: 'association', time: now(), outcome: 'rejected', callingAe: req.callingAe.trim(), calledAe: req.calledAe.trim(),
      peer: `${req.peer.address}:${req.peer.port}`, tls: req.peer.tls, device: deviceId, category: category?.name, reason: decision.why,
      rejection: { result: decision.result, source: decision.source, reason: decision.reason }, counts: limits.counts(device, category),
    });
    return decision;
  };

  const handlers: ScpHandlers = {
    associate(req) {
      const t = current;
      const admission = admit(t.table, t.addresses, req);
      if (!admission.admitted) return rejected(req, t, admission.rejection);
      const device = admission.device;
      const category = categoryOf(t, device);
      const contexts = negotiateContexts(t.server, device, req.contexts);
      const storing = contexts.some((c, i) => c.result === 'accept' && isStorageSopClass(req.contexts[i].abstractSyntax));
      const place = limits.acquire(device, category, storing);
      if (!place.ok) {
        return rejected(req, t, { accept: false, result: 'rejected-transient', source: 'service-provider-presentation', reason: 2, why: `local limit exceeded: ${place.why}` }, device?.id);
      }
      open.set(peerKey(req.peer), { lease: place.lease, table: t, deviceId: device?.id, objects: 0 });
      emit({
        event: 'association', time: now(), outcome: 'accepted', callingAe: req.callingAe.trim(), calledAe: req.calledAe.trim(),
        peer: `${req.peer.address}:${req.peer.port}`, tls: req.peer.tls, device: device?.id, category: category?.name, counts: limits.counts(device, category),
      });
      return { accept: true, contexts, maxPdu: serverMaxPdu(t.server) };
    },

    async store(ev) {
      const req = ev.association.request;
      const entry = open.get(peerKey(req.peer));
      // Every accepted association has its entry; without one (never expected) run the current table.
      const t = entry?.table ?? current;
      if (entry) {
        entry.id = ev.association.id;
        entry.objects++;
      }
      const deviceId = entry ? entry.deviceId : undefined;
      const chain = deviceId !== undefined ? t.chains.get(deviceId) ?? t.globalChain : t.globalChain;
      const callingAe = req.callingAe.trim();
      const base = {
        event: 'object' as const, association: ev.association.id, callingAe, device: deviceId,
        sopClassUid: ev.sopClassUid, sopInstanceUid: ev.sopInstanceUid, transferSyntaxUid: ev.transferSyntaxUid,
        rules: ruleNames(chain),
      };
      const coerced = coerceReceived(chain, { ...ev, callingAe });
      if (coerced.outcome === 'failed') {
        emitAfterAnswer(() => ({ ...base, time: now(), status: 'failed', dimseStatus: coerced.status, reason: coerced.reason, changes: changesOf(coerced.result) }));
        return { status: coerced.status, errorComment: coerced.reason.slice(0, 64) };
      }
      const file = storedPath(storeDir, deviceId, callingAe, ev.sopInstanceUid);
      let original: string | undefined;
      if (options.keepOriginals) {
        try {
          await writeFileDurable(originalPath(file), [coerced.received]);
          original = originalPath(file);
        } catch (error) {
          emit({ event: 'warning', time: now(), message: `cannot keep the original of ${ev.sopInstanceUid} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the object itself is handled as usual` });
        }
      }
      if (coerced.outcome === 'stopped') {
        emitAfterAnswer(() => ({ ...base, time: now(), status: 'stopped', original, dimseStatus: STATUS.success, reason: coerced.reason, changes: changesOf(coerced.result) }));
        return { status: STATUS.success };
      }
      try {
        await writeFileDurable(file, coerced.chunks);
      } catch (error) {
        const status = writeFailureStatus(error);
        const reason = `cannot store ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
        emitAfterAnswer(() => ({ ...base, time: now(), status: 'failed', dimseStatus: status, reason, changes: changesOf(coerced.result) }));
        return { status, errorComment: reason.slice(0, 64) };
      }
      const stored: StoredObject = {
        file, sopClassUid: ev.sopClassUid, sopInstanceUid: ev.sopInstanceUid, transferSyntaxUid: ev.transferSyntaxUid,
        callingAe, deviceId, receivedAt: now(),
      };
      for (const hook of hooks) {
        try {
          await hook(stored);
        } catch (error) {
          const status = writeFailureStatus(error);
          const reason = `stored as ${file}, but a step before the acknowledgement failed (${(error as Error).message}); the file is kept for the operator`;
          emitAfterAnswer(() => ({ ...base, time: now(), status: 'failed', file, dimseStatus: status, reason, changes: changesOf(coerced.result) }));
          return { status, errorComment: reason.slice(0, 64) };
        }
      }
      emitAfterAnswer(() => ({ ...base, time: now(), status: 'stored', file, original, dimseStatus: STATUS.success, changes: changesOf(coerced.result) }));
      return { status: STATUS.success };
    },

    closed(association, how, detail) {
      const key = peerKey(association.request.peer);
      const entry = open.get(key);
      open.delete(key);
      if (entry) limits.release(entry.lease);
      emit({ event: 'closed', time: now(), id: association.id, peer: `${association.request.peer.address}:${association.request.peer.port}`, device: entry?.deviceId, how, detail, objects: entry?.objects ?? 0 });
    },

    refused(peer, why) {
      // An association accepted by us whose connection ended before it was established.
      const key = peerKey(peer);
      const entry = open.get(key);
      open.delete(key);
      if (entry) limits.release(entry.lease);
      if (!why.startsWith('rejected ')) emit({ event: 'warning', time: now(), message: `connection from ${peer.address}:${peer.port}: ${why}` });
    },
  };

  const server = current.server;
  const host = options.host ?? server.host ?? '127.0.0.1';
  const timers = {
    artimTimeoutMs: options.artimTimeoutMs ?? (server.timeouts.connection ?? 30) * 1000,
    idleTimeoutMs: options.idleTimeoutMs ?? (server.timeouts.receive ?? 30) * 1000,
  };
  const servers: ScpServer[] = [];
  const tcpPort = options.tcpPort ?? server.tcpPort ?? 0;
  const tlsPort = options.tlsPort ?? server.tlsPort ?? 0;
  let tcp: ScpServer | undefined;
  let tls: ScpServer | undefined;
  const wantTcp = options.tcpPort !== undefined || (server.tcpPort ?? 0) > 0;
  const wantTls = options.tlsPort !== undefined || (server.tlsPort ?? 0) > 0;
  try {
    if (wantTcp) servers.push(tcp = await listen({ host, port: tcpPort, maxPdu: serverMaxPdu(server), maxDatasetBytes: MAX_DATASET_BYTES, datasetHeadroom: FILE_META_ROOM, ...timers }, handlers));
    if (wantTls && options.tls?.cert && options.tls.key) {
      servers.push(tls = await listen({ host, port: tlsPort, tls: options.tls, maxPdu: serverMaxPdu(server), maxDatasetBytes: MAX_DATASET_BYTES, datasetHeadroom: FILE_META_ROOM, ...timers }, handlers));
    } else if (wantTls) {
      emit({ event: 'warning', time: now(), message: `tls-port ${tlsPort} stays closed: no TLS certificate and key were given (pacsw serve --tls-cert FILE --tls-key FILE)` });
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close(false)));
    throw error;
  }
  if (!tcp && !tls) {
    throw new ReceiverTableError([`${options.devicesFile}: server ${server.name} has neither a tcp-port nor a usable tls-port to listen on`]);
  }
  emit({ event: 'listening', time: now(), server: server.name, ae: server.ae ?? '', queryAe: server.queryAe, host, tcpPort: tcp?.port, tlsPort: tls?.port, store: storeDir, devicesFile: current.devicesFile });

  const watcher = followTable(current.files, options.reloadDelayMs ?? 150, async () => {
    const next = await loadReceiverTable(options.devicesFile, options.serverId);
    if (next.ok) {
      current = next.value;
      emit({ event: 'table', time: now(), status: 'reloaded', file: current.devicesFile, errors: [], devices: current.table.devices.length });
      if (current.unresolved.length) emit({ event: 'warning', time: now(), message: `host names not resolved (these devices cannot be admitted): ${current.unresolved.join(', ')}` });
    } else {
      emit({ event: 'table', time: now(), status: 'kept-last-good', file: current.devicesFile, errors: next.errors, devices: current.table.devices.length });
    }
    return current.files;
  });

  let closing: Promise<void> | undefined;
  return {
    tcpPort: tcp?.port,
    tlsPort: tls?.port,
    table: () => current,
    close(graceful) {
      // A second, forceful close cuts short a graceful one in progress.
      if (closing && !graceful) return Promise.all(servers.map((s) => s.close(false))).then(() => closing);
      closing ??= (async () => {
        watcher.close();
        emit({ event: 'stopping', time: now() });
        await Promise.all(servers.map((s) => s.close(graceful)));
        emit({ event: 'stopped', time: now() });
      })();
      return closing;
    },
  };
}

/**
 * Watches the folders of `files` (editors that save by rename replace the file a file watcher
 * would hold) and calls `reload` once edits have settled for `delayMs`; reload returns the files
 * to follow next (a table may start or stop referring to a rule file).
 */
function followTable(files: string[], delayMs: number, reload: () => Promise<string[]>): { close(): void } {
  let watchers: fs.FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let closed = false;
  const watch = (list: string[]): void => {
    for (const w of watchers) w.close();
    const names = new Set(list.map((f) => path.resolve(f)));
    const dirs = new Set(list.map((f) => path.dirname(path.resolve(f))));
    watchers = [...dirs].flatMap((dir) => {
      try {
        const w = fs.watch(dir, (_type, name) => {
          if (name && names.has(path.join(dir, name.toString()))) schedule();
        });
        w.on('error', () => undefined);
        return [w];
      } catch {
        return [];
      }
    });
  };
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const next = await reload();
      if (!closed) watch(next);
    } finally {
      running = false;
      if (again && !closed) {
        again = false;
        schedule();
      }
    }
  };
  function schedule(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), delayMs);
  }
  watch(files);
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
