/**
 * Every code a device-table (`.pacs`) diagnostic can carry, and the `data` each one carries. The
 * parser and validator report only these codes, the quick fix switches on them, and
 * docs/device-language.md documents each one (test/unit/diagnostic-docs.test.ts checks).
 * Adding a code: its name in a list here (and its data row if it has data), a row in the docs' table.
 */
import type { CodeData } from '../diagnostics';

/** `data` of an `unknown-field` diagnostic when a known field is close. */
export interface UnknownFieldData { replacement: string }
/** `data` of a `rule-file-errors` diagnostic: the referenced file and how many errors it has. */
export interface RuleFileErrorsData { path: string; errors: number }

/** The catalogue, in the order of the docs: codes the parser reports, then the validator's. */
export const DEVICE_SYNTAX_CODES = [
  'expected-block', 'missing-name', 'missing-open-brace', 'missing-close-brace',
  'unexpected-brace', 'unexpected-text', 'expected-field', 'unterminated-string', 'unknown-block',
] as const;
export const DEVICE_SEMANTIC_CODES = [
  'unknown-field', 'duplicate-field', 'missing-field', 'missing-value', 'extra-value',
  'unexpected-block', 'duplicate-id', 'multiple-servers', 'no-server', 'ae-too-long',
  'ae-invalid', 'ae-blank', 'invalid-port', 'no-port', 'invalid-host', 'invalid-number',
  'invalid-timer', 'invalid-bool', 'unknown-type', 'workstation-retired', 'hl7-legacy',
  'unknown-category', 'zero-connections', 'unknown-service', 'service-missing-role',
  'service-role-not-applicable', 'p-only-service', 'autoget-and-autortv', 'unknown-limit',
  'limit-not-applicable', 'rules-block', 'rule-file-missing', 'rule-file-errors',
  'unknown-rule-set', 'unknown-transfer-syntax', 'max-pdu-range', 'unknown-deploy-kind',
  'deploy-url', 'deploy-credentials', 'link-not-applicable', 'link-file-missing',
  'path-outside-workspace', 'reference-unreadable', 'too-many-problems',
] as const;

export type DeviceSyntaxCode = (typeof DEVICE_SYNTAX_CODES)[number];
export type DeviceCode = DeviceSyntaxCode | (typeof DEVICE_SEMANTIC_CODES)[number];

/** The `data` of the codes that carry some; every other code carries none. */
interface DeviceDataRows {
  'unknown-field': UnknownFieldData | undefined;
  'rule-file-errors': RuleFileErrorsData;
}

/** The `data` a diagnostic with code C carries (undefined: none). */
export type DeviceData<C extends DeviceCode> = CodeData<DeviceCode, DeviceDataRows, C>;

export const ALL_DEVICE_CODES: readonly DeviceCode[] = [...DEVICE_SYNTAX_CODES, ...DEVICE_SEMANTIC_CODES];
