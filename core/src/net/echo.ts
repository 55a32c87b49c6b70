/**
 * DICOM C-ECHO (verification) with a new association, wrapped so that it always ends: every
 * terminal event (response and release, rejection, abort, socket error, timeout, cancellation)
 * destroys the socket. dcmjs-dimse alone can leave a socket to a silent peer open for minutes
 * and keep the process alive (see docs/networking.md).
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type * as Dimse from 'dcmjs-dimse';
import { classifySocketError, type NetOutcome, type NetResult } from './outcome';
import { isTlsError, type TlsOptions } from './tls';

export interface EchoOptions {
  host: string;
  port: number;
  calledAet: string;
  callingAet: string;
  tls?: TlsOptions;
  /** Limit for the whole attempt (connect, associate, echo), in milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export type EchoResult = NetResult;

const REJECT_REASONS: Record<number, Record<number, string>> = {
  1: { 1: 'no reason given', 2: 'application context name not supported', 3: 'calling AE title not recognised', 7: 'called AE title not recognised' },
  2: { 1: 'no reason given', 2: 'protocol version not supported' },
  3: { 1: 'temporary congestion', 2: 'local limit exceeded' },
};

/** `association rejected: called AE title not recognised (reason 7)`, with permanence. */
export function describeRejection(r: { result?: number; source?: number; reason?: number }): string {
  const what = (r.source !== undefined && r.reason !== undefined && REJECT_REASONS[r.source]?.[r.reason]) || 'unknown reason';
  const transient = r.result === 2 ? ', transient' : '';
  return `association rejected: ${what} (reason ${r.reason ?? '?'}${transient})`;
}

let dimseModule: typeof Dimse | undefined;
/**
 * dcmjs-dimse, loaded on the first echo: with its codecs it is over half of the client bundle,
 * and loading it at activation would cost every user who never echoes. It logs every
 * connection error to the console; the result carries the reason instead, so its log is
 * silenced (PACSW_DIMSE_LOG=1 keeps it).
 */
function dimse(): typeof Dimse {
  if (!dimseModule) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dimseModule = require('dcmjs-dimse') as typeof Dimse;
    if (!process.env.PACSW_DIMSE_LOG) dimseModule.log.setLevel('silent');
  }
  return dimseModule;
}

interface DimseNetwork {
  socket: Socket;
  on(event: 'abort', cb: (a: { source: number; reason: number }) => void): void;
}

export function echo(opts: EchoOptions): Promise<EchoResult> {
  const start = performance.now();
  return new Promise<EchoResult>((resolve) => {
    let settled = false;
    let socket: Socket | undefined;
    let lastSocketError: (Error & { code?: string }) | undefined;
    let tlsUp = false;
    let accepted = false;
    let echoStatus: number | undefined;
    let answeredMs: number | undefined;

    const finish = (outcome: NetOutcome, reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      const ms = answeredMs ?? performance.now() - start;
      resolve({ ok: outcome === 'ok', ms: Math.round(ms * 100) / 100, outcome, reason });
    };
    const onAbort = () => finish('cancelled', 'cancelled');
    if (opts.signal?.aborted) {
      resolve({ ok: false, ms: 0, outcome: 'cancelled', reason: 'cancelled' });
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      if (echoStatus === 0) finish('ok', 'C-ECHO succeeded (the peer did not release the association)');
      else finish('timeout', `no answer within ${opts.timeoutMs} ms${accepted ? ' (association accepted, no C-ECHO response)' : ''}`);
    }, opts.timeoutMs);

    const { Client, requests } = dimse();
    const client = new Client();
    const request = new requests.CEchoRequest();
    request.on('response', (response: { getStatus(): number }) => {
      echoStatus = response.getStatus();
      answeredMs = performance.now() - start;
      if (echoStatus !== 0) finish('error', `C-ECHO answered with status 0x${echoStatus.toString(16).padStart(4, '0')}`);
    });
    client.addRequest(request);
    client.on('associationAccepted', () => {
      accepted = true;
    });
    client.on('associationRejected', (r: { result: number; source: number; reason: number }) => finish('rejected', describeRejection(r)));
    client.on('associationReleased', () => {
      if (echoStatus === 0) finish('ok', 'C-ECHO succeeded');
      else finish('error', 'association released without a C-ECHO response');
    });
    client.on('networkError', (e: Error) => {
      // The socket's own error (with its code) has been recorded by our prepended listener.
      if (echoStatus === 0) return finish('ok', 'C-ECHO succeeded (connection ended before release)');
      if (opts.tls && !tlsUp && (isTlsError(lastSocketError) || !accepted)) {
        return finish('tls-failure', `TLS failure: ${(lastSocketError ?? e).message}`);
      }
      if (/Exceeded (association|PDU) timeout|Connection timeout/.test(e.message)) {
        return finish('timeout', `no answer within ${opts.timeoutMs} ms`);
      }
      const c = classifySocketError(lastSocketError ?? e, e.message);
      finish(c.outcome, c.reason);
    });
    client.on('closed', () => {
      if (echoStatus === 0) finish('ok', 'C-ECHO succeeded');
      else if (opts.tls && !tlsUp) finish('tls-failure', 'TLS failure: the peer closed the connection during the TLS handshake');
      else if (accepted) finish('aborted', 'the peer closed the association without answering');
      else finish('aborted', 'the peer closed the connection before accepting the association');
    });

    try {
      client.send(opts.host, opts.port, opts.callingAet, opts.calledAet, {
        connectTimeout: opts.timeoutMs,
        associationTimeout: opts.timeoutMs,
        pduTimeout: opts.timeoutMs,
        securityOptions: opts.tls
          ? { ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key, rejectUnauthorized: opts.tls.rejectUnauthorized ?? true }
          : undefined,
      } as Parameters<Dimse.Client['send']>[4]);
    } catch (e) {
      finish('error', (e as Error).message);
      return;
    }
    const network = (client as unknown as { network?: DimseNetwork }).network;
    socket = network?.socket;
    if (!socket) {
      finish('error', 'dcmjs-dimse did not open a socket');
      return;
    }
    if (settled) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.prependListener('error', (err: Error & { code?: string }) => {
      lastSocketError = err;
    });
    socket.once('secureConnect', () => {
      tlsUp = true;
    });
    network!.on('abort', (a) => finish('aborted', `association aborted by the peer (source ${a.source}, reason ${a.reason})`));
  });
}
