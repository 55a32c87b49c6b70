/**
 * DIMSE command sets for C-ECHO and C-STORE (PS3.7 section 9 and annex E): group 0000 elements,
 * always Implicit VR Little Endian, whatever the presentation context's transfer syntax.
 */
import { PduError, ABORT_REASON } from './pdu';

export const COMMAND = {
  C_STORE_RQ: 0x0001,
  C_STORE_RSP: 0x8001,
  C_ECHO_RQ: 0x0030,
  C_ECHO_RSP: 0x8030,
} as const;

/** CommandDataSetType value meaning "no data set follows". */
export const NO_DATASET = 0x0101;
export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

export interface Command {
  commandField: number;
  messageId?: number;
  messageIdBeingRespondedTo?: number;
  affectedSopClassUid?: string;
  affectedSopInstanceUid?: string;
  priority?: number;
  dataSetType: number;
  status?: number;
  errorComment?: string;
  moveOriginatorAe?: string;
  moveOriginatorMessageId?: number;
}

const TAG = {
  groupLength: 0x00000000,
  affectedSopClassUid: 0x00000002,
  commandField: 0x00000100,
  messageId: 0x00000110,
  messageIdBeingRespondedTo: 0x00000120,
  priority: 0x00000700,
  dataSetType: 0x00000800,
  status: 0x00000900,
  errorComment: 0x00000902,
  affectedSopInstanceUid: 0x00001000,
  moveOriginatorAe: 0x00001030,
  moveOriginatorMessageId: 0x00001031,
} as const;

/** A value of the command set: US numbers, or text padded with `pad` to an even length (UI: NUL, others: space). */
type Value = { us: number } | { text: string; pad: number };

function commandElements(c: Command): [tag: number, value: Value][] {
  const els: [number, Value][] = [];
  if (c.affectedSopClassUid !== undefined) els.push([TAG.affectedSopClassUid, { text: c.affectedSopClassUid, pad: 0 }]);
  els.push([TAG.commandField, { us: c.commandField }]);
  if (c.messageId !== undefined) els.push([TAG.messageId, { us: c.messageId }]);
  if (c.messageIdBeingRespondedTo !== undefined) els.push([TAG.messageIdBeingRespondedTo, { us: c.messageIdBeingRespondedTo }]);
  if (c.priority !== undefined) els.push([TAG.priority, { us: c.priority }]);
  els.push([TAG.dataSetType, { us: c.dataSetType }]);
  if (c.status !== undefined) els.push([TAG.status, { us: c.status }]);
  if (c.errorComment) els.push([TAG.errorComment, { text: c.errorComment.slice(0, 64), pad: 0x20 }]);
  if (c.affectedSopInstanceUid !== undefined) els.push([TAG.affectedSopInstanceUid, { text: c.affectedSopInstanceUid, pad: 0 }]);
  if (c.moveOriginatorAe !== undefined) els.push([TAG.moveOriginatorAe, { text: c.moveOriginatorAe, pad: 0x20 }]);
  if (c.moveOriginatorMessageId !== undefined) els.push([TAG.moveOriginatorMessageId, { us: c.moveOriginatorMessageId }]);
  return els;
}

/** Bytes of a value once padded; text is written as latin1 (one byte per character). */
const valueLength = (v: Value): number => ('us' in v ? 2 : v.text.length + (v.text.length & 1));

/**
 * The command set, encoded straight into one buffer with `front` unused bytes before it (a
 * connection writes its P-DATA header there and sends the response in one write).
 */
export function encodeCommand(c: Command, front = 0): Buffer {
  const els = commandElements(c);
  let groupLength = 0;
  for (const [, v] of els) groupLength += 8 + valueLength(v);
  const out = Buffer.allocUnsafe(front + 12 + groupLength);
  out.writeUInt32LE(0x00000000, front);
  out.writeUInt32LE(4, front + 4);
  out.writeUInt32LE(groupLength, front + 8);
  let p = front + 12;
  for (const [tag, v] of els) {
    const length = valueLength(v);
    out.writeUInt16LE(tag >>> 16, p);
    out.writeUInt16LE(tag & 0xffff, p + 2);
    out.writeUInt32LE(length, p + 4);
    if ('us' in v) out.writeUInt16LE(v.us & 0xffff, p + 8);
    else {
      out.write(v.text, p + 8, v.text.length, 'latin1');
      if (v.text.length & 1) out[p + 8 + v.text.length] = v.pad;
    }
    p += 8 + length;
  }
  return out;
}

const trimmed = (b: Buffer, s: number, e: number): string => b.toString('latin1', s, e).replace(/[\0 ]+$/, '').replace(/^ +/, '');

/** Parses a command set; malformed input throws PduError (the association is then aborted). */
export function decodeCommand(b: Buffer): Command {
  const c: Partial<Command> = {};
  let p = 0;
  while (p < b.length) {
    if (p + 8 > b.length) throw new PduError(`DIMSE command: element header cut off at byte ${p}`, ABORT_REASON.invalidParameter);
    const tag = ((b.readUInt16LE(p) << 16) | b.readUInt16LE(p + 2)) >>> 0;
    const len = b.readUInt32LE(p + 4);
    const s = p + 8;
    const e = s + len;
    if (e > b.length) throw new PduError(`DIMSE command: element (${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')}) claims ${len} bytes, ${b.length - s} are left`);
    if (tag >>> 16 !== 0) throw new PduError(`DIMSE command: element of group ${(tag >>> 16).toString(16).padStart(4, '0')} in a command set (only group 0000 belongs there)`);
    const u16 = (): number => {
      if (len !== 2) throw new PduError(`DIMSE command: US element (0000,${(tag & 0xffff).toString(16).padStart(4, '0')}) has length ${len}`);
      return b.readUInt16LE(s);
    };
    switch (tag) {
      case TAG.affectedSopClassUid: c.affectedSopClassUid = trimmed(b, s, e); break;
      case TAG.commandField: c.commandField = u16(); break;
      case TAG.messageId: c.messageId = u16(); break;
      case TAG.messageIdBeingRespondedTo: c.messageIdBeingRespondedTo = u16(); break;
      case TAG.priority: c.priority = u16(); break;
      case TAG.dataSetType: c.dataSetType = u16(); break;
      case TAG.status: c.status = u16(); break;
      case TAG.errorComment: c.errorComment = trimmed(b, s, e); break;
      case TAG.affectedSopInstanceUid: c.affectedSopInstanceUid = trimmed(b, s, e); break;
      case TAG.moveOriginatorAe: c.moveOriginatorAe = trimmed(b, s, e); break;
      case TAG.moveOriginatorMessageId: c.moveOriginatorMessageId = u16(); break;
      default: break; // group length and elements we do not use
    }
    p = e;
  }
  if (c.commandField === undefined) throw new PduError('DIMSE command without a Command Field (0000,0100)');
  if (c.dataSetType === undefined) throw new PduError('DIMSE command without a Command Data Set Type (0000,0800)');
  return c as Command;
}
