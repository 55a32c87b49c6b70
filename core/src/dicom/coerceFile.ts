/**
 * One file through the rules: read, evaluate, write. Used by `pacsw apply` and the benchmark.
 * The output is written only when the whole file succeeded (atomically); a stopped or failed
 * object leaves nothing behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateRules, type EvaluateOptions, type EvaluationResult, type RuleSetInput } from '../coercion/evaluate';
import { DicomFileError, loadDatasetFile, writeFileAtomic } from './files';
import { OutputCheckError } from './part10Dataset';

/** `skipped`: found in a folder and not DICOM at all (a README, a text dump); nothing written. */
export type FileStatus = 'changed' | 'unchanged' | 'stopped' | 'failed' | 'skipped';

/** A file named like this is meant to be DICOM: when it is not, it is damaged (failed), never skipped. */
const MEANT_AS_DICOM = /\.(dcm|dicom|dic)$/i;

/** Whether a read failure means "not DICOM, skip it": only for a file found in a folder and not named as DICOM. */
export function skipsAsNotDicom(error: DicomFileError, input: string, found: boolean | undefined): boolean {
  return error.notDicom && !!found && !MEANT_AS_DICOM.test(input);
}

export interface CoerceFileOptions extends EvaluateOptions {
  /** The file was found by walking a folder: when it is not DICOM, skip it instead of failing. */
  skipNotDicom?: boolean;
}

export interface FileOutcome {
  input: string;
  output?: string;
  status: FileStatus;
  /** Why it failed, or which rule stopped it. */
  reason?: string;
  /** What the reader inferred about the input (a missing Transfer Syntax UID), for the user to know. */
  warnings?: string[];
  result?: EvaluationResult;
}

export function coerceFile(ruleSets: RuleSetInput[], input: string, output: string, options: CoerceFileOptions = {}): FileOutcome {
  try {
    return coerceFileOrThrow(ruleSets, input, output, options);
  } catch (error) {
    // A bug must cost one file, not the batch; the message says it is ours.
    return { input, status: 'failed', reason: `internal error (please report): ${(error as Error).stack ?? String(error)}` };
  }
}

function coerceFileOrThrow(ruleSets: RuleSetInput[], input: string, output: string, options: CoerceFileOptions): FileOutcome {
  let loaded;
  try {
    // The evaluation result holds only strings, so the read buffer can serve the next file.
    loaded = loadDatasetFile(input, { reuseBuffer: true });
  } catch (error) {
    if (error instanceof DicomFileError) return { input, status: skipsAsNotDicom(error, input, options.skipNotDicom) ? 'skipped' : 'failed', reason: error.reason };
    throw error;
  }
  const result = evaluateRules(ruleSets, loaded.access, options);
  const warnings = loaded.warnings.length > 0 ? loaded.warnings : undefined;
  if (result.stopped) {
    const by = result.stoppedBy!;
    return { input, status: 'stopped', reason: `$(@PROCESS) set to NULL by ${by.uri ?? by.ruleSet}:${by.line + 1}; not written`, result };
  }
  if (result.errors > 0) {
    const reasons = result.trace.filter((t) => t.outcome === 'error').map((t) => `${t.uri ?? t.ruleSet}:${t.line + 1} ${t.target}: ${t.reason}`);
    return { input, status: 'failed', reason: `left untouched: ${reasons.join('; ')}`, result };
  }
  try {
    if (path.resolve(output) === path.resolve(input)) {
      return { input, status: 'failed', reason: 'the output path is the input file itself; choose another --out folder', result };
    }
    writeFileAtomic(output, loaded.serializeChunks());
  } catch (error) {
    if (error instanceof OutputCheckError) return { input, status: 'failed', reason: error.message, warnings, result };
    return { input, status: 'failed', reason: `cannot write ${output} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, warnings, result };
  }
  return { input, output, status: loaded.changed && result.changes.length > 0 ? 'changed' : 'unchanged', warnings, result };
}

/**
 * Input files with the relative path each keeps under --out; folders are walked recursively.
 * An input that does not exist is returned with `missing` set, so the batch can report it and go on.
 * Files found in folders are marked `found`: those that are not DICOM are skipped, while a
 * file named explicitly must be DICOM.
 */
export interface InputFile {
  file: string;
  relative: string;
  missing?: string;
  /** Found by walking a folder (not named itself): skipped when it is not DICOM. */
  found?: boolean;
}

export function collectInputs(inputs: string[], exclude?: string): InputFile[] {
  const out: InputFile[] = [];
  const excluded = exclude ? path.resolve(exclude) : undefined;
  const walk = (dir: string, base: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (excluded && path.resolve(full) === excluded) continue;
      if (entry.isDirectory()) walk(full, base);
      else if (entry.isFile() && !entry.name.endsWith('.pacsw-tmp')) out.push({ file: full, relative: path.relative(base, full), found: true });
    }
  };
  for (const input of inputs) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (!stat) out.push({ file: input, relative: path.basename(input), missing: 'no such file or folder' });
    else if (stat.isDirectory()) walk(input, input);
    else out.push({ file: input, relative: path.basename(input) });
  }
  return out;
}
