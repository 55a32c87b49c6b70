/**
 * One received object through the rules and onto disk: the data set gets file meta in front of
 * the bytes received, runs through the same engine and writer as `pacsw apply` (so the stored
 * data set is byte for byte what apply writes for the same input and rules), and is written
 * durably (writeFileDurable) before anyone is told it is stored.
 */
import * as path from 'node:path';
import { evaluateRules, type EvaluationResult, type RuleSetInput } from '../coercion/evaluate';
import { buildFileMeta, fileMetaLength, writeFileMeta, type FileMetaFields } from '../dicom/fileMeta';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION } from '../net/pdu';
import { DicomFileError, loadDatasetBytes } from '../dicom/files';
import { OutputCheckError } from '../dicom/part10Dataset';
import type { ObjectChange } from './types';

/** C-STORE statuses (PS3.4 Annex B.2.3, PS3.7 Annex C). */
export const STATUS = {
  success: 0x0000,
  processingFailure: 0x0110,
  outOfResources: 0xa700,
  cannotUnderstand: 0xc000,
} as const;

export interface ReceivedObject {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  callingAe: string;
  /** The C-STORE data set as received. */
  dataset: Buffer;
  /** Free bytes in front of `dataset` in its memory (StoreRequestEvent headroom), for the file meta. */
  headroom?: number;
}

export type CoercionOutcome =
  | { outcome: 'store'; chunks: Uint8Array[]; result: EvaluationResult; received: Buffer }
  /** `$(@PROCESS)` became NULL: answered, not stored (docs/serve.md says why with success). */
  | { outcome: 'stopped'; reason: string; result: EvaluationResult; received: Buffer }
  | { outcome: 'failed'; status: number; reason: string; result?: EvaluationResult };

/** A UID as PS3.5 9.1 allows it: digits and dots, at most 64 characters (safe as a file name, too). */
export const isUid = (uid: string): boolean => uid.length <= 64 && /^[0-9]+(\.[0-9]+)*$/.test(uid);

export function coerceReceived(ruleSets: RuleSetInput[], obj: ReceivedObject): CoercionOutcome {
  for (const [what, uid] of [['SOP Instance UID', obj.sopInstanceUid], ['SOP Class UID', obj.sopClassUid], ['Transfer Syntax UID', obj.transferSyntaxUid]] as const) {
    if (!isUid(uid)) return { outcome: 'failed', status: STATUS.cannotUnderstand, reason: `the ${what} "${uid.slice(0, 80)}" is not a valid UID` };
  }
  const meta: FileMetaFields = {
    sopClassUid: obj.sopClassUid, sopInstanceUid: obj.sopInstanceUid, transferSyntaxUid: obj.transferSyntaxUid,
    sourceAe: obj.callingAe, implementationClassUid: IMPLEMENTATION_CLASS_UID, implementationVersion: IMPLEMENTATION_VERSION,
  };
  const metaLength = fileMetaLength(meta);
  const bytes = withFileMeta(meta, metaLength, obj.dataset, obj.headroom ?? 0);
  let loaded;
  try {
    loaded = loadDatasetBytes(bytes, `data set ${obj.sopInstanceUid}`);
  } catch (error) {
    if (!(error instanceof DicomFileError)) throw error;
    return { outcome: 'failed', status: STATUS.cannotUnderstand, reason: `cannot read the data set: ${error.reason.replace(/byte offset (\d+)/, (_, n: string) => `byte offset ${Number(n) - metaLength} of the data set`)}` };
  }
  const result = evaluateRules(ruleSets, loaded.access);
  if (result.stopped) {
    const by = result.stoppedBy!;
    return { outcome: 'stopped', reason: `$(@PROCESS) set to NULL by ${by.uri ?? by.ruleSet}:${by.line + 1}; not stored`, result, received: bytes };
  }
  if (result.errors > 0) {
    const reasons = result.trace.filter((t) => t.outcome === 'error').map((t) => `${t.uri ?? t.ruleSet}:${t.line + 1} ${t.target}: ${t.reason}`);
    return { outcome: 'failed', status: STATUS.processingFailure, reason: `the rules cannot be applied faithfully, not stored: ${reasons.join('; ')}`, result };
  }
  // `bytes` is the object as received (file meta + data set): the serializer's unchanged runs are views of it.
  let chunks;
  try {
    chunks = loaded.serializeChunks();
  } catch (error) {
    if (!(error instanceof OutputCheckError)) throw error;
    return { outcome: 'failed', status: STATUS.processingFailure, reason: `${error.message}; not stored`, result };
  }
  return { outcome: 'store', chunks, result, received: bytes };
}

/**
 * File meta + data set as one Buffer: written into the free bytes in front of the data set when
 * there are enough (the connection left them, so the data set is not copied again), else joined.
 */
function withFileMeta(meta: FileMetaFields, metaLength: number, dataset: Buffer, headroom: number): Buffer {
  if (headroom < metaLength) return Buffer.concat([buildFileMeta(meta), dataset]);
  const bytes = Buffer.from(dataset.buffer, dataset.byteOffset - metaLength, metaLength + dataset.length);
  writeFileMeta(meta, bytes);
  return bytes;
}

/** The changes as events carry them (1-based lines). */
export function changesOf(result: EvaluationResult | undefined): ObjectChange[] {
  return (result?.changes ?? []).map((c) => ({
    path: c.path,
    before: c.before === null ? null : String(c.before),
    after: c.after === null ? null : String(c.after),
    ruleSet: c.ruleSet,
    uri: c.uri,
    line: c.line + 1,
  }));
}

/** A folder name from a device ID or AE title: no separators, no dot files. */
export function folderName(name: string): string {
  const safe = name.trim().replace(/[^A-Za-z0-9._-]/g, '_');
  return !safe || safe.startsWith('.') ? `_${safe}` : safe;
}

/** `<store>/<device ID, or unknown-<AE>>/<SOP Instance UID>.dcm`; the UID was checked by coerceReceived. */
export function storedPath(storeDir: string, deviceId: string | undefined, callingAe: string, sopInstanceUid: string): string {
  const folder = deviceId !== undefined ? folderName(deviceId) : `unknown-${folderName(callingAe)}`;
  return path.join(path.resolve(storeDir), folder, `${sopInstanceUid}.dcm`);
}

/** Where keepOriginals puts an object as it arrived, next to the device's stored objects. */
export const originalPath = (stored: string): string => path.join(path.dirname(stored), 'originals', path.basename(stored));

/** A write failure as a C-STORE status: a full disk is "out of resources". */
export function writeFailureStatus(error: unknown): number {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? STATUS.outOfResources : STATUS.processingFailure;
}
