/**
 * Our SCP: accepts associations on a TCP or TLS port, asks `handlers.associate` about each,
 * answers C-ECHO and hands every C-STORE data set (the received bytes) to `handlers.store`,
 * whose result becomes the C-STORE-RSP. Timers: ARTIM until a complete A-ASSOCIATE-RQ and
 * after release or rejection; an idle timer between complete PDUs (paused while we store).
 * A malformed or unexpected PDU is answered with an A-ABORT; nothing a peer sends can throw.
 */
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { DicomConnection, type Message } from './connection';
import { COMMAND, NO_DATASET, type Command } from './dimse';
import {
  ABORT_REASON, APPLICATION_CONTEXT, PDU, PduError,
  checkReleaseBody, decodeAbort, decodeAssociateRq, describeAbort, encodeAssociateAc, encodeAssociateRj, encodeReleaseRp,
  type ContextResult,
} from './pdu';
import type {
  Association, AssociationDecision, AssociationRequest, CloseReason, ContextDecision, ScpHandlers, ScpOptions, ScpServer, StoreResult,
} from './types';

const CONTEXT_RESULT: Record<ContextDecision['result'], number> = {
  'accept': 0, 'user-rejection': 1, 'no-reason': 2, 'abstract-syntax-not-supported': 3, 'transfer-syntaxes-not-supported': 4,
};
const REJECT_RESULT = { 'rejected-permanent': 1, 'rejected-transient': 2 } as const;
const REJECT_SOURCE = { 'service-user': 1, 'service-provider-acse': 2, 'service-provider-presentation': 3 } as const;

/** C-STORE status values we send on our own (PS3.4 Annex B.2.3). */
const STATUS_OUT_OF_RESOURCES = 0xa700;
const STATUS_PROCESSING_FAILURE = 0x0110;
const STATUS_UNRECOGNIZED_OPERATION = 0x0211;

/** Without a configured bound, one data set in memory stays under 2 GiB (Node's Buffers go to 4). */
export const DEFAULT_MAX_DATASET_BYTES = 2 ** 31 - 1;

const plainAddress = (a: string | undefined): string => (a ?? '').replace(/^::ffff:/, '');

/**
 * Runs a notification handler: its failure must not take the server down (it would surface
 * inside a socket event). Reported once on stderr, in words.
 */
function notify(call: () => void): void {
  try {
    call();
  } catch (e) {
    process.stderr.write(`pacsw: a DICOM network event handler failed: ${(e as Error).stack ?? String(e)}\n`);
  }
}

type State = 'awaiting-request' | 'negotiating' | 'associated' | 'releasing' | 'ended';

class ScpSession {
  private state: State = 'awaiting-request';
  private readonly conn: DicomConnection;
  private timer: NodeJS.Timeout | undefined;
  private association: Association | undefined;
  private work: Promise<void> = Promise.resolve();
  private busy = 0;
  private stopping = false;
  private readonly peer: { address: string; port: number };
  readonly done: Promise<void>;

  constructor(readonly socket: net.Socket, private readonly options: ScpOptions, private readonly handlers: ScpHandlers, private readonly isTls: boolean) {
    this.peer = { address: plainAddress(socket.remoteAddress), port: socket.remotePort ?? 0 };
    this.conn = new DicomConnection(socket, { maxReceivePdu: options.maxPdu, maxDatasetBytes: options.maxDatasetBytes ?? DEFAULT_MAX_DATASET_BYTES, datasetHeadroom: options.datasetHeadroom }, {
      pdu: (type, body) => this.onPdu(type, body),
      message: (m) => this.onMessage(m),
      failed: (e) => this.ended('aborted-locally', `protocol error from ${this.where}: ${e.message}; sent A-ABORT`),
      activity: () => this.armIdle(),
    });
    this.arm(options.artimTimeoutMs, () => {
      this.ended('timeout', `no A-ASSOCIATE-RQ from ${this.where} within ${options.artimTimeoutMs} ms (ARTIM)`);
      socket.destroy();
    });
    let lastError: Error | undefined;
    socket.on('error', (e) => (lastError = e));
    this.done = new Promise((resolve) => socket.once('close', () => {
      this.clearTimer();
      if (this.state === 'releasing') this.ended('released');
      else if (lastError) this.ended('network-error', lastError.message);
      else if (this.state === 'awaiting-request') this.ended('network-error', `${this.where} closed the connection before its A-ASSOCIATE-RQ was complete`);
      else this.ended('network-error', `${this.where} closed the connection without releasing the association`);
      resolve();
    }));
  }

