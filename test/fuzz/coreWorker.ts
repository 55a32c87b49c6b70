/**
 * The thread of the in-process targets (docs/fuzzing.md "In-process targets"): it generates
 * inputs itself, from (seed, target, n) as the campaign does, and runs each through the same
 * core functions the entry points call, thousands a second with no process or message per input.
 * - `core-text`: what `pacsw check` and the language server run on a document: parse, validate
 *   (both dialects for rules; the server's incremental validator too), the per-file cap, quick
 *   fixes of the first findings, formatting.
 * - `core-dicom`: what `pacsw apply` runs on a file: coerceFile (read, evaluate, write), then the
 *   output read back; nothing left behind for a file that was not written.
 * - `core-pdu`: the PDU and DIMSE decoders the node's connection calls on each PDU of a stream.
 * The current input number is kept in shared memory, so that the campaign can name the input of
 * a hang or a crash of the thread from outside.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { formatRuleFile } from '../../core/src/coercion/format';
import { createIncrementalValidator } from '../../core/src/coercion/incrementalValidator';
import { quickFixesFor } from '../../core/src/coercion/quickfix';
import { validateRuleFile } from '../../core/src/coercion/validate';
import type { RuleSetInput } from '../../core/src/coercion/evaluate';
import { capDiagnostics, MAX_DIAGNOSTICS_PER_FILE, type CoreDiagnostic } from '../../core/src/diagnostics';
import { coerceFile } from '../../core/src/dicom/coerceFile';
import { loadDatasetFile } from '../../core/src/dicom/files';
import { formatDeviceFile } from '../../core/src/devices/format';
import { validateDeviceText } from '../../core/src/devices/validate';
import { decodeCommand } from '../../core/src/net/dimse';
import { checkReleaseBody, decodeAbort, decodeAssociateAc, decodeAssociateRj, decodeAssociateRq, decodePdata, PDU, PduError } from '../../core/src/net/pdu';
import { formatRuleTest } from '../../core/src/ruletest/format';
import { validateRuleTest } from '../../core/src/ruletest/validate';
import { loadRuleSets } from '../../cli/src/rules';
import { repoRoot } from '../lsp/client';
import { loadCorpus, type Corpus } from './corpus';
import { inputRandom, type Random } from './random';
import { anyTextInput, CORE_TEXT_MAX, applyRulesOf, dicomInput, pduInput, type FuzzInput, type Problem } from './targets';

export type CoreTargetName = 'core-text' | 'core-dicom' | 'core-pdu';

export interface CoreWorkerData { target: CoreTargetName; scratch: string; current: SharedArrayBuffer }
export type CoreRequest =
  | { id: number; batch: { seed: number; from: number; count: number } }
  | { id: number; one: { ext: string; bytes: Uint8Array; mutations: string[] } };
export interface CoreReply { id: number; done: number; problems: Array<{ n: number; problem: Problem }>; heapUsed: number }

/** The longest message a finding may carry (the longest fixed text is ~310 characters, plus excerpts). */
export const MESSAGE_MAX = 600;
/** A formatted document may be this much longer than its input (indentation of unbalanced blocks). */
const FORMAT_GROWTH = 4;

const { target, scratch, current } = workerData as CoreWorkerData;
const currentInput = new Int32Array(current);
const corpus = loadCorpus();
const workspace = path.join(repoRoot(), 'examples', 'workspace');

// ------------------------------------------------------------------ text

/** Files a fuzzed device table may reference: those of the example workspace, read once. */
const exampleTexts = new Map<string, string | undefined>();
const readExample = (reference: string): string | undefined => {
  const abs = path.resolve(workspace, 'devices', reference);
  if (!exampleTexts.has(abs)) {
    let text: string | undefined;
    try {
      if (abs.startsWith(workspace + path.sep) && fs.statSync(abs, { throwIfNoEntry: false })?.isFile()) text = fs.readFileSync(abs, 'utf8');
    } catch {
      // ENAMETOOLONG and the like: no such file, as pacsw check treats it
    }
    exampleTexts.set(abs, text);
  }
  return exampleTexts.get(abs);
};

function findingProblem(diagnostics: CoreDiagnostic[], what: string): Problem | undefined {
  if (diagnostics.length > MAX_DIAGNOSTICS_PER_FILE) return { kind: 'output-size', detail: `${what}: ${diagnostics.length} findings after the cap of ${MAX_DIAGNOSTICS_PER_FILE}` };
  const long = diagnostics.find((d) => d.message.length > MESSAGE_MAX);
  if (long) return { kind: 'output-size', detail: `${what}: a ${long.message.length}-character ${long.code} message: ${long.message.slice(0, 200)}` };
  return undefined;
}

function formatProblem(text: string, formatted: string, what: string): Problem | undefined {
  const bound = FORMAT_GROWTH * text.length + 1000;
  return formatted.length > bound ? { kind: 'output-size', detail: `${what}: formatting a ${text.length}-character document gave ${formatted.length} characters` } : undefined;
}

