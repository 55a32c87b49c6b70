/**
 * Core ↔ LSP type conversion. The core uses LSP's position convention (0-based line, UTF-16
 * character), so ranges pass through; only severities, tags and edits change shape here.
 */
import {
  Diagnostic,
  DiagnosticSeverity,
  DiagnosticTag,
  type Range as LspRange,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import type { CoreDiagnostic, Severity } from '../../core/src/diagnostics';
import type { Range } from '../../core/src/text/range';

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
    message: d.message,
  };
  if (d.tags?.length) {
    out.tags = d.tags.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
  }
  // Quick fixes key on `data` (suggested names, replacement text); it travels with the diagnostic.
  if (d.data !== undefined) out.data = d.data;
  return out;
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

export function toLspTextEdit(e: { range: Range; newText: string }): LspTextEdit {
  return { range: toLspRange(e.range), newText: e.newText };
}

export function sameRange(a: LspRange, b: LspRange): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character
    && a.end.line === b.end.line && a.end.character === b.end.character;
}
