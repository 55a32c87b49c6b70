/** `pacsw check FILES...`: the editor's diagnostics for coercion rule files and device tables. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRuleFile } from '../../../core/src/coercion/fileParser';
import { validateRuleFile, type CoercionDialect } from '../../../core/src/coercion/validate';
import { diskReferences, readNamedTextFile } from '../../../core/src/devices/resolve';
import { validateDeviceText } from '../../../core/src/devices/validate';
import { validateRuleTest } from '../../../core/src/ruletest/validate';
import type { CoreDiagnostic } from '../../../core/src/diagnostics';
import { parseArgs, UsageError } from '../args';
import { formatDiagnostic } from '../rules';

export const summary = 'report problems in coercion rule files and device tables (as the editor shows them)';
export const usage = `usage: pacsw check [--dialect strict|extended] [--json] FILES...

FILES are coercion rule files, device tables (*.pacs; rule files they reference are read
relative to the .pacs file and checked too), or rule tests (*.coerce-test, docs/rule-tests.md).
Paths in a .pacs file stay inside its repository (else its folder): set
PACSW_ALLOW_OUTSIDE_PATHS=1 to allow others.
Prints one line per problem: file:line:col: severity code message
--json       print a JSON array of {file, line, column, endLine, endColumn, severity, code, message}
             (line and column 1-based)
--dialect    strict (default): only what eRAD PACS documents; extended: also our extension functions
Exit status: 1 when any file has an error (or cannot be read), 0 otherwise.`;

function diagnosticsOf(file: string, text: string, dialect: CoercionDialect): CoreDiagnostic[] {
  if (file.toLowerCase().endsWith('.coerce-test')) {
    const fileExists = (p: string): boolean => fs.statSync(path.resolve(path.dirname(file), p), { throwIfNoEntry: false })?.isFile() === true;
    return validateRuleTest(text, { fileExists }).diagnostics;
  }
  if (!file.toLowerCase().endsWith('.pacs')) return validateRuleFile(parseRuleFile(text), { dialect });
  return validateDeviceText(text, { ...diskReferences(file), dialect }, file).diagnostics;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['dialect'], flags: ['json'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const dialect = parsed.values.get('dialect') ?? 'strict';
  if (dialect !== 'strict' && dialect !== 'extended') throw new UsageError(`--dialect must be strict or extended, not "${dialect}"`);
  if (parsed.positionals.length === 0) throw new UsageError('pacsw check needs at least one rule file');

  const json: object[] = [];
  let errors = 0;
  for (const file of parsed.positionals) {
    let text: string;
    try {
      text = readNamedTextFile(file);
    } catch (error) {
      errors++;
      const code = (error as NodeJS.ErrnoException).code;
      const message = code ? `cannot read (${code})` : `cannot read: ${(error as Error).message}`;
      if (parsed.flags.has('json')) json.push({ file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'unreadable', message });
      else console.log(`${file}:1:1: error unreadable ${message}`);
      continue;
    }
    for (const d of diagnosticsOf(file, text, dialect as CoercionDialect)) {
      if (d.severity === 'error') errors++;
      if (parsed.flags.has('json')) {
        json.push({
          file, line: d.range.start.line + 1, column: d.range.start.character + 1,
          endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
          severity: d.severity, code: d.code, message: d.message,
        });
      } else {
        console.log(formatDiagnostic(file, d));
      }
    }
  }
  if (parsed.flags.has('json')) console.log(JSON.stringify(json, null, 2));
  return errors > 0 ? 1 : 0;
}
