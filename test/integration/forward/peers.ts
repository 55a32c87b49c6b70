/**
 * What the forward tests share: a device table text with destinations on 127.0.0.1, objects
 * stored as the receiver stores them, a forwarder on a fresh spool, a recording SCP (our own
 * core/src/net listener: counts associations, answers chosen statuses) and waiting for a
 * condition with a bound and a message saying what was last seen.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDeviceTable, parseDeviceFile } from '../../../core/src/devices';
import { forwardDestinations, Forwarder, ForwardSpool, type ForwarderOptions, type SpoolObject } from '../../../core/src/forward';
import { acceptContexts, connect, listen } from '../../../core/src/net';
import type { ScpServer } from '../../../core/src/net/types';
import { makePart10, uniqueUid, SECONDARY_CAPTURE, type MadeObject } from './part10-maker';

export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const IMPLICIT_LE = '1.2.840.10008.1.2';

export interface DestSpec {
  id: string;
  port: number;
  ae?: string;
  tls?: boolean;
  extra?: string[];
}

/** A table whose server is FWD and whose devices forward to the given ports. */
export function tableText(dests: DestSpec[], categories: string[] = []): string {
  return [
    'server FWD {', '  ae "FWD"', '  host 127.0.0.1', '  tcp-port 11112', '}',
    ...categories,
    ...dests.flatMap((d) => [
      `device ${d.id} {`, '  type dicom', `  ae "${d.ae ?? d.id}"`, '  host 127.0.0.1',
      d.tls ? `  tls-port ${d.port}` : `  port ${d.port}`,
      '  services {', '    store P', '    autofwd', '  }',
      ...(d.extra ?? []).map((l) => `  ${l}`),
      '}',
    ]),
    '',
  ].join('\n');
}

export function destinationsOf(text: string) {
  const table = buildDeviceTable(parseDeviceFile(text).ast);
  return forwardDestinations(table);
}

/** Writes objects into `store` as the receiver does and returns what its hook would pass. */
export function storeObjects(store: string, n: number, o: Partial<MadeObject> = {}): SpoolObject[] {
  fs.mkdirSync(store, { recursive: true });
  const out: SpoolObject[] = [];
  for (let i = 0; i < n; i++) {
    const uid = uniqueUid();
    const file = path.join(store, `${uid}.dcm`);
    fs.writeFileSync(file, makePart10({ ...o, sopInstanceUid: uid }));
    out.push({
      file, sopClassUid: o.sopClassUid ?? SECONDARY_CAPTURE, sopInstanceUid: uid,
      transferSyntaxUid: o.transferSyntaxUid ?? EXPLICIT_LE, callingAe: 'MOD', receivedAt: new Date().toISOString(),
    });
  }
  return out;
}

export function makeForwarder(spoolDir: string, text: string, extra: Partial<ForwarderOptions> & { start?: boolean } = {}): { forwarder: Forwarder; spool: ForwardSpool; log: string[] } {
  const spool = ForwardSpool.open(spoolDir, { lock: true, minFreeBytes: 0 });
  const log: string[] = [];
  const forwarder = new Forwarder({
    spool,
    connect,
    callingAe: 'FWD',
    destinations: destinationsOf(text).destinations,
    timeoutMs: 5000,
    retry: { initialMs: 100, maxMs: 400 },
    rescanMs: 200,
    lingerMs: 100,
    log: (l) => log.push(l),
    ...extra,
  });
  if (extra.start !== false) forwarder.start();
  return { forwarder, spool, log };
}

export async function waitFor(what: string, cond: () => boolean, seen: () => unknown, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(seen())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RecordingScp {
  port: number;
  /** SOP Instance UID → data sets received (in order). */
  stored: Map<string, Buffer[]>;
  associations: number;
  maxConcurrent: number;
  callingAes: Set<string>;
  close(): Promise<void>;
}

export interface RecordingOptions {
  /** SOP classes refused in negotiation. */
  refuseSopClasses?: string[];
  /** Transfer syntaxes accepted (default implicit and explicit LE). */
  transferSyntaxes?: string[];
  /** Status for a C-STORE (default 0x0000): `attempt` counts per SOP Instance from 1. */
  status?: (uid: string, attempt: number) => number;
  port?: number;
}

export async function startRecordingScp(o: RecordingOptions = {}): Promise<RecordingScp> {
  const stored = new Map<string, Buffer[]>();
  const attempts = new Map<string, number>();
  let open = 0;
  const rec = { port: 0, stored, associations: 0, maxConcurrent: 0, callingAes: new Set<string>(), close: async () => undefined as void };
  const server: ScpServer = await listen({ host: '127.0.0.1', port: o.port ?? 0, maxPdu: 65536, artimTimeoutMs: 5000, idleTimeoutMs: 10000 }, {
    associate: (rq) => {
      rec.associations++;
      open++;
      rec.maxConcurrent = Math.max(rec.maxConcurrent, open);
      rec.callingAes.add(rq.callingAe);
      return {
        accept: true,
        maxPdu: 65536,
        contexts: acceptContexts(rq.contexts, {
          accepts: (sop) => !(o.refuseSopClasses ?? []).includes(sop),
          transferSyntaxes: o.transferSyntaxes ?? [EXPLICIT_LE, IMPLICIT_LE],
        }),
      };
    },
    store: async (ev) => {
      const n = (attempts.get(ev.sopInstanceUid) ?? 0) + 1;
      attempts.set(ev.sopInstanceUid, n);
      const status = o.status?.(ev.sopInstanceUid, n) ?? 0;
      if (status === 0 || (status & 0xf000) === 0xb000) {
        const list = stored.get(ev.sopInstanceUid) ?? [];
        list.push(Buffer.from(ev.dataset));
        stored.set(ev.sopInstanceUid, list);
      }
      return { status };
    },
    closed: () => {
      open--;
    },
  });
  rec.port = server.port;
  rec.close = () => server.close(false);
  return rec;
}

/** The data set bytes of a stored Part 10 file made by makePart10 (after the meta group). */
export function datasetOf(file: string): Buffer {
  const bytes = fs.readFileSync(file);
  const metaLength = bytes.readUInt32LE(140);
  return bytes.subarray(144 + metaLength);
}
