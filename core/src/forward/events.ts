/**
 * What the forwarder reports as it works, one event per step of an object's way to a
 * destination, and the throttled queue status. `pacsw serve --json` prints them among the
 * receiver's events (core/src/receiver/types.ts); the Traffic view's queue section reads them.
 */
import type { ReceiverEvent } from '../receiver/types';
import type { DestinationStatus } from './forwarder';

export type ForwardEvent =
  /** The object is durably queued for these destinations (before its C-STORE was answered). */
  | { event: 'forward'; time: string; status: 'queued'; key: string; sopInstanceUid: string; destinations: string[] }
  /** The destination took it (a warning status counts as taken, and says so). */
  | { event: 'forward'; time: string; status: 'sent'; key: string; sopInstanceUid: string; destination: string; warning?: string }
  /** The destination or the network failed; nothing is lost, the queue waits until `nextRetryAt`. */
  | { event: 'forward'; time: string; status: 'retry'; destination: string; reason: string; attempt: number; nextRetryAt: string }
  /** Refused for good: moved to the failed list with the reason (`pacsw queue retry` brings it back). */
  | { event: 'forward'; time: string; status: 'failed'; key: string; sopInstanceUid: string; destination: string; reason: string; dimseStatus?: number }
  /** Depth, last error and next retry per destination; at most every half second while it changes. */
  | { event: 'queue'; time: string; destinations: DestinationStatus[] }
  /** The answer to a queue command read from stdin (`pacsw serve --control`): what it did, or why not. */
  | { event: 'control'; time: string; id?: string | number; ok: true; command: 'retry' | 'drop'; destination: string; count: number; text: string }
  | { event: 'control'; time: string; id?: string | number; ok: false; error: string };

/** The event stream of the receiving node, `pacsw serve --json`: the receiver's and the forwarder's. */
export type NodeEvent = ReceiverEvent | ForwardEvent;
