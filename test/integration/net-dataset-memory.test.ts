/**
 * The receiver's data set memory (core/src/net/datasetMemory.ts): a DicomConnection over a real
 * loopback socket with datasetHeadroom assembles each data set in memory reused from one object
 * to the next. What must hold: a data set still lent to its handler is never written over by the
 * next one (a sender may send before it has its answer), memory given back is reused, and every
 * data set is byte for byte what was sent, whatever its fragments.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DicomConnection, type Message } from '../../core/src/net/connection';
import { COMMAND, encodeCommand } from '../../core/src/net/dimse';
import { pdataHeader } from '../../core/src/net/pdu';
import { loopbackSockets } from './net-helpers';

const HEADROOM = 512;

/** A C-STORE-RQ and its data set as P-DATA-TF PDUs, the data set in fragments of `fragment` bytes. */
function cStore(messageId: number, dataset: Buffer, fragment: number): Buffer {
  const command = encodeCommand({ commandField: COMMAND.C_STORE_RQ, messageId, affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.2', affectedSopInstanceUid: `2.25.${messageId}`, dataSetType: 0, priority: 0 });
  const parts = [pdataHeader(1, command.length, true, true), command];
  if (dataset.length === 0) parts.push(pdataHeader(1, 0, false, true));
  for (let p = 0; p < dataset.length; p += fragment) {
    const end = Math.min(dataset.length, p + fragment);
    parts.push(pdataHeader(1, end - p, false, end === dataset.length), dataset.subarray(p, end));
  }
  return Buffer.concat(parts);
}

/** A connected pair: `send` writes to the receiving DicomConnection, whose messages arrive in order. */
async function pair(): Promise<{ send(b: Buffer): void; next(): Promise<Message>; close(): void }> {
  const { client, accepted: socket, close } = await loopbackSockets();
  const arrived: Message[] = [];
  const waiting: Array<(m: Message) => void> = [];
  const failures: string[] = [];
  new DicomConnection(socket, { maxReceivePdu: 0, maxDatasetBytes: 1 << 30, datasetHeadroom: HEADROOM }, {
    pdu: (type) => failures.push(`unexpected PDU ${type}`),
    message: (m) => (waiting.length ? waiting.shift()!(m) : arrived.push(m)),
    failed: (e) => failures.push(e.message),
  });
  return {
    send: (b) => client.write(b),
    next: () => {
      assert.deepEqual(failures, []);
      return arrived.length ? Promise.resolve(arrived.shift()!) : new Promise((r) => waiting.push(r));
    },
    close,
  };
}

describe('received data set memory (reused from object to object)', function () {
  this.timeout(30000);

  it('keeps a data set intact while it is lent, though the next one arrives meanwhile', async () => {
    const p = await pair();
    try {
      const first = randomBytes(300_000);
      const second = randomBytes(200_000);
      p.send(cStore(1, first, 16_000));
      const a = await p.next();
      p.send(cStore(2, second, 16_000));
      const b = await p.next();
      // `a` was not released: the second data set had to go elsewhere.
      assert.ok(a.dataset!.equals(first), 'the lent data set is unchanged');
      assert.ok(b.dataset!.equals(second));
      assert.notEqual(a.dataset!.buffer, b.dataset!.buffer);
      a.release!();
      b.release!();
    } finally {
      p.close();
    }
  });

  it('reuses memory given back, grows it for a larger data set, and every data set is the bytes sent', async () => {
    const p = await pair();
    try {
      const sizes = [40_000, 40_000, 5_000_000, 1, 0, 70_000, 5_000_000];
      let previous: Message | undefined;
      let reused = 0;
      for (const [i, size] of sizes.entries()) {
        const sent = randomBytes(size);
        p.send(cStore(i + 1, sent, 65_530));
        const m = await p.next();
        assert.equal(m.headroom, HEADROOM);
        assert.ok(m.dataset!.equals(sent), `data set ${i + 1} (${size} bytes) as sent`);
        assert.ok(m.dataset!.byteOffset >= HEADROOM, 'room for the file meta in front');
        if (previous && m.dataset!.buffer === previous.dataset!.buffer) reused++;
        m.release!();
        m.release!(); // a second call gives nothing back twice
        previous = m;
      }
      assert.ok(reused >= 4, `memory reused for ${reused} of ${sizes.length - 1} later data sets`);
    } finally {
      p.close();
    }
  });
});
