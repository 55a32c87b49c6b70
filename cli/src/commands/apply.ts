/** `pacsw apply --rules FILE --out DIR INPUTS...`: coerce files into an output folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { collectInputs, type FileStatus } from '../../../core/src/dicom/coerceFile';
import { defaultThreads, runApplyJobs, type ApplyJob } from '../applyPool';
import { parseArgs, UsageError } from '../args';
import { loadRuleSets } from '../rules';

export const summary = 'apply rules to DICOM files and folders, writing the results to --out';
export const usage = `usage: pacsw apply --rules FILE [--before FILE] [--after FILE] --out DIR [--json] [--jobs N] INPUTS...

INPUTS are Part 10 files, DICOM JSON files or folders (walked recursively). Each result is written
under DIR with the input's relative path; inputs are never modified.
  changed     written with the rules' changes (every other element as it was; the lengths
              around a change are recomputed)
  unchanged   written as an exact copy
  stopped     $(@PROCESS) became NULL: not written, as the PACS would not store it
  failed      unreadable, or the change cannot be written faithfully: not written, reason shown
  skipped     found in a folder but not DICOM (no DICM preamble, not DICOM JSON, not a bare
              data set; e.g. a README): not written. A file named itself must be DICOM.
Rules run in the order --before (Preceding Global), --rules (device), --after (Trailing Global).
Rule files with errors are refused before any file is touched (exit status 2).
--json prints one JSON object per file and the summary as JSON.
--jobs N: threads working on the files (default: one per idle CPU by the load average, at
most 4; one on machines of 1-2 CPUs and for batches of fewer than 100 files). Results are
printed in input order whatever N is.
Ctrl+C stops before the next file; files already being written are finished (exit status 130).
Exit status: 1 when any file failed, 0 otherwise.`;

/** Terminal width; a pseudo-terminal without a size reports 0. */
const columns = (): number => Math.max(40, process.stderr.columns || 80);

/** A one-line progress bar on stderr, redrawn at most ten times a second. */
class Progress {
  private last = 0;
  constructor(private readonly total: number, readonly enabled: boolean) {}
  update(done: number, current: string): void {
    const now = Date.now();
    if (done < this.total && now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const filled = Math.round((done / Math.max(1, this.total)) * width);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total} ${current}`;
    process.stderr.write(`\r${line.slice(0, columns() - 1).padEnd(columns() - 1)}`);
  }
  clear(): void {
    if (this.enabled) process.stderr.write(`\r${' '.repeat(columns() - 1)}\r`);
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['rules', 'before', 'after', 'out', 'jobs'], flags: ['json'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const outDir = parsed.values.get('out');
  if (!parsed.values.has('rules')) throw new UsageError('pacsw apply needs --rules FILE');
  if (!outDir) throw new UsageError('pacsw apply needs --out DIR');
  if (parsed.positionals.length === 0) throw new UsageError('pacsw apply needs at least one input file or folder');
  const threads = parsed.values.has('jobs') ? Number(parsed.values.get('jobs')) : defaultThreads(os.availableParallelism(), os.loadavg()[0]);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${parsed.values.get('jobs')}"`);
  const ruleSets = loadRuleSets(parsed.values);
  const json = parsed.flags.has('json');
  const inputs = collectInputs(parsed.positionals, outDir);
  fs.mkdirSync(outDir, { recursive: true });

  // Two inputs that would write the same output: the later one fails rather than overwrite.
  const claimed = new Map<string, string>();
  const jobs: ApplyJob[] = inputs.map(({ file, relative, missing, found }) => {
    const output = path.join(outDir, relative);
    const resolved = path.resolve(output);
    const earlier = claimed.get(resolved);
    if (!missing && !earlier) claimed.set(resolved, file);
    const failed = missing ?? (earlier ? `${file} and ${earlier} both map to ${output}; give them separately` : undefined);
    return { input: file, output, failed, found };
  });

  // Ctrl+C: no new file is started; those being written are finished, so none is left half done.
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  const counts: Record<FileStatus, number> = { changed: 0, unchanged: 0, stopped: 0, failed: 0, skipped: 0 };
  const progress = new Progress(inputs.length, !json && process.stderr.isTTY === true);
  let shown = 0;
  let finished: number;
  try {
    finished = await runApplyJobs({
      ruleSets, ruleOptions: parsed.values, jobs, threads, signal: interrupt.signal,
      onWorkerError(message) {
        progress.clear();
        process.stderr.write(`pacsw apply: a worker thread stopped (${message}); the main thread does its files\n`);
      },
      onResult(index, result) {
        const { input, output } = jobs[index];
        // Only a terminal shows progress: the relative path is not made for every file of a script's run.
        shown++;
        if (progress.enabled) progress.update(shown, path.relative(outDir, output));
        counts[result.status]++;
        if (json) {
          console.log(JSON.stringify({ input, output: result.status === 'changed' || result.status === 'unchanged' ? output : null, status: result.status, reason: result.reason ?? null, changes: result.changes, ...(result.warnings ? { warnings: result.warnings } : {}) }));
        } else {
          if (result.warnings || result.status === 'failed' || result.status === 'stopped') progress.clear();
          for (const warning of result.warnings ?? []) process.stderr.write(`warning: ${input}: ${warning}\n`);
          if (result.status === 'failed' || result.status === 'stopped') process.stderr.write(`${result.status}: ${input}: ${result.reason}\n`);
        }
      },
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  progress.clear();
  const interrupted = inputs.length - finished;
  if (json) console.log(JSON.stringify({ summary: { files: inputs.length, ...counts, ...(interrupted ? { interrupted } : {}) } }));
  else {
    console.log(`${inputs.length} file${inputs.length === 1 ? '' : 's'}: ${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.stopped} stopped, ${counts.failed} failed`
      + (counts.skipped ? `, ${counts.skipped} skipped (not DICOM)` : '')
      + (interrupted ? `; interrupted, ${interrupted} not processed` : ''));
  }
  if (interrupted) return 130;
  return counts.failed > 0 ? 1 : 0;
}
