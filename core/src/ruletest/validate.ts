/**
 * Every finding about a rule-test file: the parser's, plus those that need to know what exists
 * (rule files, device tables, samples, device IDs), asked through callbacks so that this module
 * stays free of I/O. The server answers them from open editors and the disk, the CLI from disk.
 */
import type { CoreDiagnostic } from '../diagnostics';
import { excerpt, excerptList, excerptMiddle } from '../text/excerpt';
import type { RuleTestFile } from './ast';
import { ruleTestDiagnostic } from './diagnostics';
import { parseRuleTest } from './parser';

export interface RuleTestValidateOptions {
  /** True when the path, as written (relative to the test file's folder), is an existing file. */
  fileExists?(path: string): boolean;
  /** The device IDs a device table defines (path as written), undefined when it cannot be read. */
  deviceIds?(table: string): string[] | undefined;
}

export function validateRuleTest(text: string, options: RuleTestValidateOptions = {}): { file: RuleTestFile; diagnostics: CoreDiagnostic[] } {
  const { file, diagnostics } = parseRuleTest(text);
  const exists = options.fileExists;
  if (exists) {
    const rules = file.rules;
    if (rules?.kind === 'file' && !exists(rules.path)) {
      diagnostics.push(ruleTestDiagnostic('test-file-not-found', rules.pathRange, `no rule file "${excerptMiddle(rules.path)}" (paths are relative to this test file's folder)`));
    }
    if (rules?.kind === 'device') {
      if (!exists(rules.table)) diagnostics.push(ruleTestDiagnostic('test-file-not-found', rules.tableRange, `no device table "${excerptMiddle(rules.table)}" (paths are relative to this test file's folder)`));
      else {
        const ids = options.deviceIds?.(rules.table);
        if (ids && !ids.includes(rules.device)) {
          diagnostics.push(ruleTestDiagnostic('test-unknown-device', rules.deviceRange, `"${excerptMiddle(rules.table)}" has no device ${excerpt(rules.device)}; it has ${ids.length ? excerptList(ids) : 'no devices'} (or use Self for the server's self rules)`));
        }
      }
    }
    for (const c of file.cases) {
      if (c.sample && !exists(c.sample.path)) {
        diagnostics.push(ruleTestDiagnostic('test-file-not-found', c.sample.pathRange, `no sample "${excerptMiddle(c.sample.path)}" (paths are relative to this test file's folder)`));
      }
    }
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { file, diagnostics };
}
