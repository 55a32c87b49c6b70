/** The upper layer's PDU and DIMSE command codecs (core/src/net): round trips and bounded failures. */
import * as assert from 'node:assert/strict';
import { decodeCommand, encodeCommand, COMMAND, NO_DATASET } from '../../core/src/net/dimse';
import { describeNonDicom } from '../../core/src/net/errors';
import {
  PduError, decodeAssociateAc, decodeAssociateRq, decodePdata, encodeAssociateAc, encodeAssociateRq, pdataHeader,
  describeRejection, describeAbort,
} from '../../core/src/net/pdu';
import { acceptContexts } from '../../core/src/net/negotiation';
import { buildFileMeta, fileMetaLength, readFileMeta, writeFileMeta } from '../../core/src/dicom/fileMeta';

const body = (pdu: Buffer): Buffer => pdu.subarray(6);

/** An A-ASSOCIATE-RQ body with a user identity sub-item (type 2: user name and password). */
function rqWithUserIdentity(username: string, password: string): Buffer {
  const rq = encodeAssociateRq({ calledAe: 'PACS', callingAe: 'MOD', contexts: [{ id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }], maxPdu: 16384 });
  const u = Buffer.from(username, 'utf8');
  const p = Buffer.from(password, 'utf8');
  const sub = Buffer.alloc(4 + 4 + u.length + 2 + p.length);
  sub[0] = 0x58;
  sub.writeUInt16BE(sub.length - 4, 2);
  sub[4] = 2; // username and passcode
  sub[5] = 1;
  sub.writeUInt16BE(u.length, 6);
  u.copy(sub, 8);
  sub.writeUInt16BE(p.length, 8 + u.length);
  p.copy(sub, 10 + u.length);
  // Append the sub-item to the user information item (the last item of the PDU).
  const b = Buffer.from(body(rq));
  const userItem = b.lastIndexOf(Buffer.from([0x50, 0x00]));
  b.writeUInt16BE(b.readUInt16BE(userItem + 2) + sub.length, userItem + 2);
  return Buffer.concat([b, sub]);
}

