/**
 * `pacsw serve --control`: queue commands on stdin, one JSON object a line, each answered by a
 * `control` event. The running node's own forwarder acts at once, and a retry also forgets the
 * backoff (a destination that is back is sent to now, not at its next retry time); `pacsw queue
 * retry|drop` from another process only changes the folders, which the node reads every few
 * seconds, and leaves the backoff alone. The VS Code Traffic view's Retry and Drop use this while
 * its node runs.
 *   {"id": 1, "queue": "retry", "destination": "ARCHIVE"}                 failed entries back, send now
 *   {"id": 2, "queue": "drop", "destination": "ARCHIVE", "pending": true} drop failed and pending
 * `keys` (an array of queue keys) limits either to those entries.
 */
import type { Readable } from 'node:stream';
import type { Forwarding, NodeEvent } from '../../core/src/forward';

type ControlEvent = Extract<NodeEvent, { event: 'control' }>;
/** A control event before it is stamped with its time. */
type Answer = ControlEvent extends infer E ? (E extends ControlEvent ? Omit<E, 'time'> : never) : never;

/** Longest command line taken; a longer one is answered with an error and skipped. */
const MAX_LINE = 64 * 1024;

/**
 * Reads commands from `input` until it ends or the returned function is called (which lets go
 * of it: a stdin still read would keep the process alive after the node stopped);
 * `forwarding()` is the node's queue (undefined: it forwards nothing).
 */
export function readControl(input: Readable, forwarding: () => Forwarding | undefined, answer: (e: ControlEvent) => void): () => void {
  let pending = '';
  let skipping = false; // inside a line already answered as too long
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (skipping) skipping = false;
      else if (line.length > MAX_LINE) answer({ time: new Date().toISOString(), event: 'control', ok: false, error: `a command line longer than ${MAX_LINE} characters; skipped` });
      else if (line.trim()) answer({ time: new Date().toISOString(), ...runCommand(line, forwarding()) } as ControlEvent);
    }
    if (pending.length > MAX_LINE) {
      // Bounded memory: the rest of this line is read and thrown away.
      if (!skipping) answer({ time: new Date().toISOString(), event: 'control', ok: false, error: `a command line longer than ${MAX_LINE} characters; skipped` });
      skipping = true;
      pending = '';
    }
  });
  input.on('error', () => undefined); // stdin closed under us: the node keeps running
  return () => input.destroy();
}

export function runCommand(line: string, forwarding: Forwarding | undefined): Answer {
  let c: { id?: unknown; queue?: unknown; destination?: unknown; keys?: unknown; pending?: unknown };
  try {
    c = JSON.parse(line) as typeof c;
  } catch {
    return { event: 'control', ok: false, error: `not a JSON command: ${line.slice(0, 80)}; expected e.g. {"queue":"retry","destination":"ARCHIVE"}` };
  }
  if (typeof c !== 'object' || c === null) return { event: 'control', ok: false, error: 'a command is a JSON object, e.g. {"queue":"retry","destination":"ARCHIVE"}' };
  const id = typeof c.id === 'string' || typeof c.id === 'number' ? c.id : undefined;
  const fail = (error: string): Answer => ({ event: 'control', id, ok: false, error });
  if (c.queue !== 'retry' && c.queue !== 'drop') return fail(`unknown command ${JSON.stringify(c.queue)}: "queue" is "retry" or "drop"`);
  if (typeof c.destination !== 'string') return fail(`"destination" (a device ID) is missing`);
  if (c.keys !== undefined && !(Array.isArray(c.keys) && c.keys.every((k) => typeof k === 'string'))) return fail('"keys" is an array of queue keys');
  if (!forwarding) return fail('this node forwards nothing (the table has no AutoFwd devices)');
  const known = forwarding.status().map((d) => d.id);
  if (!known.includes(c.destination)) return fail(`${JSON.stringify(c.destination.slice(0, 64)).slice(1, -1)} is not a forward destination of this node (known: ${known.join(', ') || 'none'})`);
  const keys = c.keys as string[] | undefined;
  if (c.queue === 'retry') {
    const n = forwarding.retry(c.destination, keys);
    return { event: 'control', id, ok: true, command: 'retry', destination: c.destination, count: n, text: `${c.destination}: ${n} failed entr${n === 1 ? 'y' : 'ies'} back to pending; sending now` };
  }
  const states = c.pending === true ? ['failed', 'pending'] as const : ['failed'] as const;
  const n = forwarding.drop(c.destination, [...states], keys);
  return { event: 'control', id, ok: true, command: 'drop', destination: c.destination, count: n, text: `${c.destination}: ${n} entr${n === 1 ? 'y' : 'ies'} dropped (${states.join(' and ')})` };
}
