/**
 * One DICOM upper layer connection over a TCP or TLS socket, shared by our SCP and SCU: PDU
 * framing with every length bounded before anything is buffered, reassembly of P-DATA
 * fragments into DIMSE messages, and fragmented sending bounded by the peer's maximum PDU.
 *
 * Bytes are not copied per fragment: a PDU that lies inside one socket chunk is a view of it,
 * a dataset is the list of its fragments joined once, and sending writes a 12-byte header plus
 * a view of the caller's dataset for each fragment (corked, so Node hands them to one writev); a
 * command alone (every response) is encoded behind the room for its header and goes in one write.
 * With `datasetHeadroom` (our receiver) each fragment is copied on arrival into reused memory
 * (datasetMemory.ts) with room in front for a file meta, so the receiver copies it no second
 * time; the message's `release` gives that memory back once the handler is done with it.
 */
import type { Socket } from 'node:net';
import { NO_DATASET, decodeCommand, encodeCommand, type Command } from './dimse';
import { giveBackDatasetMemory, growDatasetMemory, takeDatasetMemory } from './datasetMemory';
import { ABORT_REASON, PDATA_HEADER_BYTES, PDU, PduError, decodePdata, encodeAbort, pdataHeader, writePdataHeader } from './pdu';

/** Association-phase PDUs carry contexts and user data: a generous but finite bound. */
const MAX_ASSOCIATE_PDU = 1 << 20;
/** Used when our own max PDU is 0 ("unlimited"): still a bound on one buffered PDU. */
const MAX_UNLIMITED_PDU = 64 << 20;
/** Fragment size when the peer said 0 (unlimited). */
const UNLIMITED_FRAGMENT = 1 << 20;

export interface Message {
  contextId: number;
  command: Command;
  /** The data set bytes exactly as received (undefined when none, or when over the bound). */
  dataset?: Buffer;
  /** Set when the data set was larger than maxDatasetBytes: its size; its bytes were dropped. */
  datasetTooLarge?: number;
  /** Free bytes in front of `dataset` in its own memory (ConnectionLimits datasetHeadroom). */
  headroom: number;
  /**
   * With datasetHeadroom: gives the data set's memory back for the next object. Call it once
   * nothing uses `dataset` (or a view of it) any more; without the call it is garbage-collected.
   */
  release?(): void;
}

export interface ConnectionLimits {
  /** Largest P-DATA-TF PDU we accept (what we told, or will tell, the peer); 0: unlimited. */
  maxReceivePdu: number;
  maxDatasetBytes?: number;
  /**
   * When set, every data set is assembled in memory of its own with this many free bytes in
   * front (for a header the handler adds), reused once released (Message release); otherwise
   * a data set in one fragment stays a view.
   */
  datasetHeadroom?: number;
}

export interface ConnectionHandlers {
  /** Any complete PDU except P-DATA-TF; `body` is the PDU without its 6-byte header. */
  pdu(type: number, body: Buffer): void;
  message(m: Message): void;
  /** Framing or protocol error; the connection has already sent an A-ABORT and is closing. */
  failed(e: PduError, firstBytes?: Buffer): void;
  /** A complete PDU arrived (for idle timers). */
  activity?(): void;
}

export class DicomConnection {
  /** The peer's maximum PDU length (0: unlimited), known after negotiation. */
  peerMaxPdu = 0;
  private chunks: Buffer[] = [];
  private head = 0;
  private buffered = 0;
  private need = 0;
  private type = 0;
  private sawPdu = false;
  private closing = false;
  // The message being reassembled.
  private cmdParts: Buffer[] = [];
  private command: Command | undefined;
  private contextId = -1;
  private dataParts: Buffer[] = [];
  private dataBytes = 0;
  /** With datasetHeadroom: where the data set is assembled (headroom, then its bytes). */
  private assembly: Buffer | undefined;

  constructor(readonly socket: Socket, public limits: ConnectionLimits, private readonly on: ConnectionHandlers) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  get closed(): boolean {
    return this.closing || this.socket.destroyed;
  }

  send(pdu: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(pdu);
  }