describe('net: A-ASSOCIATE PDUs', () => {
  it('round-trips an A-ASSOCIATE-RQ: AE titles, contexts, max PDU, implementation', () => {
    const contexts = [
      { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
      { id: 3, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.1'] },
    ];
    const rq = decodeAssociateRq(body(encodeAssociateRq({ calledAe: 'PACS_MAIN', callingAe: 'CT01', contexts, maxPdu: 65536 })));
    assert.equal(rq.calledAe, 'PACS_MAIN');
    assert.equal(rq.callingAe, 'CT01');
    assert.equal(rq.applicationContext, '1.2.840.10008.3.1.1.1');
    assert.deepEqual(rq.contexts, contexts);
    assert.equal(rq.maxPdu, 65536);
    assert.equal(rq.protocolVersion, 1);
    assert.match(rq.implementationClassUid!, /^2\.25\.\d+$/);
  });

  it('round-trips an A-ASSOCIATE-AC with accepted and rejected contexts', () => {
    const ac = decodeAssociateAc(body(encodeAssociateAc({ calledAe: 'PACS', callingAe: 'CT01', maxPdu: 0, contexts: [{ id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2' }, { id: 3, result: 3, transferSyntax: '' }] })));
    assert.deepEqual(ac.contexts, [{ id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2' }, { id: 3, result: 3, transferSyntax: '' }]);
    assert.equal(ac.maxPdu, 0);
  });

  it('keeps the user name of a user identity and never the password', () => {
    const rq = decodeAssociateRq(rqWithUserIdentity('jdoe', 'S3cret-pass'));
    assert.deepEqual(rq.userIdentity, { type: 2, username: 'jdoe' });
    assert.ok(!JSON.stringify(rq).includes('S3cret'), 'the password is somewhere in the decoded request');
  });

  it('throws a PduError (never reads past the end) for items that overrun, at every truncation', () => {
    const whole = rqWithUserIdentity('jdoe', 'pw');
    for (let cut = 0; cut < whole.length; cut++) {
      const part = whole.subarray(0, cut);
      try {
        decodeAssociateRq(part);
      } catch (e) {
        assert.ok(e instanceof PduError, `cut at ${cut}: ${e}`);
        continue;
      }
      // A cut exactly between two items is a shorter but well-formed PDU.
    }
    const lying = Buffer.from(whole);
    lying.writeUInt16BE(0xffff, 68 + 2); // the application context item claims 65535 bytes
    assert.throws(() => decodeAssociateRq(lying), (e: Error) => e instanceof PduError && /claims 65535 bytes/.test(e.message));
  });
});

describe('net: P-DATA-TF and DIMSE commands', () => {
  it('splits PDVs as views of the PDU body', () => {
    const a = Buffer.from([1, 2, 3, 4]);
    const pdu = Buffer.concat([pdataHeader(5, 4, false, true), a]);
    const pdvs = decodePdata(body(pdu));
    assert.equal(pdvs.length, 1);
    assert.deepEqual({ ...pdvs[0], data: [...Buffer.concat(pdvs[0].data)] }, { contextId: 5, command: false, last: true, data: [1, 2, 3, 4] });
    assert.equal(pdvs[0].data[0].buffer, pdu.buffer, 'the PDV data is a copy');
  });

  it('reads PDVs whose headers and data straddle socket chunks, as views of the chunks', () => {
    const one = Buffer.concat([pdataHeader(1, 5, true, false), Buffer.from('abcde')]).subarray(6);
    const two = Buffer.concat([pdataHeader(1, 3, true, true), Buffer.from('fgh')]).subarray(6);
    const whole = Buffer.concat([one, two]);
    for (let cut = 1; cut < whole.length; cut++) {
      const pieces = [whole.subarray(0, cut), whole.subarray(cut)];
      const pdvs = decodePdata(pieces);
      assert.deepEqual(pdvs.map((p) => [p.last, Buffer.concat(p.data).toString()]), [[false, 'abcde'], [true, 'fgh']], `cut at ${cut}`);
      for (const p of pdvs) for (const d of p.data) assert.ok(d.buffer === whole.buffer, 'copied');
    }
  });

  it('rejects a PDV whose length runs past the PDU', () => {
    const b = Buffer.concat([pdataHeader(1, 4, true, true), Buffer.from([1, 2, 3, 4])]).subarray(6);
    b.writeUInt32BE(0xffffffff, 0);
    assert.throws(() => decodePdata(b), PduError);
  });

  it('round-trips C-STORE-RQ and C-STORE-RSP command sets (implicit VR LE, even lengths)', () => {
    const rq = { commandField: COMMAND.C_STORE_RQ, messageId: 7, affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.2', affectedSopInstanceUid: '1.2.3.45', priority: 0, dataSetType: 0, moveOriginatorAe: 'MOVER', moveOriginatorMessageId: 3 };
    const bytes = encodeCommand(rq);
    assert.equal(bytes.length % 2, 0);
    assert.equal(bytes.readUInt32LE(8), bytes.length - 12, 'command group length');
    assert.deepEqual(decodeCommand(bytes), rq);
    const rsp = { commandField: COMMAND.C_STORE_RSP, messageIdBeingRespondedTo: 7, affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.2', affectedSopInstanceUid: '1.2.3.45', dataSetType: NO_DATASET, status: 0xa700, errorComment: 'disk full' };
    assert.deepEqual(decodeCommand(encodeCommand(rsp)), rsp);
  });

  it('rejects a command element that overruns, or one outside group 0000', () => {
    const bytes = Buffer.from(encodeCommand({ commandField: COMMAND.C_ECHO_RQ, messageId: 1, dataSetType: NO_DATASET }));
    bytes.writeUInt32LE(1000, 12 + 4);
    assert.throws(() => decodeCommand(bytes), /claims 1000 bytes/);
    const other = Buffer.from(encodeCommand({ commandField: COMMAND.C_ECHO_RQ, messageId: 1, dataSetType: NO_DATASET }));
    other.writeUInt16LE(0x0008, 12);
    assert.throws(() => decodeCommand(other), /group 0008/);
  });
});

describe('net: words for people', () => {
  it('names what answered when it is not DICOM', () => {
    assert.equal(describeNonDicom(Buffer.from('HTTP/1.1 400 Bad Request\r\n'), '10.0.0.5:80'), 'the peer at 10.0.0.5:80 answered with HTTP, not DICOM (is this a web port?)');
    assert.match(describeNonDicom(Buffer.from('SSH-2.0-OpenSSH_9.2'), 'h:22'), /answered with SSH/);
    assert.match(describeNonDicom(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02]), 'h:2762'), /TLS alert, not plain DICOM \(is this the device's TLS port\?\)/);
    assert.match(describeNonDicom(Buffer.from([0x48, 0x00, 0xff]), 'h:1'), /not DICOM \(first bytes 48 00 ff\)/);
  });

  it('spells out rejections and aborts', () => {
    assert.equal(describeRejection({ result: 2, source: 3, reason: 2 }), 'association rejected: local limit exceeded (reason 2, transient)');
    assert.equal(describeAbort({ source: 2, reason: 2 }), 'the peer aborted the association (service provider: unexpected PDU)');
  });
});

describe('net: presentation context policy', () => {
  const proposals = [
    { id: 1, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] },
    { id: 3, abstractSyntax: '1.2.840.10008.5.1.1.14', transferSyntaxes: ['1.2.840.10008.1.2'] },
    { id: 5, abstractSyntax: '1.2.840.10008.5.1.4.1.1.4', transferSyntaxes: ['1.2.840.10008.1.2.4.90'] },
  ];
  const accepts = (s: string) => s.startsWith('1.2.840.10008.5.1.4.1.1.');
  const supported = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.4.50'];

  it("takes the peer's preference by default and ours with order 'ours'", () => {
    assert.deepEqual(acceptContexts(proposals, { accepts, transferSyntaxes: supported }), [
      { id: 1, result: 'accept', transferSyntax: '1.2.840.10008.1.2.4.50' },
      { id: 3, result: 'abstract-syntax-not-supported' },
      { id: 5, result: 'transfer-syntaxes-not-supported' },
    ]);
    assert.equal((acceptContexts(proposals, { accepts, transferSyntaxes: supported, order: 'ours' })[0] as { transferSyntax: string }).transferSyntax, '1.2.840.10008.1.2');
  });
});

describe('dicom: file meta information', () => {
  it('finds the data set and its UIDs, and says what is missing', () => {
    const meta = (els: Array<[number, string]>) => {
      const parts = els.map(([e, v]) => {
        const val = Buffer.from(v.length % 2 ? v + '\0' : v, 'latin1');
        const h = Buffer.alloc(8);
        h.writeUInt16LE(2, 0);
        h.writeUInt16LE(e, 2);
        h.write('UI', 4, 'latin1');
        h.writeUInt16LE(val.length, 6);
        return Buffer.concat([h, val]);
      });
      return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), ...parts, Buffer.from([8, 0, 0x16, 0, 0x55, 0x49, 2, 0, 0x31, 0])]);
    };
    const file = meta([[2, '1.2.840.10008.5.1.4.1.1.2'], [3, '1.2.3'], [0x10, '1.2.840.10008.1.2.1']]);
    const m = readFileMeta(file);
    assert.deepEqual(m, { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3', transferSyntaxUid: '1.2.840.10008.1.2.1', datasetStart: file.length - 10 });
    assert.throws(() => readFileMeta(meta([[2, '1.2']])), /lacks Media Storage SOP Instance UID \(0002,0003\), Transfer Syntax UID \(0002,0010\)/);
    assert.throws(() => readFileMeta(Buffer.alloc(200)), /not a DICOM Part 10 file/);
  });

  it('builds file meta information that reads back (group length, even values)', () => {
    const meta = buildFileMeta({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.345', transferSyntaxUid: '1.2.840.10008.1.2', implementationClassUid: '2.25.1', implementationVersion: 'PACSW', sourceAe: 'CT1' });
    const file = Buffer.concat([meta, Buffer.from([8, 0, 0x16, 0, 2, 0, 0, 0, 0x31, 0])]);
    assert.deepEqual(readFileMeta(file), { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.345', transferSyntaxUid: '1.2.840.10008.1.2', datasetStart: meta.length });
    assert.equal(meta.readUInt32LE(132 + 8), meta.length - 132 - 12, 'group length counts the elements after it');
  });

  it('writes the same file meta into the room in front of a data set (what the receiver does), with NUL- and space-padded values', () => {
    const fields = { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3', transferSyntaxUid: '1.2.840.10008.1.2.1', implementationClassUid: '2.25.1', implementationVersion: 'PACSW_0_1', sourceAe: 'CT1' };
    const built = buildFileMeta(fields);
    assert.equal(fileMetaLength(fields), built.length);
    const memory = Buffer.alloc(512 + 4, 0xee);
    const at = 512 - built.length;
    assert.equal(writeFileMeta(fields, memory, at), built.length);
    assert.ok(memory.subarray(at, 512).equals(built));
    assert.ok(memory.subarray(0, at).every((b) => b === 0xee) && memory.subarray(512).every((b) => b === 0xee), 'nothing outside its bytes is touched');
    const text = built.toString('latin1');
    assert.ok(text.includes('1.2.3\0'), 'odd UI value padded with NUL');
    assert.ok(text.includes('PACSW_0_1 ') && text.includes('CT1 '), 'odd SH and AE values padded with a space');
  });
});
