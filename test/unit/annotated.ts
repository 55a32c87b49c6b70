/**
 * Diagnostics written under the text they point at, the way the spec shows them:
 *
 *   (0008,0080)=concatt("a")
 *   //          ^^^^^^^ unknown-function
 *
 * An annotation line is carets (`^`, or one `|` for an empty range) under the columns of the
 * range, then the code, then the severity in parentheses unless it is an error. It may start
 * with `//` when the range starts at column 2 or later; columns count from the start of the
 * line either way. It annotates the nearest text line above it; several may follow one line.
 * A range that runs past its line ends with `(to line:character)`, 1-based like an editor's.
 */
import * as assert from 'node:assert/strict';
import type { CoreDiagnostic } from '../../core/src/diagnostics';

const ANNOTATION = /^(?:\/\/)?\s*[\^|]/;

/** `source` without the common indentation of its lines and without its first and last blank lines. */
function dedent(source: string): string[] {
  const lines = source.replace(/^[ \t]*\n/, '').replace(/\n[ \t]*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0).trimEnd());
}

/** The text an annotated source annotates (every annotation line left out). */
export function annotatedText(source: string): string {
  return dedent(source).filter((l) => !ANNOTATION.test(l)).join('\n');
}

/** `text` with `diagnostics` written under their lines, in the annotated form. */
export function annotate(text: string, diagnostics: readonly CoreDiagnostic[]): string {
  const lines = text.split('\n');
  const under = new Map<number, string[]>();
  const sorted = [...diagnostics].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (const d of sorted) {
    const { start, end } = d.range;
    const lineLength = lines[start.line]?.length ?? 0;
    const sameLine = end.line === start.line;
    const width = sameLine ? end.character - start.character : Math.max(1, lineLength - start.character);
    const marks = width === 0 ? '|' : '^'.repeat(width);
    const pad = start.character >= 2 ? '//' + ' '.repeat(start.character - 2) : ' '.repeat(start.character);
    const to = sameLine ? '' : ` (to ${end.line + 1}:${end.character + 1})`;
    const severity = d.severity === 'error' ? '' : ` (${d.severity})`;
    const row = under.get(start.line) ?? [];
    row.push(`${pad}${marks} ${d.code}${severity}${to}`);
    under.set(start.line, row);
  }
  return lines.flatMap((l, i) => [l, ...(under.get(i) ?? [])]).join('\n');
}

/**
 * Runs `diagnose` on the text of `source` and asserts that its diagnostics (those `keep` keeps)
 * are exactly the annotated ones; returns them for checks of message and data.
 */
export function expectDiagnostics(
  source: string,
  diagnose: (text: string) => readonly CoreDiagnostic[],
  keep: (d: CoreDiagnostic) => boolean = () => true,
): CoreDiagnostic[] {
  const text = annotatedText(source);
  const found = diagnose(text).filter(keep);
  assert.equal(annotate(text, found), dedent(source).join('\n'));
  return found;
}
