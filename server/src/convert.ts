/**
 * Core ↔ LSP type conversion. The core uses LSP's position convention (0-based line, UTF-16
 * character), so ranges pass through; only severities, tags and edits change shape here.
 */
import {
  Diagnostic,
  DiagnosticSeverity,
  DiagnosticTag,
  MarkupKind,
  type Hover,
  type MarkupContent,
  type Range as LspRange,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import type { CoreDiagnostic, Severity } from '../../core/src/diagnostics';
import type { Range } from '../../core/src/text/range';
import { docLinkOf } from './docLinks';
import { settingId, SETTINGS } from '../../core/src/contributes';

/** Shown as the diagnostic's source in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'pacs-workbench';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const CORE_SEVERITY = new Map<DiagnosticSeverity, Severity>(
  Object.entries(SEVERITY).map(([k, v]) => [v, k as Severity]),
);

export function toLspRange(r: Range): LspRange {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

export function toLspDiagnostic(d: CoreDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: toLspRange(d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: editorMessage(d),
  };
  // The code is a link to its explanation, as ESLint's and rust-analyzer's are.
  const href = docLinkOf(d.code);
  if (href) out.codeDescription = { href };
  if (d.tags?.length) {
    out.tags = d.tags.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
  }
  // Quick fixes key on `data` (suggested names, replacement text); it travels with the diagnostic.
  if (d.data !== undefined) out.data = d.data;
  return out;
}

/** How to allow extensions, said the editor's way (the CLI says `--dialect extended`). */
const EDITOR_DIALECT_HINT = ` Set ${settingId(SETTINGS.dialect)} to 'extended' (or click the dialect in the status bar).`;

function editorMessage(d: CoreDiagnostic): string {
  const needsExtended = (d.code === 'extension-function' && d.severity === 'error')
    || (d.code === 'unknown-function' && / allowed only in the extended dialect\.$/.test(d.message));
  return needsExtended ? d.message + EDITOR_DIALECT_HINT : d.message;
}

/** Back from what a client returns in a code-action request (it echoes our diagnostics). */
export function toCoreDiagnostic(d: Diagnostic): CoreDiagnostic {
  return {
    range: d.range,
    severity: CORE_SEVERITY.get(d.severity ?? DiagnosticSeverity.Error) ?? 'error',
    code: String(d.code ?? ''),
    message: d.message,
    tags: d.tags?.map((t) => (t === DiagnosticTag.Deprecated ? 'deprecated' : 'unnecessary')),
    data: d.data,
  };
}

/** Markdown, the one form of our hovers' and completion items' documentation. */
export function toMarkdown(value: string): MarkupContent {
  return { kind: MarkupKind.Markdown, value };
}

/** A hover showing markdown `value` over `range`. */
export function markdownHover(value: string, range: Range): Hover {
  return { contents: toMarkdown(value), range: toLspRange(range) };
}

export function toLspTextEdit(e: { range: Range; newText: string }): LspTextEdit {
  return { range: toLspRange(e.range), newText: e.newText };
}

export function sameRange(a: LspRange, b: LspRange): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character
    && a.end.line === b.end.line && a.end.character === b.end.character;
}
