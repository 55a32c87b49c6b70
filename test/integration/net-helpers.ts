/**
 * Shared pieces of the network-layer tests: our SCP with handlers that record what happened,
 * DCMTK tools run as child processes, the data set bytes of a Part 10 file, and a connected
 * pair of loopback sockets.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { readFileMeta, type FileMeta } from '../../core/src/dicom/fileMeta';
import { acceptContexts, listen, type AssociationRequest, type CloseReason, type ScpHandlers, type ScpOptions, type ScpServer, type StoreRequestEvent } from '../../core/src/net';
import { dcmtkEnv, freePort, tempDir, waitForPort } from './peers';

export const ALL_TS = [
  '1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91',
];

export interface RecordingScp {
  server: ScpServer;
  port: number;
  requests: AssociationRequest[];
  stored: StoreRequestEvent[];
  closed: Array<{ how: CloseReason; detail?: string }>;
  refused: string[];
  /** Resolves once `n` associations have ended or `n` connections were refused in total. */
  ended(n: number): Promise<void>;
}

/** Our SCP on 127.0.0.1 accepting every SOP class in every transfer syntax above, recording everything. */
export async function startRecordingScp(options: Partial<ScpOptions> = {}, handlers: Partial<ScpHandlers> = {}): Promise<RecordingScp> {
  const rec = { requests: [] as AssociationRequest[], stored: [] as StoreRequestEvent[], closed: [] as RecordingScp['closed'], refused: [] as string[] };
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  const check = () => {
    const total = rec.closed.length + rec.refused.length;
    waiters = waiters.filter((w) => (total >= w.n ? (w.resolve(), false) : true));
  };
  const server = await listen({ host: '127.0.0.1', port: 0, maxPdu: 16384, artimTimeoutMs: 5000, idleTimeoutMs: 10000, ...options }, {
    associate: (rq) => {
      rec.requests.push(rq);
      return { accept: true, maxPdu: options.maxPdu ?? 16384, contexts: acceptContexts(rq.contexts, { accepts: () => true, transferSyntaxes: ALL_TS }) };
    },
    store: async (e) => {
      rec.stored.push({ ...e, dataset: Buffer.from(e.dataset) });
      return { status: 0 };
    },
    ...handlers,
    closed: (a, how, detail) => {
      rec.closed.push({ how, detail });
      check();
      handlers.closed?.(a, how, detail);
    },
    refused: (peer, why) => {
      rec.refused.push(why);
      check();
      handlers.refused?.(peer, why);
    },
  });
  return {
    server, port: server.port, ...rec,
    ended: (n) => new Promise<void>((resolve) => {
      waiters.push({ n, resolve });
      check();
    }),
  };
}

/** Runs a DCMTK tool (TCP_NODELAY=1), killed after `timeoutMs`; resolves with exit code and all its output (on 'close': 'exit' can come before the last of it). */
export function runTool(cmd: string, args: string[], timeoutMs = 60000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: dcmtkEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve({ code, output });
    });
  });
}

export interface FileDataset extends FileMeta { file: string; dataset: Buffer }

/** The meta information and data set bytes (what goes on the wire) of a Part 10 file. */
export function datasetOfFile(file: string): FileDataset {
  const bytes = fs.readFileSync(file);
  const meta = readFileMeta(bytes);
  return { ...meta, file, dataset: bytes.subarray(meta.datasetStart) };
}

/** Every Part 10 file in a folder (storescp output), keyed by SOP Instance UID. */
export function datasetsIn(dir: string): Map<string, FileDataset> {
  const out = new Map<string, FileDataset>();
  for (const f of fs.readdirSync(dir)) {
    const d = datasetOfFile(path.join(dir, f));
    out.set(d.sopInstanceUid, d);
  }
  return out;
}

/** storescp +B +xa (bit-preserving, every transfer syntax) on a free port, for reference bytes. */
export async function startBitPreservingStorescp(options: { tls?: { key: string; cert: string } } = {}): Promise<{ port: number; dir: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = tempDir('storescp-B');
  const tls = options.tls ? ['+tls', options.tls.key, options.tls.cert, '-ic'] : [];
  const child = spawn('storescp', ['-aet', 'REF', '+B', '+xa', ...tls, '-od', dir, String(port)], { env: dcmtkEnv(), stdio: 'ignore' });
  await waitForPort(port, 10000, child);
  return {
    port, dir,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => {
        fs.rmSync(dir, { recursive: true, force: true });
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}


/** Both ends of one TCP connection on 127.0.0.1; `close` ends them and the listening server. */
export async function loopbackSockets(): Promise<{ client: net.Socket; accepted: net.Socket; close(): void }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const accepting = new Promise<net.Socket>((r) => server.once('connection', r));
  const client = net.connect(port, '127.0.0.1');
  const accepted = await accepting;
  return {
    client, accepted,
    close: () => {
      client.destroy();
      accepted.destroy();
      server.close();
    },
  };
}