  /** Sends a command and its data set, each fragmented to the peer's maximum PDU. */
  sendMessage(contextId: number, command: Buffer, dataset?: Buffer): void {
    if (this.socket.destroyed) return;
    const max = this.peerMaxPdu > 0 ? Math.max(1, this.peerMaxPdu - 6) : UNLIMITED_FRAGMENT;
    const s = this.socket;
    s.cork();
    const fragments = (bytes: Buffer, isCommand: boolean) => {
      if (bytes.length === 0) s.write(pdataHeader(contextId, 0, isCommand, true));
      for (let p = 0; p < bytes.length; p += max) {
        const end = Math.min(bytes.length, p + max);
        s.write(pdataHeader(contextId, end - p, isCommand, end === bytes.length));
        s.write(bytes.subarray(p, end));
      }
    };
    fragments(command, true);
    if (dataset) fragments(dataset, false);
    s.uncork();
  }

  /**
   * Sends a command without a data set (a response, mostly): when it fits one PDU, as one buffer
   * in one write, the P-DATA header written in front of the encoded command.
   */
  sendCommand(contextId: number, command: Command): void {
    if (this.socket.destroyed) return;
    const framed = encodeCommand(command, PDATA_HEADER_BYTES);
    const length = framed.length - PDATA_HEADER_BYTES;
    if (this.peerMaxPdu > 0 && length > this.peerMaxPdu - 6) {
      this.sendMessage(contextId, framed.subarray(PDATA_HEADER_BYTES));
      return;
    }
    this.socket.write(writePdataHeader(framed, contextId, length, true, true));
  }

  /** Sends an A-ABORT and closes; the peer gets a moment to read it, then the socket goes. */
  abort(source: number, reason: number): void {
    if (this.closed) return;
    this.closing = true;
    this.socket.write(encodeAbort(source, reason));
    this.endSoon();
  }

