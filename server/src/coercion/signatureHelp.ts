/** Signature help: the innermost open call at the cursor and the argument being typed. */
import type { Position, SignatureHelp, SignatureInformation } from 'vscode-languageserver/node';
import type { CallNode, Expression, LineNode } from '../../../core/src/coercion/ast';
import { lookupFunction, signatureLabel } from '../../../core/src/coercion/functions';
import { comparePositions } from '../../../core/src/text/range';
import { walkRule } from './syntax';

export const SIGNATURE_TRIGGER_CHARACTERS = ['(', ','];
export const SIGNATURE_RETRIGGER_CHARACTERS = [')'];

/** The innermost call whose parentheses enclose the cursor, and the active argument's index. */
export function callAt(line: LineNode, position: Position): { call: CallNode; argument: number } | undefined {
  if (line.kind !== 'Rule') return undefined;
  let best: CallNode | undefined;
  walkRule(line, (e: Expression) => {
    if (e.kind !== 'Call' || !e.openParenRange) return;
    const afterOpen = comparePositions(position, e.openParenRange.end) >= 0;
    const beforeClose = !e.closeParenRange || comparePositions(position, e.closeParenRange.start) <= 0;
    if (afterOpen && beforeClose) best = e; // depth first: later hits are inner calls
  });
  if (!best) return undefined;
  const argument = best.commaRanges.filter((c) => comparePositions(c.end, position) <= 0).length;
  return { call: best, argument };
}

export function signatureHelpCoercion(line: LineNode, position: Position): SignatureHelp | null {
  const found = callAt(line, position);
  const f = found && lookupFunction(found.call.name);
  if (!found || !f) return null;
  const label = signatureLabel(f);
  const params = [...f.params, ...(f.repeats ? [{ name: `${f.repeats.name}...`, doc: f.repeats.doc }] : [])];
  // Parameter labels as [start, end) offsets into the label, so repeated names cannot confuse it.
  let from = label.indexOf('(') + 1;
  const parameters = params.map((p) => {
    const start = label.indexOf(p.name, from);
    from = start + p.name.length;
    return { label: [start, start + p.name.length] as [number, number], documentation: p.doc };
  });
  const signature: SignatureInformation = {
    label,
    documentation: { kind: 'markdown', value: `${f.summary}\n\n**NULL:** ${f.nullBehaviour}` },
    parameters,
  };
  const activeParameter = Math.min(found.argument, Math.max(params.length - 1, 0));
  return { signatures: [signature], activeSignature: 0, activeParameter };
}
