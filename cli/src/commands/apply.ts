/** `pacsw apply --rules FILE --out DIR INPUTS...`: coerce files into an output folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { coerceFile, collectInputs, type FileStatus } from '../../../core/src/dicom/coerce-file';
import { parseArgs, UsageError } from '../args';
import { loadRuleSets } from '../rules';

export const summary = 'apply rules to DICOM files and folders, writing the results to --out';
export const usage = `usage: pacsw apply --rules FILE [--before FILE] [--after FILE] --out DIR [--json] INPUTS...

INPUTS are Part 10 files, DICOM JSON files or folders (walked recursively). Each result is written
under DIR with the input's relative path; inputs are never modified.
  changed     written with the rules' changes (everything else byte for byte as it was)
  unchanged   written as an exact copy
  stopped     $(@PROCESS) became NULL: not written, as the PACS would not store it
  failed      unreadable, or the change cannot be written faithfully: not written, reason shown
Rules run in the order --before (Preceding Global), --rules (device), --after (Trailing Global).
Rule files with errors are refused before any file is touched (exit status 2).
--json prints one JSON object per file and the summary as JSON.
Exit status: 1 when any file failed, 0 otherwise.`;

/** Terminal width; a pseudo-terminal without a size reports 0. */
const columns = (): number => Math.max(40, process.stderr.columns || 80);

/** A one-line progress bar on stderr, redrawn at most ten times a second. */
class Progress {
  private last = 0;
  constructor(private readonly total: number, private readonly enabled: boolean) {}
  update(done: number, current: string): void {
    if (!this.enabled) return;
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
  const parsed = parseArgs(args, { values: ['rules', 'before', 'after', 'out'], flags: ['json'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const outDir = parsed.values.get('out');
  if (!parsed.values.has('rules')) throw new UsageError('pacsw apply needs --rules FILE');
  if (!outDir) throw new UsageError('pacsw apply needs --out DIR');
  if (parsed.positionals.length === 0) throw new UsageError('pacsw apply needs at least one input file or folder');
  const ruleSets = loadRuleSets(parsed.values);
  const json = parsed.flags.has('json');
  const inputs = collectInputs(parsed.positionals, outDir);
  fs.mkdirSync(outDir, { recursive: true });

  const counts: Record<FileStatus, number> = { changed: 0, unchanged: 0, stopped: 0, failed: 0 };
  const progress = new Progress(inputs.length, !json && process.stderr.isTTY === true);
  const claimed = new Map<string, string>();
  inputs.forEach(({ file, relative, missing }, index) => {
    progress.update(index, relative);
    const output = path.join(outDir, relative);
    const resolved = path.resolve(output);
    const earlier = claimed.get(resolved);
    const outcome = missing
      ? { input: file, status: 'failed' as const, reason: missing }
      : earlier
        ? { input: file, status: 'failed' as const, reason: `${file} and ${earlier} both map to ${output}; give them separately` }
        : coerceFile(ruleSets, file, output);
    if (!missing) claimed.set(resolved, file);
    counts[outcome.status]++;
    if (json) {
      console.log(JSON.stringify({ input: file, output: outcome.status === 'changed' || outcome.status === 'unchanged' ? output : null, status: outcome.status, reason: outcome.reason ?? null, changes: outcome.result?.changes.length ?? 0 }));
    } else if (outcome.status === 'failed' || outcome.status === 'stopped') {
      progress.clear();
      process.stderr.write(`${outcome.status}: ${file}: ${outcome.reason}\n`);
    }
  });
  progress.update(inputs.length, '');
  progress.clear();
  if (json) console.log(JSON.stringify({ summary: { files: inputs.length, ...counts } }));
  else console.log(`${inputs.length} file${inputs.length === 1 ? '' : 's'}: ${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.stopped} stopped, ${counts.failed} failed`);
  return counts.failed > 0 ? 1 : 0;
}
