/**
 * What the forwarder does with each answer of a destination: delivered, retry later (the
 * destination or the network is having a bad moment), or failed for good (this object will
 * not be taken as it is, so retrying forever would only hide it). PS3.4 Annex B.2.3 and
 * PS3.7 Annex C list the C-STORE statuses.
 */

export type Verdict =
  | { kind: 'delivered'; warning?: string }
  | { kind: 'retry'; reason: string }
  | { kind: 'failed'; reason: string; status?: number };

export function hex4(status: number): string {
  return '0x' + status.toString(16).toUpperCase().padStart(4, '0');
}

/** The C-STORE response status of one object. */
export function verdictOfStatus(status: number, errorComment?: string): Verdict {
  const said = errorComment ? `: "${errorComment}"` : '';
  if (status === 0x0000) return { kind: 'delivered' };
  if (status === 0x0001 || status === 0x0107 || status === 0x0116 || (status & 0xf000) === 0xb000) {
    return { kind: 'delivered', warning: `stored with warning ${hex4(status)}${WARNINGS[status] ? ` (${WARNINGS[status]})` : ''}${said}` };
  }
  if ((status & 0xff00) === 0xa700) return { kind: 'failed', reason: `refused with ${hex4(status)} (out of resources)${said}`, status };
  if ((status & 0xff00) === 0xa900) return { kind: 'failed', reason: `refused with ${hex4(status)} (data set does not match SOP class)${said}`, status };
  if ((status & 0xf000) === 0xc000) return { kind: 'failed', reason: `refused with ${hex4(status)} (cannot understand)${said}`, status };
  if (PERMANENT[status]) return { kind: 'failed', reason: `refused with ${hex4(status)} (${PERMANENT[status]})${said}`, status };
  if (TRANSIENT[status]) return { kind: 'retry', reason: `answered ${hex4(status)} (${TRANSIENT[status]})${said}` };
  // An unknown failure status: retried, as a later attempt may well be taken.
  return { kind: 'retry', reason: `answered failure status ${hex4(status)}${said}` };
}

const WARNINGS: Record<number, string> = {
  0xb000: 'coercion of data elements',
  0xb006: 'elements discarded',
  0xb007: 'data set does not match SOP class',
  0x0107: 'attribute list error',
  0x0116: 'attribute value out of range',
};

const PERMANENT: Record<number, string> = {
  0x0122: 'SOP class not supported',
  0x0124: 'not authorized',
  0x0117: 'invalid SOP instance',
  0x0118: 'no such SOP class',
  0x0119: 'class-instance conflict',
  0x0120: 'missing attribute',
  0x0121: 'missing attribute value',
  0x0106: 'invalid attribute value',
};

const TRANSIENT: Record<number, string> = {
  0x0110: 'processing failure',
  0x0210: 'duplicate invocation',
  0x0211: 'unrecognised operation',
  0x0212: 'mistyped argument',
  0x0213: 'resource limitation',
  0xfe00: 'cancelled',
};

/**
 * A failure to connect, associate or exchange (core/src/net NetError): every kind is retried
 * with backoff, since none of them says the object is wrong; a permanent rejection or a TLS
 * or protocol failure is a configuration problem the operator fixes, and the queue waits.
 */
export function verdictOfNetError(error: unknown): { kind: 'retry'; reason: string; kindOfError: string } {
  const e = error as { kind?: string; message?: string };
  return { kind: 'retry', reason: e?.message || String(error), kindOfError: e?.kind ?? 'error' };
}

/** Delay before attempt `n` (1-based) after consecutive failures: doubling, capped, with jitter. */
export function backoffMs(consecutiveFailures: number, initialMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, consecutiveFailures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
