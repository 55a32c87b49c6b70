/**
 * Go to definition and references in .pacs files: a device's `category` goes to the category
 * block; a rule file (`rules "x.coerce"`, `rules preceding "x.coerce"`) and a linked server
 * (`link "x.pacs"`) open that file; inside inline rules, variables go to their assignments.
 * References of a category list the category and every device that names it.
 */
import type { Location, Position } from 'vscode-languageserver/node';
import type { BlockNode, FieldNode } from '../../../core/src/devices/ast';
import { toLspRange } from '../convert';
import { definitionCoercion, referencesCoercion } from '../coercion/navigation';
import { locate, type Located } from './context';
import type { DeviceAnalysis } from './documents';

export interface NavigationFiles {
  /** Absolute path of a reference written in the document, when it exists. */
  existing(reference: string): string | undefined;
  toUri(absPath: string): string;
}

const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function definitionDevices(a: DeviceAnalysis, position: Position, files: NavigationFiles): Location[] | null {
  const at = locate(a, position);
  if (!at) return null;
  if (at.part === 'rules') return definitionCoercion(a.ruleTree(at.rules), a.uri, position);
  if (at.part !== 'value') return null;
  const { block, field, value, index } = at;
  if (isCategoryReference(block, field) && index === 0) {
    const target = categoryBlock(a, value.value);
    return target?.name ? [{ uri: a.uri, range: toLspRange(target.name.range) }] : null;
  }
  if (isFileReference(block, field, index)) {
    const abs = files.existing(value.value);
    return abs ? [{ uri: files.toUri(abs), range: START }] : null;
  }
  return null;
}

export function referencesDevices(a: DeviceAnalysis, position: Position, includeDeclaration: boolean): Location[] {
  const at = locate(a, position);
  if (!at) return [];
  if (at.part === 'rules') return referencesCoercion(a.ruleTree(at.rules), a.uri, position, includeDeclaration);
  const name = categoryNameAt(at);
  if (name === undefined) return [];
  const out: Location[] = [];
  const target = categoryBlock(a, name);
  if (includeDeclaration && target?.name) out.push({ uri: a.uri, range: toLspRange(target.name.range) });
  for (const block of a.parsed.ast.blocks) {
    if (block.keyword !== 'device') continue;
    for (const f of block.fields) {
      const v = f.values[0];
      if (f.key === 'category' && v && v.value.toLowerCase() === name.toLowerCase()) out.push({ uri: a.uri, range: toLspRange(v.range) });
    }
  }
  return out;
}

function categoryNameAt(at: Located): string | undefined {
  if (at.part === 'name' && at.block.keyword === 'category') return at.name.value;
  if (at.part === 'value' && isCategoryReference(at.block, at.field) && at.index === 0) return at.value.value;
  return undefined;
}

function isCategoryReference(block: BlockNode, field: FieldNode): boolean {
  return block.keyword === 'device' && field.key === 'category';
}

/** `rules "file"` in a device, `rules SET "file"` in the server, `link "file"` in a device. */
function isFileReference(block: BlockNode, field: FieldNode, index: number): boolean {
  if (field.block) return false;
  if (block.keyword === 'device') return (field.key === 'rules' || field.key === 'link') && index === 0;
  if (block.keyword === 'server') return field.key === 'rules' && index === 1;
  return false;
}

/** Category names are case-insensitive (as the validator compares them). */
function categoryBlock(a: DeviceAnalysis, name: string): BlockNode | undefined {
  return a.parsed.ast.blocks.find((b) => b.keyword === 'category' && b.name?.value.toLowerCase() === name.toLowerCase());
}
