/**
 * Hover for coercion rules: a tag's dictionary entry (also inside SEQ and the retired split
 * form), a function's signature and NULL behaviour, and where a variable is assigned.
 */
import type { Hover, Position } from 'vscode-languageserver/node';
import type { RetiredSplitNode, RuleFileNode, TagNode } from '../../../core/src/coercion/ast';
import { CONTROL_VARIABLES, lookupFunction } from '../../../core/src/coercion/functions';
import { getDictionary, isPrivateGroup } from '../../../core/src/dictionary/index';
import { containsPosition } from '../../../core/src/text/range';
import type { CoercionDialect } from '../languages';
import { markdownHover } from '../convert';
import { functionDocumentation, tagDocumentation } from './describe';
import { nodeAt } from '../../../core/src/coercion/tree';
import { tagAt, variableOccurrences } from './syntax';

export function hoverCoercion(file: RuleFileNode, position: Position, dialect: CoercionDialect): Hover | null {
  const node = nodeAt(file, position)?.node;
  if (!node || node.recovered) return null;

  const tag = tagAt(node, position);
  if (tag) return markdownHover(describeTag(tag), tag.range);

  switch (node.kind) {
    case 'Seq':
      if (containsPosition(node.keywordRange, position)) {
        return markdownHover('`SEQ(g1,e1, item1, g2,e2 [, item2, g3,e3 ...])`\n\nAttribute (g2,e2) inside item `item1` (0-based) of sequence (g1,e1); more triples go deeper. NULL when absent; as a target, the rule is skipped when the sequence is absent.', node.keywordRange);
      }
      return null;
    case 'User':
      return markdownHover(`\`USER(${node.field})\`: a site-defined database field, defined on the server in \`dcfields.conf\` (cannot be checked here).`, node.range);
    case 'Call': {
      if (!containsPosition(node.nameRange, position)) return null;
      const f = lookupFunction(node.name);
      const text = f ? functionDocumentation(f, dialect) : `Unknown function \`${node.name}()\`.`;
      return markdownHover(text, node.nameRange);
    }
    case 'Variable':
      return markdownHover(describeVariable(file, node.name, node.isControl), node.range);
    case 'RetiredSplit':
      return markdownHover(retiredSplitText(node), node.range);
    case 'ItemIndex':
      return markdownHover(`Item ${node.value} of the sequence before it; items are numbered from 0.`, node.range);
    default:
      return null;
  }
}

function describeTag(tag: TagNode): string {
  if (tag.incomplete || tag.group < 0 || tag.element < 0) return `Incomplete tag \`${tag.text}\`: write \`(gggg,eeee)\`.`;
  const entry = getDictionary().byTag(tag.group, tag.element);
  if (entry) return tagDocumentation(entry);
  if (isPrivateGroup(tag.group)) {
    return `Private tag \`${tag.text}\` (odd group): its meaning and VR depend on the private creator, so nothing about it can be checked.`;
  }
  return `\`${tag.text}\` is not in the DICOM data dictionary (edition ${getDictionary().edition}).`;
}

function describeVariable(file: RuleFileNode, name: string, isControl: boolean): string {
  if (isControl) {
    const known = CONTROL_VARIABLES.find((c) => c.name === name);
    return known ? `**Control variable** \`$(${name})\`\n\n${known.doc}` : `Unknown control variable \`$(${name})\`.`;
  }
  const assigned = (variableOccurrences(file).get(name) ?? []).filter((o) => o.isAssignment);
  const head = `**Variable** \`$(${name})\`: a temporary value for later rules, never written to the object.`;
  if (assigned.length === 0) return `${head}\n\nNever assigned in this file: reading it gives NULL.`;
  const lines = assigned.map((o) => o.node.range.start.line + 1);
  return `${head}\n\nAssigned on line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}.`;
}

function retiredSplitText(node: RetiredSplitNode): string {
  return `Retired split form \`${node.source.text},${node.delimiter.text},${node.index.text}\`: field ${node.index.value} of ${node.source.text} split on ${JSON.stringify(node.delimiter.value)}. Still accepted; prefer \`split(...)\` (quick fix).`;
}
