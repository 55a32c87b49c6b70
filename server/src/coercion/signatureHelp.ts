/** Signature help: the innermost open call at the cursor and the argument being typed. */
import type { Position, SignatureHelp, SignatureInformation } from 'vscode-languageserver/node';
import type { RuleFileNode } from '../../../core/src/coercion/ast';
import { lookupFunction, signatureLabel } from '../../../core/src/coercion/functions';
import { callAt } from '../../../core/src/coercion/tree';
import { toMarkdown } from '../convert';

export const SIGNATURE_TRIGGER_CHARACTERS = ['(', ','];
export const SIGNATURE_RETRIGGER_CHARACTERS = [')'];

export function signatureHelpCoercion(file: RuleFileNode, position: Position): SignatureHelp | null {
  const found = callAt(file, position);
  const f = found && lookupFunction(found.call.name);
  if (!found || !f) return null;
  const label = signatureLabel(f);
  const params = [...f.params, ...(f.repeats ? [{ name: `${f.repeats.name}...`, doc: f.repeats.doc }] : [])];
  // Parameter labels as [start, end) offsets into the label, so repeated names cannot confuse it.
  let from = label.indexOf('(') + 1;
  const parameters = params.map((p) => {
    const start = label.indexOf(p.name, from);
    from = start + p.name.length;
    // Markdown, named, so the line reads as the parameter's own help rather than a stray word.
    return { label: [start, start + p.name.length] as [number, number], documentation: toMarkdown(`\`${p.name}\`: ${p.doc}`) };
  });
  const signature: SignatureInformation = {
    label,
    documentation: toMarkdown(`${f.summary}\n\n**NULL:** ${f.nullBehaviour}`),
    parameters,
  };
  const activeParameter = Math.min(found.activeArgument, Math.max(params.length - 1, 0));
  return { signatures: [signature], activeSignature: 0, activeParameter };
}
