/** Results shared by echo and ping: one outcome word, milliseconds, and a plain-text reason. */

export type NetOutcome =
  | 'ok'
  | 'refused'
  | 'rejected'
  | 'timeout'
  | 'unresolved'
  | 'tls-failure'
  | 'aborted'
  | 'cancelled'
  | 'unavailable'
  | 'error';

export interface NetResult {
  ok: boolean;
  /** Milliseconds from the start of the attempt to the answer (or to the failure). */
  ms: number;
  outcome: NetOutcome;
  /** Plain text for people, e.g. `association rejected: called AE title not recognised (reason 7)`. */
  reason: string;
}

/** Maps a Node socket/DNS error to an outcome and a readable reason. */
export function classifySocketError(err: { code?: string; message?: string } | undefined, fallback: string): { outcome: NetOutcome; reason: string } {
  const code = err?.code ?? '';
  const msg = err?.message ?? fallback;
  const text = `${code} ${msg}`;
  if (/ECONNREFUSED/.test(text)) return { outcome: 'refused', reason: 'connection refused (nothing listens on that port)' };
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_NODATA/.test(text)) return { outcome: 'unresolved', reason: `host name could not be resolved (${code || msg})` };
  if (/ETIMEDOUT|Connection timeout|timed out/i.test(text)) return { outcome: 'timeout', reason: 'no answer in time' };
  if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return { outcome: 'error', reason: `host unreachable (${code})` };
  if (/ECONNRESET|EPIPE/.test(text)) return { outcome: 'aborted', reason: 'connection reset by peer' };
  return { outcome: 'error', reason: msg };
}
