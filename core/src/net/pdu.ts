/**
 * DICOM upper layer PDUs (PS3.8 section 9.3): encoding, and decoding with every length checked
 * against the bytes actually there. A decoding failure throws PduError, which the connection
 * answers with an A-ABORT; nothing here trusts a length field.
 */

export const PDU = {
  ASSOCIATE_RQ: 0x01,
  ASSOCIATE_AC: 0x02,
  ASSOCIATE_RJ: 0x03,
  P_DATA_TF: 0x04,
  RELEASE_RQ: 0x05,
  RELEASE_RP: 0x06,
  ABORT: 0x07,
} as const;

export const APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';
/** Our implementation class UID (a UUID-derived 2.25 UID) and version name (at most 16 chars). */
export const IMPLEMENTATION_CLASS_UID = '2.25.8111064327898723519484799997509514161';
export const IMPLEMENTATION_VERSION = 'PACSW_0_1';

/** A-ABORT reasons when the service provider (we, as upper layer) aborts (PS3.8 Table 9-26). */
export const ABORT_REASON = {
  notSpecified: 0,
  unrecognizedPdu: 1,
  unexpectedPdu: 2,
  unrecognizedParameter: 4,
  unexpectedParameter: 5,
  invalidParameter: 6,
} as const;

/** Malformed or unexpected PDU content; `reason` is the A-ABORT reason to send. */
export class PduError extends Error {
  constructor(message: string, readonly reason: number = ABORT_REASON.invalidParameter) {
    super(message);
    this.name = 'PduError';
  }
}

export interface ContextProposal { id: number; abstractSyntax: string; transferSyntaxes: string[] }
export interface ContextResult { id: number; result: number; transferSyntax: string }
export interface UserIdentity { type: number; username?: string }

export interface AssociateRq {
  protocolVersion: number;
  calledAe: string;
  callingAe: string;
  applicationContext: string;
  contexts: ContextProposal[];
  maxPdu: number;
  implementationClassUid?: string;
  implementationVersion?: string;
  userIdentity?: UserIdentity;
}

export interface AssociateAc {
  calledAe: string;
  callingAe: string;
  applicationContext: string;
  contexts: ContextResult[];
  maxPdu: number;
  implementationClassUid?: string;
  implementationVersion?: string;
}

export interface AssociateRj { result: number; source: number; reason: number }
export interface Abort { source: number; reason: number }

// ---- encoding ----------------------------------------------------------------------------

