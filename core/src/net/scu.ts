/**
 * Our SCU: opens an association (TCP or TLS), then C-ECHO and C-STORE one at a time, each
 * data set sent as the caller's bytes. Every wait is bounded by `timeoutMs`; every failure is
 * a NetError with a kind and a message in words, and every way out destroys the socket, so a
 * silent or misbehaving peer can neither hang the caller nor keep the process alive.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { DicomConnection, type Message } from './connection';
import { COMMAND, NO_DATASET, VERIFICATION_SOP_CLASS, encodeCommand, type Command } from './dimse';
import { NetError, describeNonDicom } from './errors';
import {
  PDU, checkReleaseBody, decodeAbort, decodeAssociateAc, decodeAssociateRj, describeAbort, describeRejection,
  encodeAssociateRq, encodeReleaseRq,
} from './pdu';
import { isTlsError } from './tls';
import type { ScuAssociation, ScuOptions, StoreResult } from './types';

interface Pending {
  expect: number;
  messageId: number;
  resolve(c: Command): void;
  reject(e: NetError): void;
}

function socketError(e: Error & { code?: string }, where: string, tlsUp: boolean, wantTls: boolean): NetError {
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return new NetError('refused', `connection refused by ${where} (nothing listens on that port)`);
  if (/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_NODATA|EAI_FAIL)$/.test(code)) return new NetError('dns', `host name could not be resolved: ${where} (${code})`);
  if (wantTls && !tlsUp && (isTlsError(e) || code === 'ECONNRESET')) return new NetError('tls', `TLS failure: ${e.message} (${where})`);
  if (code === 'ETIMEDOUT') return new NetError('timeout', `connection to ${where} timed out`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new NetError('closed', `the peer at ${where} reset the connection`);
  return new NetError('closed', `network error with ${where}: ${e.message}`);
}

/**
 * PDVs carry even lengths (DCMTK aborts on an odd fragment). A data set of odd length can only
 * be a deflated bitstream, which PS3.5 A.5 pads with one trailing NUL: that is what we add.
 */
function evenLength(dataset: Buffer): Buffer {
  return dataset.length % 2 === 0 ? dataset : Buffer.concat([dataset, Buffer.alloc(1)]);
}

