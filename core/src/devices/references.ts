/**
 * What a .pacs file may refer to: rule files, linked .pacs files and deploy folders, written as
 * paths relative to the .pacs file. They stay inside the workspace (or the file's repository)
 * unless the user allows otherwise: a shared or cloned .pacs file must not make the editor or
 * the CLI read `/etc/passwd` into a diagnostic, or a deploy write and delete files anywhere.
 * Pure path arithmetic; the disk side (symlinks, file kinds, sizes) is in resolve.ts.
 */
import * as path from 'node:path';

/** Largest referenced file that is read (a rule file is a few KB; the editor uses the same limit). */
export const MAX_REFERENCED_FILE_BYTES = 16 * 1024 * 1024;

/** Why a referenced file is not read; `code` is the diagnostic's. */
export interface ReferenceRefusal {
  refused: string;
  code: 'path-outside-workspace' | 'reference-unreadable';
}

/** A referenced file's text, undefined when it does not exist, or why it is not read. */
export type ReferenceText = string | undefined | ReferenceRefusal;

export const isRefusal = (r: ReferenceText): r is ReferenceRefusal => typeof r === 'object' && r !== null;

export interface PathPolicy {
  /** Absolute folders that references may point into. */
  roots: string[];
  /** The user allows references anywhere. */
  allowOutside?: boolean;
  /** How the user allows paths outside, for the message (a setting, an option). */
  allowHint: string;
}

/** True when `target` (absolute) is `root` or below it. */
export function isInside(target: string, root: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The refusal for `written` (as in the file) that resolves to `resolved`, or undefined when allowed. */
export function outsideRoots(written: string, resolved: string, policy: PathPolicy, via?: string): ReferenceRefusal | undefined {
  if (policy.allowOutside || policy.roots.some((r) => isInside(resolved, r))) return undefined;
  const where = policy.roots.length === 1 ? policy.roots[0] : policy.roots.length === 0 ? 'no workspace folder' : `${policy.roots.join(', ')}`;
  return {
    code: 'path-outside-workspace',
    refused: `\`${written}\` ${via ? `is a link to ${via}` : `resolves to ${resolved}`}, outside the workspace (${where}); paths in a .pacs file stay inside it (${policy.allowHint} allows others).`,
  };
}