  private get where(): string {
    return `${this.peer.address}:${this.peer.port}`;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number, fire: () => void): void {
    this.clearTimer();
    if (ms > 0) this.timer = setTimeout(fire, ms);
  }

  /** Idle timer within an association: from one complete PDU to the next, never while we work. */
  private armIdle(): void {
    if (this.state !== 'associated' || this.busy > 0) return;
    this.arm(this.options.idleTimeoutMs, () => {
      this.conn.abort(2, ABORT_REASON.notSpecified);
      this.ended('timeout', `no PDU from ${this.where} within ${this.options.idleTimeoutMs} ms; sent A-ABORT`);
    });
  }

  /** Reports the end once: to `closed` for an association, to `refused` for a connection that never was one. */
  private ended(how: CloseReason, detail?: string): void {
    if (this.state === 'ended') return;
    const wasAssociated = this.association && this.state !== 'awaiting-request' && this.state !== 'negotiating';
    this.state = 'ended';
    this.clearTimer();
    if (wasAssociated) notify(() => this.handlers.closed?.(this.association!, how, detail));
    else if (how !== 'released') notify(() => this.handlers.refused?.(this.peer, detail ?? how));
  }

  private abortProtocol(e: PduError): never {
    throw e; // caught by the connection, which sends the A-ABORT and calls failed()
  }

  private onPdu(type: number, body: Buffer): void {
    switch (this.state) {
      case 'awaiting-request':
        if (type !== PDU.ASSOCIATE_RQ) this.abortProtocol(new PduError(`expected A-ASSOCIATE-RQ, got PDU type 0x0${type}`, ABORT_REASON.unexpectedPdu));
        this.state = 'negotiating';
        this.clearTimer();
        void this.negotiate(body);
        return;
      case 'associated':
      case 'releasing':
        if (type === PDU.RELEASE_RQ) {
          checkReleaseBody(body, type);
          this.state = 'releasing';
          this.clearTimer();
          // Answer the objects in hand first, then the release.
          void this.work.then(() => {
            if (this.conn.closed) return;
            this.conn.send(encodeReleaseRp());
            this.conn.endSoon(this.options.artimTimeoutMs);
          });
          return;
        }
        if (type === PDU.ABORT) {
          const a = decodeAbort(body);
          this.ended('aborted-by-peer', describeAbort(a));
          this.socket.destroy();
          return;
        }
        this.abortProtocol(new PduError(`unexpected PDU type 0x0${type} in an established association`, ABORT_REASON.unexpectedPdu));
        return;
      default:
        if (type === PDU.ABORT) {
          this.ended('aborted-by-peer', describeAbort(decodeAbort(body)));
          this.socket.destroy();
          return;
        }
        this.abortProtocol(new PduError(`unexpected PDU type 0x0${type} while the association is being negotiated`, ABORT_REASON.unexpectedPdu));
    }
  }

