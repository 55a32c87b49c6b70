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

type Element = [tag: number, value: Buffer];

function us(v: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16LE(v & 0xffff, 0);
  return b;
}

/** UI values are padded with NUL, text values with a space, to an even length. */
function str(v: string, pad: number): Buffer {
  const raw = Buffer.from(v, 'latin1');
  if (raw.length % 2 === 0) return raw;
  const b = Buffer.allocUnsafe(raw.length + 1);
  raw.copy(b);
  b[raw.length] = pad;
  return b;
}

export function encodeCommand(c: Command): Buffer {
  const els: Element[] = [];
  if (c.affectedSopClassUid !== undefined) els.push([TAG.affectedSopClassUid, str(c.affectedSopClassUid, 0)]);
  els.push([TAG.commandField, us(c.commandField)]);
  if (c.messageId !== undefined) els.push([TAG.messageId, us(c.messageId)]);
  if (c.messageIdBeingRespondedTo !== undefined) els.push([TAG.messageIdBeingRespondedTo, us(c.messageIdBeingRespondedTo)]);
  if (c.priority !== undefined) els.push([TAG.priority, us(c.priority)]);
  els.push([TAG.dataSetType, us(c.dataSetType)]);
  if (c.status !== undefined) els.push([TAG.status, us(c.status)]);
  if (c.errorComment) els.push([TAG.errorComment, str(c.errorComment.slice(0, 64), 0x20)]);
  if (c.affectedSopInstanceUid !== undefined) els.push([TAG.affectedSopInstanceUid, str(c.affectedSopInstanceUid, 0)]);
  if (c.moveOriginatorAe !== undefined) els.push([TAG.moveOriginatorAe, str(c.moveOriginatorAe, 0x20)]);
  if (c.moveOriginatorMessageId !== undefined) els.push([TAG.moveOriginatorMessageId, us(c.moveOriginatorMessageId)]);
  const groupLength = els.reduce((n, [, v]) => n + 8 + v.length, 0);
  const out = Buffer.allocUnsafe(12 + groupLength);
  out.writeUInt32LE(0x00000000, 0);
  out.writeUInt32LE(4, 4);
  out.writeUInt32LE(groupLength, 8);
  let p = 12;
  for (const [tag, v] of els) {
    out.writeUInt16LE(tag >>> 16, p);
    out.writeUInt16LE(tag & 0xffff, p + 2);
    out.writeUInt32LE(v.length, p + 4);
    v.copy(out, p + 8);
    p += 8 + v.length;
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