function runText(input: FuzzInput): Problem | undefined {
  const text = input.bytes.toString('utf8');
  if (input.ext === '.coerce') {
    const parsed = parseRuleFile(text);
    let shown: CoreDiagnostic[] = [];
    for (const dialect of ['strict', 'extended'] as const) {
      shown = capDiagnostics(validateRuleFile(parsed, { dialect }));
      const problem = findingProblem(shown, `validate (${dialect})`);
      if (problem) return problem;
    }
    // The server's path: the incremental validator, then the cap.
    const problem = findingProblem(capDiagnostics(createIncrementalValidator().validate(parsed, { dialect: 'strict' })), 'incremental validate');
    if (problem) return problem;
    for (const d of shown.slice(0, 20)) quickFixesFor(parsed, text, d);
    return formatProblem(text, formatRuleFile(text), 'format');
  }
  if (input.ext === '.pacs') {
    const problem = findingProblem(validateDeviceText(text, { readFile: readExample, dialect: 'strict' }).diagnostics, 'validate');
    return problem ?? formatProblem(text, formatDeviceFile(text), 'format');
  }
  const problem = findingProblem(capDiagnostics(validateRuleTest(text, { fileExists: (p) => readExample(p) !== undefined, deviceIds: () => ['CT1', 'Self'] }).diagnostics), 'validate');
  return problem ?? formatProblem(text, formatRuleTest(text), 'format');
}

// ------------------------------------------------------------------ DICOM

const ruleSets = new Map<string, RuleSetInput[]>();
const dicomIn = path.join(scratch, 'in');
const dicomOut = path.join(scratch, 'out');
fs.mkdirSync(dicomIn, { recursive: true });

function runDicom(input: FuzzInput): Problem | undefined {
  const rules = applyRulesOf(input);
  if (!ruleSets.has(rules)) ruleSets.set(rules, loadRuleSets(new Map([['rules', path.join(workspace, rules)]])));
  const inFile = path.join(dicomIn, `fuzz${input.ext}`);
  const outFile = path.join(dicomOut, `fuzz${input.ext}`);
  fs.rmSync(dicomOut, { recursive: true, force: true });
  fs.writeFileSync(inFile, input.bytes);
  const outcome = coerceFile(ruleSets.get(rules)!, inFile, outFile);
  if (outcome.reason?.includes('internal error')) return { kind: 'crash', detail: outcome.reason.slice(0, 2000) };
  const left = fs.existsSync(dicomOut) ? (fs.readdirSync(dicomOut) as string[]) : [];
  if (left.some((f) => f.endsWith('.pacsw-tmp'))) return { kind: 'half-written', detail: `temporary files left: ${left.join(', ')}` };
  if (outcome.status === 'changed' || outcome.status === 'unchanged') {
    if (!left.includes(path.basename(outFile))) return { kind: 'half-written', detail: `status ${outcome.status} but no output file` };
    try {
      loadDatasetFile(outFile);
    } catch (e) {
      return { kind: 'unreadable-output', detail: `the input was read, its output (${outcome.status}) is not: ${(e as Error).message}` };
    }
  } else if (left.length) {
    return { kind: 'half-written', detail: `status ${outcome.status} but the output folder holds ${left.join(', ')}` };
  }
  return undefined;
}

// ------------------------------------------------------------------ PDU


function runPdu(input: FuzzInput): Problem | undefined {
  const bytes = input.bytes;
  for (let at = 0; at + 6 <= bytes.length;) {
    const type = bytes[at];
    const length = bytes.readUInt32BE(at + 2);
    if (length > bytes.length - at - 6) break; // the stream ends inside this PDU
    const body = bytes.subarray(at + 6, at + 6 + length);
    at += 6 + length;
    try {
      switch (type) {
        case PDU.ASSOCIATE_RQ: decodeAssociateRq(body); break;
        case PDU.ASSOCIATE_AC: decodeAssociateAc(body); break;
        case PDU.ASSOCIATE_RJ: decodeAssociateRj(body); break;
        case PDU.ABORT: decodeAbort(body); break;
        case PDU.RELEASE_RQ: case PDU.RELEASE_RP: checkReleaseBody(body, type); break;
        case PDU.P_DATA_TF:
          for (const pdv of decodePdata(body)) if (pdv.command && pdv.last) decodeCommand(Buffer.concat(pdv.data));
          break;
        default: break;
      }
    } catch (e) {
      // PduError is the decoders' answer to a malformed PDU (the connection aborts); anything else
      // escapes the connection's handler and is a bug.
      if (!(e instanceof PduError)) return { kind: 'crash', detail: `decoding PDU type 0x${type.toString(16)} threw ${(e as Error).stack ?? String(e)}` };
    }
  }
  return undefined;
}

// ------------------------------------------------------------------ the loop

const generate = { 'core-text': (rnd: Random, c: Corpus) => anyTextInput(rnd, c, CORE_TEXT_MAX), 'core-dicom': dicomInput, 'core-pdu': pduInput }[target];
const runOne = { 'core-text': runText, 'core-dicom': runDicom, 'core-pdu': runPdu }[target];

function guarded(input: FuzzInput): Problem | undefined {
  try {
    return runOne(input);
  } catch (e) {
    return { kind: 'crash', detail: `threw: ${(e as Error).stack ?? String(e)}`.slice(0, 3000) };
  }
}

parentPort!.on('message', (request: CoreRequest) => {
  const problems: CoreReply['problems'] = [];
  let done = 0;
  if ('batch' in request) {
    const { seed, from, count } = request.batch;
    for (let n = from; n < from + count; n++) {
      Atomics.store(currentInput, 0, n);
      const problem = guarded(generate(inputRandom(seed, target, n), corpus));
      if (problem) problems.push({ n, problem });
      done++;
    }
  } else {
    const { ext, bytes, mutations } = request.one;
    const problem = guarded({ ext, bytes: Buffer.from(bytes), mutations });
    if (problem) problems.push({ n: -1, problem });
    done = 1;
  }
  const reply: CoreReply = { id: request.id, done, problems, heapUsed: v8.getHeapStatistics().used_heap_size };
  parentPort!.postMessage(reply);
});