  /** Half-closes now and destroys a little later if the peer does not close its side. */
  endSoon(ms = 1000): void {
    this.closing = true;
    if (this.socket.destroyed) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), ms).unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      for (;;) {
        if (this.need === 0) {
          if (this.buffered < 6) return;
          const h = this.peek(6);
          this.type = h[0];
          this.need = 6 + this.checkHeader(h[0], h.readUInt32BE(2));
        }
        if (this.buffered < this.need) return;
        const length = this.need;
        this.need = 0;
        this.sawPdu = true;
        this.on.activity?.();
        if (this.type === PDU.P_DATA_TF) {
          // Data PDUs are never joined: their PDVs are views of the socket chunks.
          this.skip(6);
          this.onPdata(this.takeViews(length - 6));
        } else {
          this.on.pdu(this.type, this.take(length).subarray(6));
        }
        if (this.closing) return;
      }
    } catch (e) {
      if (!(e instanceof PduError)) throw e;
      const first = this.sawPdu ? undefined : this.peek(Math.min(this.buffered, 16));
      this.abort(2, e.reason);
      this.on.failed(e, first);
    }
  }

  /** Validates a PDU header before a byte of its body is kept; returns the body length. */
  private checkHeader(type: number, length: number): number {
    if (type < PDU.ASSOCIATE_RQ || type > PDU.ABORT) throw new PduError(`unknown PDU type 0x${type.toString(16).padStart(2, '0')}`, ABORT_REASON.unrecognizedPdu);
    if (type === PDU.ASSOCIATE_RQ || type === PDU.ASSOCIATE_AC) {
      if (length > MAX_ASSOCIATE_PDU) throw new PduError(`association PDU of ${length} bytes (at most ${MAX_ASSOCIATE_PDU} accepted)`);
    } else if (type === PDU.P_DATA_TF) {
      const max = this.limits.maxReceivePdu > 0 ? this.limits.maxReceivePdu : MAX_UNLIMITED_PDU;
      if (length > max) throw new PduError(`P-DATA-TF PDU of ${length} bytes, larger than the negotiated maximum of ${max}`);
    } else if (length !== 4) {
      throw new PduError(`PDU type 0x0${type} with a ${length}-byte body (it has 4)`);
    }
    return length;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    for (let i = 0; got < n; i++) {
      const c = i === 0 ? first.subarray(this.head) : this.chunks[i];
      got += c.copy(out, got, 0, Math.min(c.length, n - got));
    }
    return out;
  }

  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[0];
      const avail = c.length - this.head;
      const use = Math.min(avail, n - got);
      c.copy(out, got, this.head, this.head + use);
      got += use;
      this.head += use;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return out;
  }

  private skip(n: number): void {
    this.takeViews(n);
  }

  /** The next n buffered bytes as views of the chunks they lie in (no copy). */
  private takeViews(n: number): Buffer[] {
    this.buffered -= n;
    const out: Buffer[] = [];
    while (n > 0) {
      const c = this.chunks[0];
      const use = Math.min(n, c.length - this.head);
      out.push(c.subarray(this.head, this.head + use));
      this.head += use;
      n -= use;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return out;
  }

  /** Copies a data set fragment to byte `at` of the data set being assembled (after the headroom). */
  private assemble(headroom: number, at: number, fragment: Buffer): void {
    const need = headroom + at + fragment.length;
    const limit = headroom + (this.limits.maxDatasetBytes ?? need);
    this.assembly = this.assembly ? growDatasetMemory(this.assembly, headroom + at, need, limit) : takeDatasetMemory(need);
    fragment.copy(this.assembly, headroom + at);
  }

  private onPdata(body: Buffer[]): void {
    for (const pdv of decodePdata(body)) {
      if (pdv.command) {
        if (this.command) throw new PduError('a command fragment arrived while a data set was expected', ABORT_REASON.unexpectedPdu);
        if (this.cmdParts.length && pdv.contextId !== this.contextId) throw new PduError('command fragments on two presentation contexts', ABORT_REASON.unexpectedPdu);
        this.contextId = pdv.contextId;
        this.cmdParts.push(...pdv.data);
        if (this.cmdParts.reduce((n, p) => n + p.length, 0) > MAX_ASSOCIATE_PDU) throw new PduError('a DIMSE command set larger than 1 MiB');
        if (!pdv.last) continue;
        const command = decodeCommand(this.cmdParts.length === 1 ? this.cmdParts[0] : Buffer.concat(this.cmdParts));
        this.cmdParts = [];
        if (command.dataSetType === NO_DATASET) this.on.message({ contextId: this.contextId, command, headroom: 0 });
        else this.command = command;
      } else {
        if (!this.command) throw new PduError('a data set fragment arrived without its command', ABORT_REASON.unexpectedPdu);
        if (pdv.contextId !== this.contextId) throw new PduError(`data set fragment on presentation context ${pdv.contextId}, its command was on ${this.contextId}`, ABORT_REASON.unexpectedPdu);
        const bound = this.limits.maxDatasetBytes;
        const headroom = this.limits.datasetHeadroom ?? 0;
        for (const d of pdv.data) {
          const at = this.dataBytes;
          this.dataBytes += d.length;
          if (bound !== undefined && this.dataBytes > bound) this.dataParts = [];
          else if (headroom > 0) this.assemble(headroom, at, d);
          else this.dataParts.push(d);
        }
        if (!pdv.last) continue;
        const m: Message = { contextId: this.contextId, command: this.command, headroom: 0 };
        if (bound !== undefined && this.dataBytes > bound) m.datasetTooLarge = this.dataBytes;
        else if (headroom > 0) {
          const memory = this.assembly ?? takeDatasetMemory(headroom);
          this.assembly = undefined;
          m.dataset = memory.subarray(headroom, headroom + this.dataBytes);
          m.headroom = headroom;
          let lent = true;
          m.release = () => {
            if (lent) giveBackDatasetMemory(memory);
            lent = false;
          };
        } else m.dataset = this.dataParts.length === 1 ? this.dataParts[0] : Buffer.concat(this.dataParts, this.dataBytes);
        this.command = undefined;
        this.dataParts = [];
        this.dataBytes = 0;
        this.on.message(m);
      }
      if (this.closing) return;
    }
  }
}

