/**
 * Quick fixes for coercion diagnostics. The edits come from core (quickfix.ts), so the editor,
 * the CLI's --fix and the unit tests apply exactly the same change.
 */
import { CodeActionKind, type CodeAction, type CodeActionContext, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { RuleFileNode } from '../../../core/src/coercion/ast';
import { quickFixesFor } from '../../../core/src/coercion/quickfix';
import type { CoreDiagnostic } from '../../../core/src/diagnostics';
import type { CoercionDialect } from '../languages';
import { DIAGNOSTIC_SOURCE, sameRange, toCoreDiagnostic, toLspTextEdit } from '../convert';
import { COMMANDS, INTERNAL_COMMANDS } from '../../../core/src/contributes';
import { clientFeatures } from '../clientFeatures';

export interface CodeActionInput {
  uri: string;
  file: RuleFileNode;
  text: string;
  /** The current diagnostics of the document, with their `data`. */
  current: readonly CoreDiagnostic[];
  context: CodeActionContext;
  range: Range;
  dialect: CoercionDialect;
}

export function codeActionsCoercion(input: CodeActionInput): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of input.context.diagnostics) {
    if (diagnostic.source !== undefined && diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    if (input.context.only && !input.context.only.some((k) => k === CodeActionKind.QuickFix || k.startsWith(`${CodeActionKind.QuickFix}.`))) continue;
    const core = matchCurrent(diagnostic, input.current);
    for (const fix of quickFixesFor(input.file, input.text, core)) {
      if (fix.snippet) {
        // Placeholders need the client's help; a client without the command gets no such fix.
        if (clientFeatures.insertSnippetCommand) {
          actions.push({
            title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred,
            command: { title: fix.title, command: INTERNAL_COMMANDS.insertSnippet, arguments: [input.uri, fix.snippet.at, fix.snippet.text] },
          });
        }
        continue;
      }
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.isPreferred,
        edit: { changes: { [input.uri]: fix.edits.map(toLspTextEdit) } },
      });
    }
    if (core.code === 'extension-function' && input.dialect === 'strict') {
      actions.push({
        title: 'Allow extension functions (switch to the extended dialect)',
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: 'Toggle coercion dialect', command: COMMANDS.toggleDialect },
      });
    }
  }
  return actions;
}

/**
 * The client echoes diagnostics back, but may drop `data`; the server's own copy of the same
 * diagnostic (same code and range) is the reliable one.
 */
function matchCurrent(d: Diagnostic, current: readonly CoreDiagnostic[]): CoreDiagnostic {
  const own = current.find((c) => c.code === String(d.code) && sameRange(c.range, d.range));
  return own ?? toCoreDiagnostic(d);
}