function ascii(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function item(type: number, body: Buffer): Buffer {
  const b = Buffer.allocUnsafe(4 + body.length);
  b[0] = type;
  b[1] = 0;
  b.writeUInt16BE(body.length, 2);
  body.copy(b, 4);
  return b;
}

function pdu(type: number, body: Buffer): Buffer {
  const b = Buffer.allocUnsafe(6 + body.length);
  b[0] = type;
  b[1] = 0;
  b.writeUInt32BE(body.length, 2);
  body.copy(b, 6);
  return b;
}

function aeField(ae: string): Buffer {
  const b = Buffer.alloc(16, 0x20);
  b.write(ae.slice(0, 16), 'latin1');
  return b;
}

function associateHeader(calledAe: string, callingAe: string): Buffer {
  const h = Buffer.alloc(68);
  h.writeUInt16BE(1, 0); // protocol version 1
  aeField(calledAe).copy(h, 4);
  aeField(callingAe).copy(h, 20);
  return h;
}

function userInformation(maxPdu: number, classUid: string, version: string, extra: Buffer[] = []): Buffer {
  const max = Buffer.allocUnsafe(4);
  max.writeUInt32BE(maxPdu >>> 0, 0);
  return item(0x50, Buffer.concat([item(0x51, max), item(0x52, ascii(classUid)), ...extra, item(0x55, ascii(version))]));
}

export function encodeAssociateRq(rq: {
  calledAe: string; callingAe: string; contexts: ContextProposal[]; maxPdu: number;
  implementationClassUid?: string; implementationVersion?: string;
}): Buffer {
  const parts = [associateHeader(rq.calledAe, rq.callingAe), item(0x10, ascii(APPLICATION_CONTEXT))];
  for (const c of rq.contexts) {
    const head = Buffer.from([c.id, 0, 0, 0]);
    parts.push(item(0x20, Buffer.concat([head, item(0x30, ascii(c.abstractSyntax)), ...c.transferSyntaxes.map((t) => item(0x40, ascii(t)))])));
  }
  parts.push(userInformation(rq.maxPdu, rq.implementationClassUid ?? IMPLEMENTATION_CLASS_UID, rq.implementationVersion ?? IMPLEMENTATION_VERSION));
  return pdu(PDU.ASSOCIATE_RQ, Buffer.concat(parts));
}

export function encodeAssociateAc(ac: { calledAe: string; callingAe: string; contexts: ContextResult[]; maxPdu: number }): Buffer {
  const parts = [associateHeader(ac.calledAe, ac.callingAe), item(0x10, ascii(APPLICATION_CONTEXT))];
  for (const c of ac.contexts) {
    const head = Buffer.from([c.id, 0, c.result, 0]);
    // PS3.8 9.3.3.2: the transfer syntax sub-item is there even when rejected (its value is then not significant).
    parts.push(item(0x21, Buffer.concat([head, item(0x40, ascii(c.result === 0 ? c.transferSyntax : ''))])));
  }
  parts.push(userInformation(ac.maxPdu, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION));
  return pdu(PDU.ASSOCIATE_AC, Buffer.concat(parts));
}

function fourBytes(type: number, b2: number, b3: number): Buffer {
  return Buffer.from([type, 0, 0, 0, 0, 4, 0, 0, b2, b3]);
}

export function encodeAssociateRj(rj: AssociateRj): Buffer {
  return Buffer.from([PDU.ASSOCIATE_RJ, 0, 0, 0, 0, 4, 0, rj.result, rj.source, rj.reason]);
}
export const encodeReleaseRq = (): Buffer => fourBytes(PDU.RELEASE_RQ, 0, 0);
export const encodeReleaseRp = (): Buffer => fourBytes(PDU.RELEASE_RP, 0, 0);
/** source 0: service user (we chose to abort), 2: service provider (protocol error). */
export const encodeAbort = (source: number, reason: number): Buffer => fourBytes(PDU.ABORT, source, reason);

/** Bytes of a P-DATA-TF PDU header with one PDV item header: 6 + 4 + context + control. */
export const PDATA_HEADER_BYTES = 12;

/** PDU + PDV header (12 bytes) for one fragment of `length` bytes; `command` and `last` are the control bits. */
export function pdataHeader(contextId: number, length: number, command: boolean, last: boolean): Buffer {
  return writePdataHeader(Buffer.allocUnsafe(PDATA_HEADER_BYTES), contextId, length, command, last);
}

/** Writes that header into the first 12 bytes of `h` (a PDU built in place); returns `h`. */
export function writePdataHeader(h: Buffer, contextId: number, length: number, command: boolean, last: boolean): Buffer {
  h[0] = PDU.P_DATA_TF;
  h[1] = 0;
  h.writeUInt32BE(length + 6, 2);
  h.writeUInt32BE(length + 2, 6);
  h[10] = contextId;
  h[11] = (command ? 1 : 0) | (last ? 2 : 0);
  return h;
}

// ---- decoding ----------------------------------------------------------------------------

function text(b: Buffer, start: number, end: number): string {
  // UIDs may be padded with NUL, AE titles with spaces.
  return b.toString('latin1', start, end).replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

interface Item { type: number; start: number; end: number }

/** The items of a variable field, each bounded by its parent. */
function items(b: Buffer, start: number, end: number, where: string): Item[] {
  const out: Item[] = [];
  let p = start;
  while (p < end) {
    if (p + 4 > end) throw new PduError(`${where}: an item header is cut off at byte ${p}`);
    const type = b[p];
    const len = b.readUInt16BE(p + 2);
    if (p + 4 + len > end) throw new PduError(`${where}: item 0x${type.toString(16)} at byte ${p} claims ${len} bytes, only ${end - p - 4} are left`);
    out.push({ type, start: p + 4, end: p + 4 + len });
    p += 4 + len;
  }
  return out;
}

interface UserInfo { maxPdu: number; implementationClassUid?: string; implementationVersion?: string; userIdentity?: UserIdentity }

function decodeUserInfo(b: Buffer, it: Item, where: string): UserInfo {
  const info: UserInfo = { maxPdu: 0 };
  for (const sub of items(b, it.start, it.end, `${where} user information`)) {
    const len = sub.end - sub.start;
    if (sub.type === 0x51) {
      if (len !== 4) throw new PduError(`${where}: maximum length sub-item has ${len} bytes instead of 4`);
      info.maxPdu = b.readUInt32BE(sub.start);
    } else if (sub.type === 0x52) info.implementationClassUid = text(b, sub.start, sub.end);
    else if (sub.type === 0x55) info.implementationVersion = text(b, sub.start, sub.end);
    else if (sub.type === 0x58) info.userIdentity = decodeUserIdentity(b, sub, where);
  }
  return info;
}

/**
 * User identity (PS3.7 D.3.3.7): only the type and, for types 1 and 2, the user name are kept.
 * The password (type 2's secondary field) and tokens (Kerberos, SAML, JWT: the primary field
 * of types 3-5) are never read into a string, so they cannot reach a log or an event.
 */
function decodeUserIdentity(b: Buffer, sub: Item, where: string): UserIdentity {
  if (sub.end - sub.start < 4) throw new PduError(`${where}: user identity sub-item is too short`);
  const type = b[sub.start];
  const primaryLen = b.readUInt16BE(sub.start + 2);
  const primaryEnd = sub.start + 4 + primaryLen;
  if (primaryEnd > sub.end) throw new PduError(`${where}: user identity primary field overruns its sub-item`);
  if (type === 2) {
    if (primaryEnd + 2 > sub.end) throw new PduError(`${where}: user identity has no secondary field length`);
    if (primaryEnd + 2 + b.readUInt16BE(primaryEnd) > sub.end) throw new PduError(`${where}: user identity secondary field overruns its sub-item`);
  }
  return type === 1 || type === 2 ? { type, username: b.toString('utf8', sub.start + 4, primaryEnd) } : { type };
}

function decodeAssociateCommon(b: Buffer, where: string): { protocolVersion: number; calledAe: string; callingAe: string; vars: Item[] } {
  if (b.length < 68) throw new PduError(`${where} is ${b.length} bytes, shorter than its fixed 68-byte part`);
  return {
    protocolVersion: b.readUInt16BE(0),
    calledAe: text(b, 4, 20),
    callingAe: text(b, 20, 36),
    vars: items(b, 68, b.length, where),
  };
}

/** `body` is the PDU without its 6-byte header. */
export function decodeAssociateRq(body: Buffer): AssociateRq {
  const where = 'A-ASSOCIATE-RQ';
  const c = decodeAssociateCommon(body, where);
  let applicationContext = '';
  const contexts: ContextProposal[] = [];
  let user: UserInfo = { maxPdu: 0 };
  for (const it of c.vars) {
    if (it.type === 0x10) applicationContext = text(body, it.start, it.end);
    else if (it.type === 0x20) {
      if (it.end - it.start < 4) throw new PduError(`${where}: presentation context item is too short`);
      const id = body[it.start];
      let abstractSyntax = '';
      const transferSyntaxes: string[] = [];
      for (const sub of items(body, it.start + 4, it.end, `${where} presentation context ${id}`)) {
        if (sub.type === 0x30) abstractSyntax = text(body, sub.start, sub.end);
        else if (sub.type === 0x40) transferSyntaxes.push(text(body, sub.start, sub.end));
      }
      contexts.push({ id, abstractSyntax, transferSyntaxes });
    } else if (it.type === 0x50) user = decodeUserInfo(body, it, where);
  }
  return { protocolVersion: c.protocolVersion, calledAe: c.calledAe, callingAe: c.callingAe, applicationContext, contexts, ...user };
}

export function decodeAssociateAc(body: Buffer): AssociateAc {
  const where = 'A-ASSOCIATE-AC';
  const c = decodeAssociateCommon(body, where);
  let applicationContext = '';
  const contexts: ContextResult[] = [];
  let user: UserInfo = { maxPdu: 0 };
  for (const it of c.vars) {
    if (it.type === 0x10) applicationContext = text(body, it.start, it.end);
    else if (it.type === 0x21) {
      if (it.end - it.start < 4) throw new PduError(`${where}: presentation context item is too short`);
      const id = body[it.start];
      const result = body[it.start + 2];
      let transferSyntax = '';
      for (const sub of items(body, it.start + 4, it.end, `${where} presentation context ${id}`)) {
        if (sub.type === 0x40) transferSyntax = text(body, sub.start, sub.end);
      }
      contexts.push({ id, result, transferSyntax });
    } else if (it.type === 0x50) user = decodeUserInfo(body, it, where);
  }
  return { calledAe: c.calledAe, callingAe: c.callingAe, applicationContext, contexts, maxPdu: user.maxPdu, implementationClassUid: user.implementationClassUid, implementationVersion: user.implementationVersion };
}

function decodeFour(body: Buffer, where: string): Buffer {
  if (body.length !== 4) throw new PduError(`${where} has a ${body.length}-byte body instead of 4`);
  return body;
}
export function decodeAssociateRj(body: Buffer): AssociateRj {
  const b = decodeFour(body, 'A-ASSOCIATE-RJ');
  return { result: b[1], source: b[2], reason: b[3] };
}
export function decodeAbort(body: Buffer): Abort {
  const b = decodeFour(body, 'A-ABORT');
  return { source: b[2], reason: b[3] };
}
export function checkReleaseBody(body: Buffer, type: number): void {
  decodeFour(body, type === PDU.RELEASE_RQ ? 'A-RELEASE-RQ' : 'A-RELEASE-RP');
}

export interface Pdv { contextId: number; command: boolean; last: boolean; data: Buffer[] }

/**
 * The PDVs of a P-DATA-TF body given as consecutive pieces (views of socket chunks); each
 * PDV's `data` is a list of views into those pieces, never a copy.
 */
export function decodePdata(body: Buffer | Buffer[]): Pdv[] {
  const parts = Array.isArray(body) ? body : [body];
  const total = parts.reduce((n, b) => n + b.length, 0);
  let part = 0;
  let offset = 0;
  let consumed = 0;
  /** The next n bytes as views, advancing the cursor. */
  const views = (n: number): Buffer[] => {
    const out: Buffer[] = [];
    consumed += n;
    while (n > 0) {
      const b = parts[part];
      const use = Math.min(n, b.length - offset);
      out.push(b.subarray(offset, offset + use));
      offset += use;
      n -= use;
      if (offset === b.length) {
        part++;
        offset = 0;
      }
    }
    return out;
  };
  const pdvs: Pdv[] = [];
  while (consumed < total) {
    if (consumed + 6 > total) throw new PduError(`P-DATA-TF: a PDV header is cut off at byte ${consumed}`);
    const head = views(6);
    const h = head.length === 1 ? head[0] : Buffer.concat(head);
    const len = h.readUInt32BE(0);
    if (len < 2 || consumed - 6 + 4 + len > total) throw new PduError(`P-DATA-TF: a PDV at byte ${consumed - 6} claims ${len} bytes, ${total - consumed + 2} are left`);
    pdvs.push({ contextId: h[4], command: (h[5] & 1) !== 0, last: (h[5] & 2) !== 0, data: views(len - 2) });
  }
  if (pdvs.length === 0) throw new PduError('P-DATA-TF without any PDV');
  return pdvs;
}

// ---- words for people --------------------------------------------------------------------

const REJECT_REASONS: Record<number, Record<number, string>> = {
  1: { 1: 'no reason given', 2: 'application context name not supported', 3: 'calling AE title not recognised', 7: 'called AE title not recognised' },
  2: { 1: 'no reason given', 2: 'protocol version not supported' },
  3: { 0: 'no reason given', 1: 'temporary congestion', 2: 'local limit exceeded' },
};

/** `association rejected: called AE title not recognised (reason 7)`, with permanence. */
export function describeRejection(r: { result?: number; source?: number; reason?: number }): string {
  const what = (r.source !== undefined && r.reason !== undefined && REJECT_REASONS[r.source]?.[r.reason]) || 'unknown reason';
  const transient = r.result === 2 ? ', transient' : '';
  return `association rejected: ${what} (reason ${r.reason ?? '?'}${transient})`;
}

const ABORT_WORDS: Record<number, string> = {
  0: 'reason not specified', 1: 'unrecognised PDU', 2: 'unexpected PDU', 4: 'unrecognised PDU parameter',
  5: 'unexpected PDU parameter', 6: 'invalid PDU parameter value',
};

/** `the peer aborted the association (service provider: unexpected PDU)`. */
export function describeAbort(a: Abort): string {
  if (a.source === 0) return 'the peer aborted the association (service user)';
  return `the peer aborted the association (service provider: ${ABORT_WORDS[a.reason] ?? `reason ${a.reason}`})`;
}
