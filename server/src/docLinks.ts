/** Where a diagnostic code's `codeDescription` leads: the docs installed next to this bundle. */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { installedDocLinks, type DiagnosticDocLinks } from '../../core/src/diagnosticDocs';

const readIfFile = (file: string): string | undefined => (fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? fs.readFileSync(file, 'utf8') : undefined);

/** Read once, on the first diagnostic: the docs do not change while the server runs. */
let links: DiagnosticDocLinks | undefined;

export function docLinkOf(code: string): string | undefined {
  links ??= installedDocLinks(__dirname, readIfFile, (file) => pathToFileURL(file).href);
  return links(code);
}