  private async negotiate(body: Buffer): Promise<void> {
    let rq;
    try {
      rq = decodeAssociateRq(body);
    } catch (e) {
      if (!(e instanceof PduError)) throw e;
      this.conn.abort(2, e.reason);
      this.ended('aborted-locally', `malformed A-ASSOCIATE-RQ from ${this.where}: ${e.message}; sent A-ABORT`);
      return;
    }
    const request: AssociationRequest = {
      callingAe: rq.callingAe, calledAe: rq.calledAe,
      peer: { ...this.peer, tls: this.isTls },
      maxPdu: rq.maxPdu,
      contexts: rq.contexts,
      userIdentity: rq.userIdentity,
      implementationClassUid: rq.implementationClassUid,
      implementationVersion: rq.implementationVersion,
    };
    let decision: AssociationDecision;
    if ((rq.protocolVersion & 1) === 0) {
      decision = { accept: false, result: 'rejected-permanent', source: 'service-provider-acse', reason: 2, why: `protocol version 0x${rq.protocolVersion.toString(16)} not supported` };
    } else if (rq.applicationContext !== APPLICATION_CONTEXT) {
      decision = { accept: false, result: 'rejected-permanent', source: 'service-user', reason: 2, why: `application context ${rq.applicationContext || '(none)'} not supported` };
    } else {
      try {
        decision = await this.handlers.associate(request);
      } catch (e) {
        decision = { accept: false, result: 'rejected-transient', source: 'service-user', reason: 1, why: `the association handler failed: ${(e as Error).message}` };
      }
    }
    if (this.conn.closed || this.state !== 'negotiating') return;
    if (!decision.accept) {
      this.conn.send(encodeAssociateRj({ result: REJECT_RESULT[decision.result], source: REJECT_SOURCE[decision.source], reason: decision.reason }));
      this.ended('aborted-locally', `rejected ${rq.callingAe} → ${rq.calledAe} from ${this.where}: ${decision.why}`);
      this.conn.endSoon(this.options.artimTimeoutMs);
      return;
    }
    const results: ContextResult[] = [];
    const accepted = new Map<number, { abstractSyntax: string; transferSyntax: string }>();
    for (const proposal of rq.contexts) {
      const d = decision.contexts.find((c) => c.id === proposal.id);
      if (d?.result === 'accept' && proposal.transferSyntaxes.includes(d.transferSyntax)) {
        results.push({ id: proposal.id, result: 0, transferSyntax: d.transferSyntax });
        accepted.set(proposal.id, { abstractSyntax: proposal.abstractSyntax, transferSyntax: d.transferSyntax });
      } else {
        const result = d === undefined ? 'abstract-syntax-not-supported' : d.result === 'accept' ? 'transfer-syntaxes-not-supported' : d.result;
        results.push({ id: proposal.id, result: CONTEXT_RESULT[result], transferSyntax: '' });
      }
    }
    this.conn.peerMaxPdu = rq.maxPdu;
    this.conn.limits = { ...this.conn.limits, maxReceivePdu: decision.maxPdu };
    this.conn.send(encodeAssociateAc({ calledAe: rq.calledAe, callingAe: rq.callingAe, contexts: results, maxPdu: decision.maxPdu }));
    this.association = { id: randomUUID(), request, acceptedContexts: accepted };
    this.state = 'associated';
    this.armIdle();
  }

  private onMessage(m: Message): void {
    if (this.state !== 'associated') throw new PduError('P-DATA-TF after A-RELEASE-RQ', ABORT_REASON.unexpectedPdu);
    const context = this.association!.acceptedContexts.get(m.contextId);
    if (!context) throw new PduError(`P-DATA-TF on presentation context ${m.contextId}, which was not accepted`, ABORT_REASON.unexpectedParameter);
    this.busy++;
    this.clearTimer();
    this.work = this.work.then(async () => {
      try {
        if (!this.stopping && !this.conn.closed) await this.answer(m, context.transferSyntax);
      } finally {
        m.release?.();
        this.busy--;
        this.armIdle();
      }
    });
  }

