/**
 * Our SCP against bad peers, over raw sockets on 127.0.0.1: garbage, impossible lengths, a PDU
 * over our max PDU, truncated and unexpected PDUs, a slow-loris sender, a silent associated
 * peer. Each must end in an A-ABORT or a closed connection with the reason recorded — never a
 * crash, a stuck association or an unbounded buffer — and the server must go on serving.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { encodeCommand, COMMAND, NO_DATASET, VERIFICATION_SOP_CLASS } from '../../core/src/net/dimse';
import { PDU, encodeAssociateRq, encodeReleaseRq, pdataHeader } from '../../core/src/net/pdu';
import { runTool, startRecordingScp, type RecordingScp } from './net-helpers';

const LOCAL = '127.0.0.1';
const ECHO_CONTEXT = [{ id: 1, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: ['1.2.840.10008.1.2'] }];

interface RawPeer {
  socket: net.Socket;
  write(b: Buffer): void;
  /** Resolves with every byte received once the server has closed the connection. */
  closed: Promise<Buffer>;
  /** Resolves when at least n bytes have arrived. */
  received(n: number): Promise<Buffer>;
  /** Sends `bytes` one byte every 20 ms (a slow-loris sender) until the server closes the connection; resolves with what arrived and how many bytes went out. */
  drip(bytes: Buffer): Promise<{ got: Buffer; sent: number }>;
}

function rawPeer(port: number): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: LOCAL, port });
    const chunks: Buffer[] = [];
    let waiters: Array<{ n: number; resolve: (b: Buffer) => void }> = [];
    socket.on('data', (d) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      waiters = waiters.filter((w) => (all.length >= w.n ? (w.resolve(all), false) : true));
    });
    socket.on('error', () => undefined);
    const closed = new Promise<Buffer>((r) => socket.once('close', () => r(Buffer.concat(chunks))));
    socket.once('connect', () => resolve({
      socket,
      write: (b) => socket.write(b),
      closed,
      received: (n) => new Promise((r) => {
        const all = Buffer.concat(chunks);
        if (all.length >= n) r(all);
        else waiters.push({ n, resolve: r });
      }),
      drip: async (bytes) => {
        let sent = 0;
        const timer = setInterval(() => {
          if (sent < bytes.length && !socket.destroyed) socket.write(bytes.subarray(sent, ++sent));
        }, 20);
        const got = await closed;
        clearInterval(timer);
        return { got, sent };
      },
    }));
    socket.once('error', reject);
  });
}

/** An A-ABORT PDU from the service provider with this reason. */
const providerAbort = (reason: number) => Buffer.from([PDU.ABORT, 0, 0, 0, 0, 4, 0, 0, 2, reason]);

async function associated(scp: RecordingScp): Promise<RawPeer> {
  const p = await rawPeer(scp.port);
  p.write(encodeAssociateRq({ calledAe: 'PACSW', callingAe: 'RAW', contexts: ECHO_CONTEXT, maxPdu: 16384 }));
  const ac = await p.received(6);
  assert.equal(ac[0], PDU.ASSOCIATE_AC);
  const len = ac.readUInt32BE(2);
  await p.received(6 + len);
  return p;
}

