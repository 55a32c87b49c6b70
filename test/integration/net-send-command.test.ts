/**
 * DicomConnection.sendCommand, how our SCP answers every C-STORE and C-ECHO: the command set is
 * encoded with room in front for its P-DATA header and goes out as one PDU in one write, unless
 * the peer's maximum PDU is too small for it, when it is fragmented like any message. Checked on
 * the bytes a real loopback socket carries and on what a receiving DicomConnection decodes.
 */
import * as assert from 'node:assert/strict';
import { DicomConnection, type Message } from '../../core/src/net/connection';
import { COMMAND, NO_DATASET, decodeCommand, type Command } from '../../core/src/net/dimse';
import { PDU } from '../../core/src/net/pdu';
import { loopbackSockets } from './net-helpers';

/** A sending DicomConnection and the raw bytes its peer socket receives, also decoded by a receiving one. */
async function pair(): Promise<{ sender: DicomConnection; bytes(n: number): Promise<Buffer>; message(): Promise<Message>; close(): void }> {
  const { client, accepted: socket, close } = await loopbackSockets();
  let raw = Buffer.alloc(0);
  const rawWaiters: Array<() => void> = [];
  const messages: Message[] = [];
  const failures: string[] = [];
  const receiver = new DicomConnection(client, { maxReceivePdu: 0 }, {
    pdu: (type) => failures.push(`unexpected PDU ${type}`),
    message: (m) => messages.push(m),
    failed: (e) => failures.push(e.message),
  });
  receiver.socket.prependListener('data', (chunk: Buffer) => {
    raw = Buffer.concat([raw, chunk]);
    rawWaiters.splice(0).forEach((w) => w());
  });
  const sender = new DicomConnection(socket, { maxReceivePdu: 0 }, { pdu: () => undefined, message: () => undefined, failed: () => undefined });
  const until = async (ok: () => boolean): Promise<void> => {
    while (!ok()) await new Promise<void>((r) => rawWaiters.push(r));
  };
  return {
    sender,
    bytes: async (n) => {
      await until(() => raw.length >= n);
      return raw;
    },
    message: async () => {
      await until(() => messages.length > 0);
      assert.deepEqual(failures, []);
      return messages.shift()!;
    },
    close,
  };
}

/** The P-DATA-TF PDUs in `b`: each PDU's PDVs as [context, control, value]. */
function pdus(b: Buffer): Array<Array<[number, number, Buffer]>> {
  const out: Array<Array<[number, number, Buffer]>> = [];
  for (let p = 0; p < b.length;) {
    assert.equal(b[p], PDU.P_DATA_TF);
    const end = p + 6 + b.readUInt32BE(p + 2);
    const pdvs: Array<[number, number, Buffer]> = [];
    for (let q = p + 6; q < end;) {
      const length = b.readUInt32BE(q);
      pdvs.push([b[q + 4], b[q + 5], b.subarray(q + 6, q + 4 + length)]);
      q += 4 + length;
    }
    out.push(pdvs);
    p = end;
  }
  return out;
}

// Odd-length UIDs and error comment: each is padded (UI with NUL, the comment with a space).
const RSP: Command = {
  commandField: COMMAND.C_STORE_RSP, messageIdBeingRespondedTo: 7, affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  affectedSopInstanceUid: '2.25.12345', dataSetType: NO_DATASET, status: 0xc000, errorComment: 'cannot read',
};

describe('net: a command sent on its own (sendCommand)', function () {
  this.timeout(20000);

  it('goes out as one PDU with one command PDV marked last, and decodes to what was sent', async () => {
    const p = await pair();
    try {
      p.sender.sendCommand(3, RSP);
      const message = await p.message();
      assert.deepEqual(message.command, RSP);
      assert.equal(message.contextId, 3);
      const wire = pdus(await p.bytes(1));
      assert.equal(wire.length, 1, 'one PDU');
      assert.equal(wire[0].length, 1, 'one PDV');
      const [context, control, value] = wire[0][0];
      assert.deepEqual([context, control], [3, 0x03], 'context 3, command, last fragment');
      assert.equal(value.length % 2, 0, 'every value padded to an even length');
      assert.deepEqual(decodeCommand(value), RSP);
      assert.ok(value.includes(Buffer.from('cannot read ')), 'the error comment is padded with a space');
      assert.ok(value.includes(Buffer.from('1.2.840.10008.5.1.4.1.1.2\0')), 'a UID is padded with NUL');
    } finally {
      p.close();
    }
  });

  it('is fragmented to the peer\'s maximum PDU when it does not fit one', async () => {
    const p = await pair();
    try {
      p.sender.peerMaxPdu = 40;
      p.sender.sendCommand(1, RSP);
      const message = await p.message();
      assert.deepEqual(message.command, RSP);
      const wire = pdus(await p.bytes(1));
      assert.ok(wire.length > 1, `several PDUs (${wire.length})`);
      for (const [i, pdvs] of wire.entries()) {
        for (const [, control, value] of pdvs) {
          assert.ok(value.length + 6 <= 40, `fragment ${i} fits the peer's maximum PDU`);
          assert.equal(control & 0x01, 1, 'a command fragment');
          assert.equal(control & 0x02, i === wire.length - 1 ? 2 : 0, 'only the last fragment is marked last');
        }
      }
    } finally {
      p.close();
    }
  });
});
