/**
 * Forwarding as the receiving node runs it: the spool beside the store (this process its one
 * forwarder), the AutoFwd destinations of the device table (followed as the table changes), the
 * SCU of core/src/net, and a throttled status for the Traffic view.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import { loadDeviceFile } from '../files/deviceFile';
import type { DeviceTable } from '../devices/model';
import { connect } from '../net';
import { forwardDestinations, type DestinationProblem } from './destinations';
import type { ForwardEvent } from './events';
import { Forwarder, type DestinationStatus, type ForwardConnect } from './forwarder';
import { startSendThread, type Sender } from './sendThread';
import { ForwardSpool, spoolDirOf, type EntryState, type SpoolObject } from './spool';

/**
 * Whether the node has anything to forward: AutoFwd devices in the table (read without errors),
 * or a queue left in the store by an earlier run (it is sent even if the table has none now).
 */
export function forwardingWanted(devicesFile: string, storeDir: string): boolean {
  if (ForwardSpool.exists(spoolDirOf(storeDir))) return true;
  const read = readTable(devicesFile);
  return 'table' in read && read.table.devices.some((d) => d.services.flags.autofwd);
}

export interface ForwardingOptions {
  devicesFile: string;
  /** Server block whose AE the forwards come from (default: the file's first). */
  serverId?: string;
  storeDir: string;
  /** Client TLS settings for destinations with a TLS port. */
  tls?: ConnectionOptions;
  timeoutMs?: number;
  minFreeBytes?: number;
  retry?: { initialMs?: number; maxMs?: number };
  /** How often the queue folders are read again for changes by other processes (default 5 s). */
  rescanMs?: number;
  connect?: ForwardConnect;
  /** Lines for the operator (transient failures, failed objects, table problems). */
  log: (line: string) => void;
  /** Each object queued, sent or failed, and each retry scheduled. */
  onEvent?: (event: ForwardEvent) => void;
  /** The queue changed: at most every `statusEveryMs` (default 500 ms). */
  onStatus?: (destinations: DestinationStatus[]) => void;
  statusEveryMs?: number;
  /**
   * Send from a thread of its own (sendThread.ts): `file` is a script that runs the sending
   * thread (dist/pacsw.js). Not taken with one CPU, with `connect` (a test's SCU), when the
   * file is missing (the compiled tree), or with PACSW_FORWARD_THREAD=0.
   */
  thread?: { file: string };
}

export interface Forwarding {
  spoolDir: string;
  /** True when the sending runs in a thread of its own (sendThread.ts). */
  sendingThread: boolean;
  /** The receiver's beforeAcknowledge hook. */
  enqueue(obj: SpoolObject): Promise<void>;
  /** Reads the device table again (after the receiver reloaded it); a table with errors is not taken. */
  reload(): void;
  status(): DestinationStatus[];
  retry(destination: string, keys?: string[]): number;
  drop(destination: string, states: EntryState[], keys?: string[]): number;
  stop(graceful: boolean): Promise<void>;
}

export function startForwarding(o: ForwardingOptions): Forwarding {
  const first = readTable(o.devicesFile);
  if ('errors' in first) throw new Error(`${o.devicesFile}: the table has errors, forwarding cannot start:\n${first.errors.join('\n')}`);
  const callingAe = serverAe(first.table, o.serverId);
  const spool = ForwardSpool.open(spoolDirOf(o.storeDir), { lock: true, minFreeBytes: o.minFreeBytes, log: o.log });
  let statusTimer: NodeJS.Timeout | undefined;
  const every = o.statusEveryMs ?? 500;
  const common = {
    spool, callingAe, destinations: destinationsOf(first.table, o),
    tls: o.tls, timeoutMs: o.timeoutMs, retry: o.retry, rescanMs: o.rescanMs, log: o.log, onEvent: o.onEvent,
  };
  const threaded = sendingThread(o);
  const forwarder: Sender = threaded ? startSendThread({
    ...common, file: o.thread!.file, statusEveryMs: every, onStatus: o.onStatus,
  }) : new Forwarder({
    ...common,
    connect: o.connect ?? connect,
    onChange: () => {
      if (!o.onStatus || statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        o.onStatus?.(forwarder.status());
      }, every);
      statusTimer.unref();
    },
  });
  if (forwarder instanceof Forwarder) forwarder.start(); // the sending thread starts its own
  return {
    spoolDir: spool.dir,
    sendingThread: threaded,
    enqueue: (obj) => forwarder.enqueue(obj),
    reload() {
      const next = readTable(o.devicesFile);
      if ('errors' in next) {
        o.log(`forward: ${o.devicesFile} has errors; forwarding keeps the last good table`);
        return;
      }
      forwarder.setDestinations(destinationsOf(next.table, o));
    },
    status: () => forwarder.status(),
    retry: (d, keys) => forwarder.retry(d, keys),
    drop: (d, states, keys) => forwarder.drop(d, states, keys),
    async stop(graceful) {
      if (statusTimer) clearTimeout(statusTimer);
      await forwarder.stop(graceful);
      spool.close();
    },
  };
}

function sendingThread(o: ForwardingOptions): boolean {
  if (!o.thread || o.connect || process.env.PACSW_FORWARD_THREAD === '0') return false;
  return os.availableParallelism() > 1 && fs.existsSync(o.thread.file);
}

function readTable(file: string): { table: DeviceTable } | { errors: string[] } {
  const loaded = loadDeviceFile(file);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { errors: errors.map((d) => `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`) };
  return { table: loaded.table };
}

function serverAe(table: DeviceTable, serverId: string | undefined): string {
  // By name without case, as the receiver picks its server block.
  const server = serverId ? table.servers.find((s) => s.name.toLowerCase() === serverId.toLowerCase()) : table.server;
  if (!server?.ae) throw new Error(`the server${serverId ? ` ${serverId}` : ''} has no AE title to forward from (server { ae "..." })`);
  return server.ae;
}

function destinationsOf(table: DeviceTable, o: ForwardingOptions) {
  const { destinations, problems } = forwardDestinations(table);
  for (const p of problems as DestinationProblem[]) o.log(`forward: device ${p.id} ${p.problem}`);
  return destinations;
}