describe('our SCP against malformed and hostile peers', function () {
  this.timeout(30000);
  let scp: RecordingScp;

  before(async () => {
    scp = await startRecordingScp({ maxPdu: 16384, artimTimeoutMs: 400, idleTimeoutMs: 400 });
  });
  after(async () => {
    await scp?.server.close(false);
  });

  afterEach(async function () {
    // Whatever the case did, the server still answers a real echoscu.
    const r = await runTool('echoscu', ['-aec', 'PACSW', LOCAL, String(scp.port)]);
    assert.equal(r.code, 0, `after "${this.currentTest?.title}": ${r.output}`);
  });

  const events = () => scp.closed.length + scp.refused.length;

  it('answers garbage (an HTTP request) with A-ABORT "unrecognised PDU" and closes', async () => {
    const n = events();
    const p = await rawPeer(scp.port);
    p.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    assert.deepEqual(await p.closed, providerAbort(1));
    await scp.ended(n + 1);
    assert.match(scp.refused.at(-1)!, /unknown PDU type 0x47/);
  });

  it('aborts a PDU that claims 0xFFFFFFFF bytes without waiting for them', async () => {
    const n = events();
    const p = await rawPeer(scp.port);
    p.write(Buffer.from([PDU.ASSOCIATE_RQ, 0, 0xff, 0xff, 0xff, 0xff]));
    assert.deepEqual(await p.closed, providerAbort(6));
    await scp.ended(n + 1);
    assert.match(scp.refused.at(-1)!, /association PDU of 4294967295 bytes/);
  });

  it('aborts a P-DATA-TF larger than our max PDU, inside an association', async () => {
    const n = events();
    const p = await associated(scp);
    const header = Buffer.alloc(6);
    header[0] = PDU.P_DATA_TF;
    header.writeUInt32BE(16385, 2);
    p.write(header);
    const got = await p.closed;
    assert.deepEqual(got.subarray(-10), providerAbort(6));
    await scp.ended(n + 1);
    assert.equal(scp.closed.at(-1)!.how, 'aborted-locally');
    assert.match(scp.closed.at(-1)!.detail!, /P-DATA-TF PDU of 16385 bytes, larger than the negotiated maximum of 16384/);
  });

  it('aborts an A-ASSOCIATE-RQ whose items overrun it', async () => {
    const n = events();
    const rq = encodeAssociateRq({ calledAe: 'PACSW', callingAe: 'RAW', contexts: ECHO_CONTEXT, maxPdu: 16384 });
    rq.writeUInt16BE(0x7fff, 6 + 68 + 2); // application context item: 32767 bytes, in a PDU of ~200
    const p = await rawPeer(scp.port);
    p.write(rq);
    assert.deepEqual(await p.closed, providerAbort(6));
    await scp.ended(n + 1);
    assert.match(scp.refused.at(-1)!, /malformed A-ASSOCIATE-RQ .*claims 32767 bytes/);
  });

  it('aborts a PDU that is not expected before association (A-RELEASE-RQ)', async () => {
    const p = await rawPeer(scp.port);
    p.write(encodeReleaseRq());
    assert.deepEqual(await p.closed, providerAbort(2));
  });

  it('aborts a data set fragment that comes without its command', async () => {
    const p = await associated(scp);
    p.write(Buffer.concat([pdataHeader(1, 2, false, true), Buffer.from([0, 0])]));
    const got = await p.closed;
    assert.deepEqual(got.subarray(-10), providerAbort(2));
  });

  it('aborts a command on a presentation context that was not accepted', async () => {
    const n = events();
    const p = await associated(scp);
    const cmd = encodeCommand({ commandField: COMMAND.C_ECHO_RQ, messageId: 1, affectedSopClassUid: VERIFICATION_SOP_CLASS, dataSetType: NO_DATASET });
    p.write(Buffer.concat([pdataHeader(7, cmd.length, true, true), cmd]));
    const got = await p.closed;
    assert.deepEqual(got.subarray(-10), providerAbort(5));
    await scp.ended(n + 1);
    assert.match(scp.closed.at(-1)!.detail!, /presentation context 7, which was not accepted/);
  });

  it('cleans up after a truncated A-ASSOCIATE-RQ and a closed connection', async () => {
    const n = events();
    const rq = encodeAssociateRq({ calledAe: 'PACSW', callingAe: 'RAW', contexts: ECHO_CONTEXT, maxPdu: 16384 });
    const p = await rawPeer(scp.port);
    p.write(rq.subarray(0, 40));
    p.socket.end();
    await p.closed;
    await scp.ended(n + 1);
    assert.match(scp.refused.at(-1)!, /closed the connection before its A-ASSOCIATE-RQ was complete/);
  });

  it('cuts off a slow-loris sender when ARTIM expires before its A-ASSOCIATE-RQ is complete', async () => {
    const n = events();
    const rq = encodeAssociateRq({ calledAe: 'PACSW', callingAe: 'SLOW', contexts: ECHO_CONTEXT, maxPdu: 16384 });
    const { got, sent } = await (await rawPeer(scp.port)).drip(rq);
    assert.ok(sent < rq.length, 'the whole request got through; the case proves nothing');
    assert.equal(got.length, 0, 'no A-ASSOCIATE-AC for a request never completed');
    await scp.ended(n + 1);
    assert.match(scp.refused.at(-1)!, /no A-ASSOCIATE-RQ from 127\.0\.0\.1:\d+ within 400 ms \(ARTIM\)/);
    assert.ok(!scp.requests.some((r) => r.callingAe === 'SLOW'));
  });

  it('aborts an association whose peer goes silent (idle timer), and reports a timeout', async () => {
    const n = events();
    const p = await associated(scp);
    const got = await p.closed;
    assert.deepEqual(got.subarray(-10), providerAbort(0));
    await scp.ended(n + 1);
    assert.equal(scp.closed.at(-1)!.how, 'timeout');
    assert.match(scp.closed.at(-1)!.detail!, /no PDU from 127\.0\.0\.1:\d+ within 400 ms; sent A-ABORT/);
  });

  it('cuts off a slow-loris sender inside an association: the idle timer waits for complete PDUs, not bytes', async () => {
    const n = events();
    const p = await associated(scp);
    const cmd = encodeCommand({ commandField: COMMAND.C_ECHO_RQ, messageId: 1, affectedSopClassUid: VERIFICATION_SOP_CLASS, dataSetType: NO_DATASET });
    const pdu = Buffer.concat([pdataHeader(1, cmd.length, true, true), cmd]);
    const { got, sent } = await p.drip(pdu);
    assert.ok(sent < pdu.length, 'the whole PDU got through; the case proves nothing');
    assert.deepEqual(got.subarray(-10), providerAbort(0));
    await scp.ended(n + 1);
    assert.equal(scp.closed.at(-1)!.how, 'timeout');
  });

  it('reports an A-ABORT from the peer as aborted-by-peer', async () => {
    const n = events();
    const p = await associated(scp);
    p.write(Buffer.from([PDU.ABORT, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
    await p.closed;
    await scp.ended(n + 1);
    assert.equal(scp.closed.at(-1)!.how, 'aborted-by-peer');
  });

  it('survives a closed() handler that throws: the server goes on serving', async () => {
    const fragile = await startRecordingScp({}, { closed: () => { throw new Error('handler bug'); } });
    try {
      const first = await runTool('echoscu', ['-aec', 'PACSW', LOCAL, String(fragile.port)]);
      assert.equal(first.code, 0, first.output);
      await fragile.ended(1);
      const second = await runTool('echoscu', ['-aec', 'PACSW', LOCAL, String(fragile.port)]);
      assert.equal(second.code, 0, second.output);
    } finally {
      await fragile.server.close(false);
    }
  });
});
