/**
 * Where each diagnostic code is explained: its section in docs/diagnostics.md (coercion rules)
 * or docs/device-language.md (device tables), for the editor's code links
 * (`codeDescription.href`) and the CLI's SARIF `helpUri`. Every code has an `id` anchor there
 * (test/unit/diagnostic-docs.test.ts).
 */
import { isCoercionCode } from './coercion/diagnosticCodes';
import { ALL_DEVICE_CODES } from './devices/diagnosticCodes';

/** The published docs folder. package.json has no `repository` yet: when the project is
 *  published, this is the one place to change. */
export const DOCS_BASE_URL = 'https://github.com/pacs-workbench/pacs-workbench/blob/main/docs';

const DEVICE_CODES: ReadonlySet<string> = new Set(ALL_DEVICE_CODES);

/** The doc page (relative to docs/) that explains `code`, or undefined for codes without one. */
export function diagnosticDocPage(code: string): string | undefined {
  if (isCoercionCode(code)) return 'diagnostics.md';
  if (DEVICE_CODES.has(code)) return 'device-language.md';
  return undefined;
}

export function diagnosticDocUrl(code: string): string | undefined {
  const page = diagnosticDocPage(code);
  return page && `${DOCS_BASE_URL}/${page}#${code}`;
}
