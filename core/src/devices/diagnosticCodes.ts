/**
 * Every code a device-table (`.pacs`) diagnostic can carry, and the `data` each one carries. The
 * parser and validator report only these codes, the quick fix switches on them, and
 * docs/device-language.md documents each one (test/unit/diagnostic-docs.test.ts checks).
 * Adding a code: a row in both lists here, a row in the docs' table.
 */
import type { CoreDiagnostic, SameMembers } from '../diagnostics';

/** `data` of an `unknown-field` diagnostic when a known field is close. */
export interface UnknownFieldData { replacement: string }
/** `data` of a `rule-file-errors` diagnostic: the referenced file and how many errors it has. */
export interface RuleFileErrorsData { path: string; errors: number }

/** The catalogue: code → who reports it (`syntax`: the parser, `semantic`: the validator). */
export const DEVICE_CODES = {
  'expected-block': 'syntax',
  'missing-name': 'syntax',
  'missing-open-brace': 'syntax',
  'missing-close-brace': 'syntax',
  'unexpected-brace': 'syntax',
  'unexpected-text': 'syntax',
  'expected-field': 'syntax',
  'unterminated-string': 'syntax',
  'unknown-block': 'syntax',
  'unknown-field': 'semantic',
  'duplicate-field': 'semantic',
  'missing-field': 'semantic',
  'missing-value': 'semantic',
  'extra-value': 'semantic',
  'unexpected-block': 'semantic',
  'duplicate-id': 'semantic',
  'multiple-servers': 'semantic',
  'no-server': 'semantic',
  'ae-too-long': 'semantic',
  'ae-invalid': 'semantic',
  'ae-blank': 'semantic',
  'invalid-port': 'semantic',
  'no-port': 'semantic',
  'invalid-host': 'semantic',
  'invalid-number': 'semantic',
  'invalid-timer': 'semantic',
  'invalid-bool': 'semantic',
  'unknown-type': 'semantic',
  'workstation-retired': 'semantic',
  'hl7-legacy': 'semantic',
  'unknown-category': 'semantic',
  'zero-connections': 'semantic',
  'unknown-service': 'semantic',
  'service-missing-role': 'semantic',
  'service-role-not-applicable': 'semantic',
  'p-only-service': 'semantic',
  'autoget-and-autortv': 'semantic',
  'unknown-limit': 'semantic',
  'limit-not-applicable': 'semantic',
  'rules-block': 'semantic',
  'rule-file-missing': 'semantic',
  'rule-file-errors': 'semantic',
  'unknown-rule-set': 'semantic',
  'unknown-transfer-syntax': 'semantic',
  'max-pdu-range': 'semantic',
  'unknown-deploy-kind': 'semantic',
  'deploy-url': 'semantic',
  'deploy-credentials': 'semantic',
  'link-not-applicable': 'semantic',
  'link-file-missing': 'semantic',
} as const;

export type DeviceCode = keyof typeof DEVICE_CODES;
export type DeviceSyntaxCode = { [C in DeviceCode]: (typeof DEVICE_CODES)[C] extends 'syntax' ? C : never }[DeviceCode];

/** The `data` each code carries (`undefined`: none). */
export interface DeviceData {
  'expected-block': undefined;
  'missing-name': undefined;
  'missing-open-brace': undefined;
  'missing-close-brace': undefined;
  'unexpected-brace': undefined;
  'unexpected-text': undefined;
  'expected-field': undefined;
  'unterminated-string': undefined;
  'unknown-block': undefined;
  'unknown-field': UnknownFieldData | undefined;
  'duplicate-field': undefined;
  'missing-field': undefined;
  'missing-value': undefined;
  'extra-value': undefined;
  'unexpected-block': undefined;
  'duplicate-id': undefined;
  'multiple-servers': undefined;
  'no-server': undefined;
  'ae-too-long': undefined;
  'ae-invalid': undefined;
  'ae-blank': undefined;
  'invalid-port': undefined;
  'no-port': undefined;
  'invalid-host': undefined;
  'invalid-number': undefined;
  'invalid-timer': undefined;
  'invalid-bool': undefined;
  'unknown-type': undefined;
  'workstation-retired': undefined;
  'hl7-legacy': undefined;
  'unknown-category': undefined;
  'zero-connections': undefined;
  'unknown-service': undefined;
  'service-missing-role': undefined;
  'service-role-not-applicable': undefined;
  'p-only-service': undefined;
  'autoget-and-autortv': undefined;
  'unknown-limit': undefined;
  'limit-not-applicable': undefined;
  'rules-block': undefined;
  'rule-file-missing': undefined;
  'rule-file-errors': RuleFileErrorsData;
  'unknown-rule-set': undefined;
  'unknown-transfer-syntax': undefined;
  'max-pdu-range': undefined;
  'unknown-deploy-kind': undefined;
  'deploy-url': undefined;
  'deploy-credentials': undefined;
  'link-not-applicable': undefined;
  'link-file-missing': undefined;
}

// The two lists name the same codes: a code added to one and not the other fails here.
const catalogueHasEveryDataRow: SameMembers<DeviceCode, keyof DeviceData> = true;
void catalogueHasEveryDataRow;

/** A device diagnostic whose `data` is the type its code carries. */
export type DeviceDiagnostic = {
  [C in DeviceCode]: Omit<CoreDiagnostic, 'code' | 'data'> & { code: C; data?: DeviceData[C] };
}[DeviceCode];

export const ALL_DEVICE_CODES = Object.keys(DEVICE_CODES) as DeviceCode[];
