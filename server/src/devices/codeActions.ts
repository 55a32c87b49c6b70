/**
 * Quick fixes in .pacs files. Diagnostics inside an inline `rules { }` block get the coercion
 * language's quick fixes (their edits are already in .pacs coordinates, see documents.ts);
 * a misspelt field name gets "Change to `host`" from the validator's suggestion.
 */
import { CodeActionKind, type CodeAction, type CodeActionContext, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { CoreDiagnostic } from '../../../core/src/diagnostics';
import type { InlineRulesNode } from '../../../core/src/devices/ast';
import type { CoercionDialect } from '../languages';
import { DIAGNOSTIC_SOURCE, sameRange, toLspRange } from '../convert';
import { codeActionsCoercion } from '../coercion/codeActions';
import type { DeviceAnalysis } from './documents';

export interface DeviceCodeActionInput {
  analysis: DeviceAnalysis;
  /** The document's current diagnostics, with their `data`. */
  current: readonly CoreDiagnostic[];
  context: CodeActionContext;
  range: Range;
  dialect: CoercionDialect;
}

export function codeActionsDevices(input: DeviceCodeActionInput): CodeAction[] {
  const { analysis: a, context } = input;
  if (context.only && !context.only.some((k) => k === CodeActionKind.QuickFix || k.startsWith(`${CodeActionKind.QuickFix}.`))) return [];
  const actions: CodeAction[] = [];
  // Group the diagnostics of each inline block, so the coercion fixes see one rule file at a time.
  const byRules = new Map<InlineRulesNode, Diagnostic[]>();
  for (const d of context.diagnostics) {
    if (d.source !== undefined && d.source !== DIAGNOSTIC_SOURCE) continue;
    const inline = a.inlineRulesAt(d.range.start.line);
    if (inline) {
      byRules.set(inline.rules, [...(byRules.get(inline.rules) ?? []), d]);
      continue;
    }
    const fix = fieldNameFix(a.uri, d, input.current);
    if (fix) actions.push(fix);
  }
  for (const [rules, diagnostics] of byRules) {
    actions.push(...codeActionsCoercion({
      uri: a.uri,
      file: a.ruleTree(rules),
      text: a.ruleText(rules),
      current: input.current,
      context: { ...context, diagnostics },
      range: input.range,
      dialect: input.dialect,
    }));
  }
  return actions;
}

function fieldNameFix(uri: string, d: Diagnostic, current: readonly CoreDiagnostic[]): CodeAction | undefined {
  if (d.code !== 'unknown-field') return undefined;
  const own = current.find((c) => c.code === 'unknown-field' && sameRange(c.range, d.range));
  const replacement = ((own?.data ?? d.data) as { replacement?: string } | undefined)?.replacement;
  if (!replacement) return undefined;
  return {
    title: `Change to \`${replacement}\``,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [uri]: [{ range: toLspRange(d.range), newText: replacement }] } },
  };
}
