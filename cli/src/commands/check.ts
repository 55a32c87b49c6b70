/** `pacsw check FILES...`: the editor's diagnostics for coercion rule files and device tables. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRuleFile, splitLines } from '../../../core/src/coercion/fileParser';
import { validateRuleFile, type CoercionDialect } from '../../../core/src/coercion/validate';
import { diskReferences, readNamedTextFile } from '../../../core/src/files/referencedFiles';
import { validateDeviceText } from '../../../core/src/devices/validate';
import { validateRuleTest } from '../../../core/src/ruletest/validate';
import { capDiagnostics, type CoreDiagnostic, type TooManyProblemsData } from '../../../core/src/diagnostics';
import { parseArgs, UsageError } from '../args';
import { formatDiagnostic } from '../rules';
import { toSarif, type Finding } from '../sarif';
import { PACSW_VERSION } from '../version';

export const summary = 'report problems in coercion rule files and device tables (as the editor shows them)';
export const usage = `usage: pacsw check [--dialect strict|extended] [--format text|json|sarif] FILES...

FILES are coercion rule files, device tables (*.pacs; rule files they reference are read
relative to the .pacs file and checked too), or rule tests (*.coerce-test, docs/rule-tests.md).
Paths in a .pacs file stay inside its repository (else its folder): set
PACSW_ALLOW_OUTSIDE_PATHS=1 to allow others.
Prints one line per problem: file:line:col: severity code message
--format     text (default): one line per problem with a code frame, then a summary;
             json: a JSON array of {file, line, column, endLine, endColumn, severity, code, message}
             (line and column 1-based); sarif: a SARIF 2.1.0 log for code-scanning tools
--json       the same as --format json
--dialect    strict (default): only what eRAD PACS documents; extended: also our extension functions
Exit status: 1 when any file has an error (or cannot be read), 0 otherwise.`;

/** A file's findings, at most MAX_DIAGNOSTICS_PER_FILE of them, as the editor shows them. */
export function diagnosticsOf(file: string, text: string, dialect: CoercionDialect): CoreDiagnostic[] {
  return capDiagnostics(allDiagnosticsOf(file, text, dialect));
}

function allDiagnosticsOf(file: string, text: string, dialect: CoercionDialect): CoreDiagnostic[] {
  if (file.toLowerCase().endsWith('.coerce-test')) {
    const fileExists = (p: string): boolean => {
      try {
        return fs.statSync(path.resolve(path.dirname(file), p), { throwIfNoEntry: false })?.isFile() === true;
      } catch {
        return false; // ENAMETOOLONG, ENOTDIR, EACCES: not a file it can use (found by the fuzzer)
      }
    };
    return validateRuleTest(text, { fileExists }).diagnostics;
  }
  if (!file.toLowerCase().endsWith('.pacs')) return validateRuleFile(parseRuleFile(text), { dialect });
  return validateDeviceText(text, { ...diskReferences(file), dialect }, file).diagnostics;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['dialect', 'format'], flags: ['json'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const dialect = parsed.values.get('dialect') ?? 'strict';
  if (dialect !== 'strict' && dialect !== 'extended') throw new UsageError(`--dialect must be strict or extended, not "${dialect}"`);
  const format = outputFormat(parsed.values.get('format'), parsed.flags.has('json'));
  if (parsed.positionals.length === 0) throw new UsageError('pacsw check needs at least one rule file');

  const findings: Finding[] = [];
  let errors = 0;
  const counts = { error: 0, warning: 0, other: 0 };
  const filesWithProblems = new Set<string>();
  const paint = painter(process.stdout.isTTY === true, process.env);
  const report = (file: string, d: CoreDiagnostic, lines: readonly string[] | undefined): void => {
    if (d.severity === 'error') errors++;
    if (format !== 'text') {
      findings.push({ file, diagnostic: d });
      return;
    }
    counts[d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'other']++;
    filesWithProblems.add(file);
    console.log(paint.severity(d.severity, formatDiagnostic(file, d)));
    if (lines !== undefined) for (const line of codeFrame(lines, d, paint)) console.log(line);
    const help = cliHelp(d);
    if (help) console.log(`  ${paint.bold('help:')} ${help}`);
  };
  for (const file of parsed.positionals) {
    let text: string;
    try {
      text = readNamedTextFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code ? `cannot read (${code})` : `cannot read: ${(error as Error).message}`;
      report(file, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: 'unreadable', message }, undefined);
      continue;
    }
    // Split once per file, not once per finding: a file with thousands of findings was quadratic.
    let lines: string[] | undefined;
    // Lines end at \r\n, \n or a lone \r, as in the parsers (and LSP): a finding's line is theirs.
    for (const d of diagnosticsOf(file, text, dialect as CoercionDialect)) report(file, d, (lines ??= splitLines(text)));
  }
  if (format === 'json') console.log(JSON.stringify(findings.map(({ file, diagnostic: d }) => jsonFinding(file, d)), null, 2));
  else if (format === 'sarif') console.log(JSON.stringify(toSarif(findings, { name: 'pacsw', version: PACSW_VERSION }), null, 2));
  else if (filesWithProblems.size) console.log(paint.bold(closingSummary(counts, filesWithProblems.size)));
  return errors > 0 ? 1 : 0;
}

