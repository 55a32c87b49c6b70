/**
 * Go to definition, references and rename for variables `$(name)`. A variable is defined by
 * the rules that assign it; control variables belong to the server and cannot be renamed.
 */
import { ErrorCodes, ResponseError, type Location, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { RuleFileNode, VariableNode } from '../../../core/src/coercion/ast';
import { containsPosition } from '../../../core/src/text/range';
import { toLspRange } from '../convert';
import { variableOccurrences, type VariableOccurrence } from './syntax';

/** Names the parser reads inside `$(...)` (parser.ts: letters, digits, `_`, `-`, `.`). */
const VARIABLE_NAME = /^[A-Za-z0-9_.-]+$/;

function variableAt(file: RuleFileNode, position: Position): { node: VariableNode; all: VariableOccurrence[] } | undefined {
  for (const [, list] of variableOccurrences(file)) {
    for (const o of list) {
      if (o.node.range.start.line === position.line && containsPosition(o.node.range, position)) return { node: o.node, all: list };
    }
  }
  return undefined;
}

export function definitionCoercion(file: RuleFileNode, uri: string, position: Position): Location[] | null {
  const found = variableAt(file, position);
  if (!found) return null;
  const assignments = found.all.filter((o) => o.isAssignment);
  // A read sees the nearest assignment above it; if there is none, offer them all.
  const above = assignments.filter((o) => o.node.range.start.line < position.line);
  const chosen = above.length ? [above[above.length - 1]] : assignments;
  return chosen.map((o) => ({ uri, range: toLspRange(o.node.range) }));
}

export function referencesCoercion(file: RuleFileNode, uri: string, position: Position, includeDeclaration: boolean): Location[] {
  const found = variableAt(file, position);
  if (!found) return [];
  return found.all
    .filter((o) => includeDeclaration || !o.isAssignment)
    .map((o) => ({ uri, range: toLspRange(o.node.range) }));
}

export function prepareRenameCoercion(file: RuleFileNode, position: Position): { range: Range; placeholder: string } {
  const found = variableAt(file, position);
  if (!found) throw new ResponseError(ErrorCodes.InvalidRequest, 'Only variables $(name) can be renamed.');
  if (found.node.isControl) {
    throw new ResponseError(ErrorCodes.InvalidRequest, `$(${found.node.name}) is a control variable of the PACS server; it cannot be renamed.`);
  }
  return { range: toLspRange(found.node.nameRange), placeholder: found.node.name };
}

export function renameCoercion(file: RuleFileNode, uri: string, position: Position, newName: string): WorkspaceEdit {
  const { placeholder } = prepareRenameCoercion(file, position);
  const name = newName.trim().replace(/^\$\((.*)\)$/, '$1');
  if (name.startsWith('@')) throw new ResponseError(ErrorCodes.InvalidParams, 'Names starting with @ are reserved for control variables.');
  if (!VARIABLE_NAME.test(name)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is not a variable name: use letters, digits, _, - and . only.`);
  }
  // Renaming onto an existing variable would silently merge two values into one.
  if (name !== placeholder && variableOccurrences(file).has(name)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `$(${name}) already exists in this file; renaming would merge the two variables.`);
  }
  const occurrences = variableOccurrences(file).get(placeholder) ?? [];
  return { changes: { [uri]: occurrences.map((o) => ({ range: toLspRange(o.node.nameRange), newText: name })) } };
}