export function connect(options: ScuOptions): Promise<ScuAssociation> {
  const where = `${options.host}:${options.port}`;
  if (options.signal?.aborted) return Promise.reject(new NetError('aborted', 'cancelled'));
  return new Promise<ScuAssociation>((resolveConnect, rejectConnect) => {
    let phase: 'connecting' | 'requesting' | 'associated' | 'releasing' | 'ended' = 'connecting';
    let timer: NodeJS.Timeout | undefined;
    let pending: Pending | undefined;
    let failure: NetError | undefined;
    let releaseDone: (() => void) | undefined;
    let tlsUp = false;
    let messageId = 0;
    let queue: Promise<unknown> = Promise.resolve();

    const socket: net.Socket = options.tls
      ? tls.connect({ ...options.tls, host: options.host, port: options.port, servername: net.isIP(options.host) ? undefined : options.host })
      : net.connect({ host: options.host, port: options.port });

    const stopTimer = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    const startTimer = (what: string) => {
      stopTimer();
      timer = setTimeout(() => {
        if (phase === 'associated' || phase === 'releasing') conn.abort(0, 0);
        end(new NetError('timeout', `no answer from ${where} within ${options.timeoutMs} ms (${what})`));
      }, options.timeoutMs);
    };

    /** The one way out: settles whatever waits, destroys the socket. */
    const end = (e: NetError | undefined) => {
      if (phase === 'ended') return;
      const before = phase;
      phase = 'ended';
      failure = e ?? new NetError('closed', `the association with ${where} has ended`);
      stopTimer();
      options.signal?.removeEventListener('abort', onSignal);
      if (!socket.destroyed) {
        if (conn.closed) setTimeout(() => socket.destroy(), 200).unref();
        else socket.destroy();
      }
      if (before === 'connecting' || before === 'requesting') rejectConnect(failure);
      if (pending) {
        const p = pending;
        pending = undefined;
        p.reject(failure);
      }
      if (releaseDone) {
        const r = releaseDone;
        releaseDone = undefined;
        if (e) failure = e;
        r();
      }
    };

    const onSignal = () => {
      if (phase === 'associated' || phase === 'releasing') conn.abort(0, 0);
      end(new NetError('aborted', 'cancelled'));
    };
    options.signal?.addEventListener('abort', onSignal, { once: true });

    const conn = new DicomConnection(socket, { maxReceivePdu: options.maxPdu }, {
      pdu: (type, body) => onPdu(type, body),
      message: (m) => onMessage(m),
      failed: (e, first) => {
        if (first && phase === 'requesting') end(new NetError('not-dicom', describeNonDicom(first, where)));
        else end(new NetError('protocol', `protocol error from ${where}: ${e.message}; sent A-ABORT`));
      },
    });

    const contexts = new Map(options.contexts.map((c) => [c.id, c]));
    const association: ScuAssociation = {
      acceptedContexts: new Map(),
      maxPdu: 0,
      echo: () => enqueue(async () => {
        const id = contextFor(VERIFICATION_SOP_CLASS);
        const rsp = await request(id, { commandField: COMMAND.C_ECHO_RQ, affectedSopClassUid: VERIFICATION_SOP_CLASS, dataSetType: NO_DATASET }, undefined, COMMAND.C_ECHO_RSP, 'C-ECHO');
        return rsp.status ?? 0xffff;
      }),
      store: (o) => enqueue(async (): Promise<StoreResult> => {
        const id = contextFor(o.sopClassUid, o.transferSyntaxUid);
        const rsp = await request(id, {
          commandField: COMMAND.C_STORE_RQ, affectedSopClassUid: o.sopClassUid, affectedSopInstanceUid: o.sopInstanceUid,
          priority: o.priority ?? 0, dataSetType: 0x0000,
        }, evenLength(o.dataset), COMMAND.C_STORE_RSP, 'C-STORE');
        return rsp.errorComment ? { status: rsp.status ?? 0xffff, errorComment: rsp.errorComment } : { status: rsp.status ?? 0xffff };
      }),
      release: () => enqueue(() => new Promise<void>((resolve, reject) => {
        if (phase !== 'associated') return reject(failure ?? new NetError('closed', `the association with ${where} has ended`));
        phase = 'releasing';
        releaseDone = () => (failure && failure.kind !== 'closed' ? reject(failure) : resolve());
        conn.send(encodeReleaseRq());
        startTimer('A-RELEASE-RP');
      })),
      abort: () => {
        if (phase === 'ended') return;
        if (phase === 'associated' || phase === 'releasing') conn.abort(0, 0);
        end(new NetError('aborted', 'aborted locally'));
      },
    };

    function enqueue<T>(op: () => Promise<T>): Promise<T> {
      const run = queue.then(() => {
        if (phase !== 'associated') throw failure ?? new NetError('closed', `the association with ${where} has ended`);
        return op();
      });
      queue = run.catch(() => undefined);
      return run;
    }

    function contextFor(abstractSyntax: string, transferSyntax?: string): number {
      let sameClass: string | undefined;
      for (const [id, c] of association.acceptedContexts) {
        if (c.abstractSyntax !== abstractSyntax) continue;
        if (transferSyntax === undefined || c.transferSyntax === transferSyntax) return id;
        sameClass = c.transferSyntax;
      }
      if (sameClass) {
        throw new NetError('rejected', `${where} accepted SOP class ${abstractSyntax} only in transfer syntax ${sameClass}, not ${transferSyntax}; data sets are sent as they are, never converted`);
      }
      throw new NetError('rejected', `${where} did not accept SOP class ${abstractSyntax}${transferSyntax ? ` in transfer syntax ${transferSyntax}` : ''}`);
    }

    function request(contextId: number, command: Command, dataset: Buffer | undefined, expect: number, what: string): Promise<Command> {
      messageId = (messageId % 0xffff) + 1;
      const id = messageId;
      return new Promise<Command>((resolve, reject) => {
        pending = { expect, messageId: id, resolve, reject };
        conn.sendMessage(contextId, encodeCommand({ ...command, messageId: id }), dataset);
        startTimer(`${what}-RSP`);
      });
    }

    function onMessage(m: Message): void {
      const c = m.command;
      if (!pending || c.commandField !== pending.expect || c.messageIdBeingRespondedTo !== pending.messageId) return;
      const p = pending;
      pending = undefined;
      stopTimer();
      p.resolve(c);
    }

    function onPdu(type: number, body: Buffer): void {
      if (type === PDU.ABORT) {
        end(new NetError('aborted', `${describeAbort(decodeAbort(body))} (${where})`));
        return;
      }
      if (phase === 'requesting') {
        if (type === PDU.ASSOCIATE_RJ) {
          const rj = decodeAssociateRj(body);
          // As the requestor we close the transport at once (PS3.8 9.2.3): a peer such as a
          // single-process storescp serves nobody else until we do.
          end(new NetError('rejected', describeRejection(rj)));
          return;
        }
        if (type === PDU.ASSOCIATE_AC) {
          const ac = decodeAssociateAc(body);
          for (const c of ac.contexts) {
            const proposed = contexts.get(c.id);
            if (c.result === 0 && proposed && proposed.transferSyntaxes.includes(c.transferSyntax)) {
              association.acceptedContexts.set(c.id, { abstractSyntax: proposed.abstractSyntax, transferSyntax: c.transferSyntax });
            }
          }
          association.maxPdu = ac.maxPdu;
          conn.peerMaxPdu = ac.maxPdu;
          phase = 'associated';
          stopTimer();
          resolveConnect(association);
          return;
        }
      } else if (phase === 'releasing' && type === PDU.RELEASE_RP) {
        checkReleaseBody(body, type);
        end(undefined);
        return;
      } else if (phase === 'releasing' && type === PDU.RELEASE_RQ) {
        return; // release collision: our A-RELEASE-RP wait covers it
      }
      conn.abort(2, 2);
      end(new NetError('protocol', `unexpected PDU type 0x0${type} from ${where}; sent A-ABORT`));
    }

    let lastError: (Error & { code?: string }) | undefined;
    socket.on('error', (e: Error & { code?: string }) => {
      lastError = e;
      end(socketError(e, where, tlsUp, !!options.tls));
    });
    socket.once('close', () => {
      if (phase === 'releasing') return end(undefined);
      if (lastError) return end(socketError(lastError, where, tlsUp, !!options.tls));
      if (options.tls && !tlsUp) return end(new NetError('tls', `TLS failure: the peer at ${where} closed the connection during the TLS handshake`));
      if (phase === 'requesting' || phase === 'connecting') return end(new NetError('closed', `the peer at ${where} closed the connection before answering the association request`));
      end(new NetError('closed', `the peer at ${where} closed the connection without releasing the association`));
    });
    const associate = () => {
      phase = 'requesting';
      startTimer('A-ASSOCIATE-AC');
      conn.send(encodeAssociateRq({ calledAe: options.calledAe, callingAe: options.callingAe, contexts: options.contexts, maxPdu: options.maxPdu }));
    };
    startTimer('connect');
    if (options.tls) socket.once('secureConnect', () => {
      tlsUp = true;
      associate();
    });
    else socket.once('connect', associate);
  });
}
