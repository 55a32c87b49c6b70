/**
 * DICOM C-ECHO (verification) with a new association, on our own SCU (scu.ts). The whole
 * attempt (connect, associate, echo, release) is bounded by `timeoutMs`; the result is one
 * outcome word and a reason in words, never a thrown error.
 */
import { performance } from 'node:perf_hooks';
import { VERIFICATION_SOP_CLASS } from './dimse';
import { NetError, type NetErrorKind } from './errors';
import type { NetOutcome, NetResult } from './outcome';
import { connect } from './scu';
import type { TlsOptions } from './tls';
import type { ScuAssociation } from './types';

export { describeRejection } from './pdu';

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

const OUTCOME: Record<NetErrorKind, NetOutcome> = {
  refused: 'refused', timeout: 'timeout', dns: 'unresolved', rejected: 'rejected', aborted: 'aborted',
  'not-dicom': 'error', tls: 'tls-failure', protocol: 'error', closed: 'aborted',
};

/** Implicit VR LE first: every SCP must support it. */
const ECHO_CONTEXT = [{ id: 1, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'] }];

export async function echo(opts: EchoOptions): Promise<EchoResult> {
  const start = performance.now();
  const elapsed = () => Math.round((performance.now() - start) * 100) / 100;
  if (opts.signal?.aborted) return { ok: false, ms: 0, outcome: 'cancelled', reason: 'cancelled' };
  // One controller for the whole attempt: the caller's cancellation or our deadline.
  const attempt = new AbortController();
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, opts.timeoutMs);
  const onCancel = () => attempt.abort();
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  let association: ScuAssociation | undefined;
  let answeredMs: number | undefined;
  try {
    association = await connect({
      host: opts.host, port: opts.port, callingAe: opts.callingAet, calledAe: opts.calledAet,
      tls: opts.tls ? { ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key, rejectUnauthorized: opts.tls.rejectUnauthorized ?? true } : undefined,
      contexts: ECHO_CONTEXT, maxPdu: 16384, timeoutMs: opts.timeoutMs, signal: attempt.signal,
    });
    const status = await association.echo();
    answeredMs = elapsed();
    if (status !== 0) {
      association.abort();
      return { ok: false, ms: answeredMs, outcome: 'error', reason: `C-ECHO answered with status 0x${status.toString(16).padStart(4, '0')}` };
    }
    try {
      await association.release();
      return { ok: true, ms: answeredMs, outcome: 'ok', reason: 'C-ECHO succeeded' };
    } catch {
      return { ok: true, ms: answeredMs, outcome: 'ok', reason: 'C-ECHO succeeded (the peer did not release the association)' };
    }
  } catch (e) {
    association?.abort();
    const ms = answeredMs ?? elapsed();
    if (timedOut) {
      return { ok: false, ms, outcome: 'timeout', reason: `no answer within ${opts.timeoutMs} ms${association ? ' (association accepted, no C-ECHO response)' : ''}` };
    }
    if (opts.signal?.aborted) return { ok: false, ms, outcome: 'cancelled', reason: 'cancelled' };
    if (e instanceof NetError) return { ok: false, ms, outcome: OUTCOME[e.kind], reason: e.message };
    return { ok: false, ms, outcome: 'error', reason: (e as Error).message };
  } finally {
    clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onCancel);
  }
}
