/**
 * Every finding about a rule-test file, by stable code (docs/rule-tests.md lists them with the
 * fix). Values inside a test are coercion expressions: their findings keep the coercion codes.
 */
import type { CoreDiagnostic, Severity } from '../diagnostics';
import type { Range } from '../text/range';

export const RULE_TEST_DIAGNOSTICS = {
  'test-syntax': { severity: 'error', summary: 'a line that is none of the forms of a rule test' },
  'test-unknown-attribute': { severity: 'error', summary: 'an attribute keyword the DICOM dictionary does not know' },
  'test-no-rules': { severity: 'error', summary: 'the file does not say which rules it tests' },
  'test-rules-twice': { severity: 'error', summary: 'a second `rules` line' },
  'test-outside-case': { severity: 'error', summary: '`from`, `with` or `expect` before the first `case`' },
  'test-sample-twice': { severity: 'error', summary: 'a case with two `from` lines' },
  'test-duplicate-case': { severity: 'error', summary: 'two cases with the same name (snapshots are kept by name)' },
  'test-no-expectation': { severity: 'warning', summary: 'a case that expects nothing, so it cannot fail' },
  'test-file-not-found': { severity: 'error', summary: 'a rule file, device table or sample that does not exist' },
  'test-unknown-device': { severity: 'error', summary: 'a device the device table does not define' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type RuleTestCode = keyof typeof RULE_TEST_DIAGNOSTICS;

export function ruleTestDiagnostic(code: RuleTestCode, range: Range, message: string): CoreDiagnostic {
  return { code, severity: RULE_TEST_DIAGNOSTICS[code].severity, range, message };
}
