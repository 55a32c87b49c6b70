/**
 * Where each diagnostic code is explained: its section in docs/diagnostics.md (coercion rules)
 * or docs/device-language.md (device tables), for the editor's code links
 * (`codeDescription.href`) and the CLI's SARIF `helpUri`. Every code has an `<a id="CODE"></a>`
 * anchor there (test/unit/diagnostic-docs.test.ts).
 *
 * The links point at the docs installed with the program (the extension's or the npm package's
 * docs/ folder, next to dist/), as `file:///…/docs/diagnostics.md#L91`: package.json has no
 * `repository`, so any web address would be invented, while the installed docs exist and
 * describe the very version that reported the problem. VS Code opens a file link's `#L<line>`
 * fragment at that line (a heading's `#id` it would ignore), so the fragment is the line of the
 * code's heading (or of its table row), read from the page when the program starts.
 */
import * as path from 'node:path';
import { isCoercionCode } from './coercion/diagnosticCodes';
import { ALL_DEVICE_CODES } from './devices/diagnosticCodes';

/** The pages that explain codes, relative to docs/. */
export const DIAGNOSTIC_DOC_PAGES = ['diagnostics.md', 'device-language.md'] as const;
export type DiagnosticDocPage = (typeof DIAGNOSTIC_DOC_PAGES)[number];

const DEVICE_CODES: ReadonlySet<string> = new Set(ALL_DEVICE_CODES);

/** The doc page (relative to docs/) that explains `code`, or undefined for codes without one. */
export function diagnosticDocPage(code: string): DiagnosticDocPage | undefined {
  if (isCoercionCode(code)) return 'diagnostics.md';
  if (DEVICE_CODES.has(code)) return 'device-language.md';
  return undefined;
}

const ANCHOR = /<a id="([a-z0-9-]+)"><\/a>/g;

/**
 * The 1-based line that explains each anchored code in a Markdown page: the heading that follows
 * an anchor standing on its own line, or the table row an anchor is in.
 */
export function anchorLines(markdown: string): Map<string, number> {
  const lines = markdown.split(/\r?\n/);
  const found = new Map<string, number>();
  lines.forEach((line, index) => {
    for (const [, id] of line.matchAll(ANCHOR)) {
      if (found.has(id)) continue;
      const alone = line.replace(ANCHOR, '').trim() === '';
      let target = index;
      if (alone) while (target + 1 < lines.length && (lines[target].trim() === '' || lines[target].replace(ANCHOR, '').trim() === '')) target++;
      found.set(id, target + 1);
    }
  });
  return found;
}

/** A code's link, or undefined when its page was not found (no link beats a dead one). */
export type DiagnosticDocLinks = (code: string) => string | undefined;

export const NO_DOC_LINKS: DiagnosticDocLinks = () => undefined;

/**
 * Links into a docs folder: `docsFolderUri` is its URI (`file:///…/docs`), `pages` the text of
 * the pages that could be read.
 */
export function diagnosticDocLinks(docsFolderUri: string, pages: ReadonlyMap<DiagnosticDocPage, string>): DiagnosticDocLinks {
  const lines = new Map([...pages].map(([page, text]) => [page, anchorLines(text)] as const));
  const base = docsFolderUri.replace(/\/+$/, '');
  return (code) => {
    const page = diagnosticDocPage(code);
    const line = page && lines.get(page)?.get(code);
    return line ? `${base}/${page}#L${line}` : undefined;
  };
}

/**
 * The installed docs/ folder: the first `docs/diagnostics.md` found from `startDir` (where the
 * running bundle is, e.g. the extension's dist/) up at most four folders. `read` returns a
 * file's text or undefined (the caller does the I/O; this module stays pure).
 */
export function findDiagnosticDocs(startDir: string, read: (file: string) => string | undefined): { folder: string; pages: Map<DiagnosticDocPage, string> } | undefined {
  let dir = startDir;
  for (let up = 0; up <= 4; up++, dir = path.dirname(dir)) {
    const folder = path.join(dir, 'docs');
    const pages = new Map<DiagnosticDocPage, string>();
    for (const page of DIAGNOSTIC_DOC_PAGES) {
      const text = read(path.join(folder, page));
      if (text !== undefined) pages.set(page, text);
    }
    if (pages.size) return { folder, pages };
    if (path.dirname(dir) === dir) break;
  }
  return undefined;
}

/** The links into the docs installed beside `startDir`, or none when they are not there. */
export function installedDocLinks(startDir: string, read: (file: string) => string | undefined, fileUri: (file: string) => string): DiagnosticDocLinks {
  const docs = findDiagnosticDocs(startDir, read);
  return docs ? diagnosticDocLinks(fileUri(docs.folder), docs.pages) : NO_DOC_LINKS;
}