type OutputFormat = 'text' | 'json' | 'sarif';

function outputFormat(value: string | undefined, json: boolean): OutputFormat {
  if (value !== undefined && value !== 'text' && value !== 'json' && value !== 'sarif') {
    throw new UsageError(`--format must be text, json or sarif, not "${value}"`);
  }
  if (json && value !== undefined && value !== 'json') throw new UsageError(`--json and --format ${value} ask for two different outputs: give one`);
  return json ? 'json' : value ?? 'text';
}

function jsonFinding(file: string, d: CoreDiagnostic): object {
  return {
    file, line: d.range.start.line + 1, column: d.range.start.character + 1,
    endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
    severity: d.severity, code: d.code, message: d.message,
    // The last finding of a capped file says how many were left out, for tools as well as people.
    ...(d.code === 'too-many-problems' ? { omitted: (d.data as TooManyProblemsData).omitted } : {}),
  };
}

/** How to fix it on the command line, where the editor's hint would name its setting. */
function cliHelp(d: CoreDiagnostic): string | undefined {
  if ((d.code === 'extension-function' && d.severity === 'error') || (d.code === 'unknown-function' && / allowed only in the extended dialect\.$/.test(d.message))) {
    return 'run with --dialect extended to allow PACS Workbench extension functions';
  }
  return undefined;
}

/** "4 errors, 1 warning in 2 files" */
export function closingSummary(counts: { error: number; warning: number; other: number }, files: number): string {
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  const parts = [n(counts.error, 'error'), n(counts.warning, 'warning')];
  if (counts.other) parts.push(n(counts.other, 'note'));
  return `${parts.join(', ')} in ${n(files, 'file')}`;
}

const FRAME_LEAD = 40;
const FRAME_WIDTH = 200;

/** The line of the problem with a caret under it, as rustc and ESLint's codeframe print it. */
export function codeFrame(lines: readonly string[], d: CoreDiagnostic, paint: Painter): string[] {
  const { end } = d.range;
  const source = lines[d.range.start.line];
  if (source === undefined) return [];
  // A range past the end of its line (a placeholder at the end) gets its caret right after the text.
  const start = { line: d.range.start.line, character: Math.min(d.range.start.character, source.length) };
  const number = String(start.line + 1);
  const gutter = ' '.repeat(number.length);
  const width = end.line === start.line ? Math.max(1, end.character - start.character) : Math.max(1, source.length - start.character);
  // A window of the line around the problem, so a problem deep in a long line prints a short
  // frame (the caret's indent as well as the text stays bounded).
  const from = start.character > FRAME_LEAD ? start.character - FRAME_LEAD : 0;
  const to = Math.min(source.length, from + FRAME_WIDTH);
  const visible = (from > 0 ? '…' : '') + source.slice(from, to) + (to < source.length ? '…' : '');
  const indent = start.character - from + (from > 0 ? 1 : 0);
  return [
    `  ${paint.dim(`${number} |`)} ${visible}`,
    `  ${paint.dim(`${gutter} |`)} ${' '.repeat(indent)}${paint.severity(d.severity, '^'.repeat(Math.min(width, to - start.character || 1)))}`,
  ];
}

interface Painter {
  severity(severity: string, text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

/** Colour on a terminal; NO_COLOR (any value) turns it off, FORCE_COLOR (not 0) on. */
export function painter(isTerminal: boolean, env: NodeJS.ProcessEnv): Painter {
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const on = env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? false : force || isTerminal;
  const sgr = (code: string) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
  const colours: Record<string, (t: string) => string> = { error: sgr('31'), warning: sgr('33'), information: sgr('36'), hint: sgr('36') };
  return { severity: (sev, text) => (colours[sev] ?? ((t: string) => t))(text), bold: sgr('1'), dim: sgr('2') };
}