  private async answer(m: Message, transferSyntaxUid: string): Promise<void> {
    const c = m.command;
    if (c.commandField === COMMAND.C_ECHO_RQ) {
      let status = 0;
      try {
        status = this.handlers.echo?.(this.association!) ?? 0;
      } catch {
        status = STATUS_PROCESSING_FAILURE;
      }
      this.respond(m.contextId, { commandField: COMMAND.C_ECHO_RSP, messageIdBeingRespondedTo: c.messageId, affectedSopClassUid: c.affectedSopClassUid, dataSetType: NO_DATASET, status });
      return;
    }
    if (c.commandField === COMMAND.C_STORE_RQ) {
      let result: StoreResult;
      if (m.datasetTooLarge !== undefined) {
        result = { status: STATUS_OUT_OF_RESOURCES, errorComment: `data set of ${m.datasetTooLarge} bytes exceeds the limit of ${this.options.maxDatasetBytes ?? DEFAULT_MAX_DATASET_BYTES}` };
      } else if (!m.dataset || !c.affectedSopInstanceUid || !c.affectedSopClassUid) {
        result = { status: STATUS_PROCESSING_FAILURE, errorComment: 'C-STORE-RQ without SOP class, SOP instance or data set' };
      } else {
        try {
          result = await this.handlers.store({
            association: this.association!, contextId: m.contextId, messageId: c.messageId ?? 0,
            sopClassUid: c.affectedSopClassUid, sopInstanceUid: c.affectedSopInstanceUid, transferSyntaxUid,
            priority: c.priority ?? 0,
            moveOriginator: c.moveOriginatorAe ? { ae: c.moveOriginatorAe, messageId: c.moveOriginatorMessageId ?? 0 } : undefined,
            dataset: m.dataset, headroom: m.headroom,
          });
        } catch (e) {
          result = { status: STATUS_PROCESSING_FAILURE, errorComment: (e as Error).message };
        }
      }
      this.respond(m.contextId, {
        commandField: COMMAND.C_STORE_RSP, messageIdBeingRespondedTo: c.messageId, affectedSopClassUid: c.affectedSopClassUid,
        affectedSopInstanceUid: c.affectedSopInstanceUid, dataSetType: NO_DATASET, status: result.status, errorComment: result.errorComment,
      });
      return;
    }
    if ((c.commandField & 0x8000) === 0) {
      this.respond(m.contextId, { commandField: c.commandField | 0x8000, messageIdBeingRespondedTo: c.messageId, affectedSopClassUid: c.affectedSopClassUid, dataSetType: NO_DATASET, status: STATUS_UNRECOGNIZED_OPERATION });
    }
  }

  private respond(contextId: number, command: Command): void {
    this.conn.sendCommand(contextId, command);
  }

  /** Stops taking new work; graceful: answers what is in hand first. Resolves when the socket is gone. */
  async stop(graceful: boolean): Promise<void> {
    this.stopping = true;
    if (graceful) await this.work;
    if (this.state === 'releasing') {
      await Promise.race([this.done, new Promise((r) => setTimeout(r, 200).unref())]);
    }
    if (!this.socket.destroyed) {
      this.conn.abort(0, 0);
      this.ended('aborted-locally', 'the receiver is shutting down');
      this.socket.destroy();
    }
    await this.done;
  }

}

/** Starts listening; resolves once the port is bound. */
export function listen(options: ScpOptions, handlers: ScpHandlers): Promise<ScpServer> {
  const sessions = new Set<ScpSession>();
  let closing = false;
  const accept = (socket: net.Socket, isTls: boolean) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const session = new ScpSession(socket, options, handlers, isTls);
    sessions.add(session);
    void session.done.then(() => sessions.delete(session));
  };
  const server: net.Server = options.tls
    ? tls.createServer({ ...options.tls, handshakeTimeout: options.artimTimeoutMs || 120000 }, (s) => accept(s, true))
    : net.createServer((s) => accept(s, false));
  if (options.tls) {
    server.on('tlsClientError', (e: Error, s: tls.TLSSocket) => {
      notify(() => handlers.refused?.({ address: plainAddress(s.remoteAddress), port: s.remotePort ?? 0 }, `TLS handshake failed: ${e.message}`));
      s.destroy();
    });
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        async close(graceful: boolean) {
          closing = true;
          const closed = new Promise<void>((r) => server.close(() => r()));
          await Promise.all([...sessions].map((s) => s.stop(graceful)));
          await closed;
        },
      });
    });
  });
}
