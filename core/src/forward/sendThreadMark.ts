/**
 * Tells the sending thread of `pacsw serve` (sendThread.ts) from pacsw's other threads by its
 * workerData, without loading the sending code: the CLI's entry asks at every start.
 */
import { isMainThread, workerData } from 'node:worker_threads';

/** What startSendThread puts in its thread's workerData. */
export interface SendThreadMark {
  pacswSendThread: true;
}

/** True in a thread started by startSendThread. */
export function isSendThread(): boolean {
  return !isMainThread && (workerData as Partial<SendThreadMark> | undefined)?.pacswSendThread === true;
}
