/**
 * Echo (or ping) many devices with a bounded number of associations open at once, stoppable
 * with an AbortSignal: entries not yet started come back as `cancelled`.
 */
import type { DeviceModel, DeviceTable } from '../devices/model';
import { checkEndpoint } from '../devices/model';
import { echo, type EchoOptions } from './echo';
import type { NetResult } from './outcome';
import type { TlsOptions } from './tls';

export interface EchoTarget extends Omit<EchoOptions, 'signal' | 'timeoutMs'> {
  id: string;
}

export interface EchoAllOptions {
  concurrency: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called as each result arrives (for progress output). */
  onResult?: (id: string, result: NetResult, index: number) => void;
}

export interface TargetResult extends NetResult {
  id: string;
}

/** Runs `task` over `items` with at most `concurrency` in flight; results in input order. */
export async function runBounded<T, R>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<R>, signal?: AbortSignal, cancelled?: (item: T) => R): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = signal?.aborted && cancelled ? cancelled(items[i]) : await task(items[i], i);
    }
  };
  const n = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

export function echoAll(targets: EchoTarget[], options: EchoAllOptions): Promise<TargetResult[]> {
  return runBounded(
    targets,
    options.concurrency,
    async (t, i) => {
      const r = await echo({ ...t, timeoutMs: options.timeoutMs, signal: options.signal });
      options.onResult?.(t.id, r, i);
      return { id: t.id, ...r };
    },
    options.signal,
    (t) => ({ id: t.id, ok: false, ms: 0, outcome: 'cancelled', reason: 'cancelled' }),
  );
}

/**
 * The echo target of a device in a table: its host, DICOM port (TLS when it has one, else TCP), AE title, and
 * the server's AE title as calling AE. Returns a reason instead when the row cannot be echoed.
 */
export function echoTargetOf(device: DeviceModel, table: DeviceTable, tls?: TlsOptions): EchoTarget | { id: string; problem: string } {
  const callingAet = table.server?.ae;
  if (!callingAet) return { id: device.id, problem: 'the file has no server AE title to call from (server { ae "..." })' };
  if (!device.host) return { id: device.id, problem: 'no host' };
  if (!device.ae) return { id: device.id, problem: 'no AE title' };
  const ep = checkEndpoint(device);
  if (!ep) return { id: device.id, problem: 'no DICOM port (port, tcp-port or tls-port)' };
  if (ep.tls && !tls) tls = {};
  return { id: device.id, host: device.host, port: ep.port, calledAet: device.ae, callingAet, tls: ep.tls ? tls : undefined };
}
