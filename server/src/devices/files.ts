/**
 * The files a .pacs document refers to (rule files, linked .pacs files): paths are relative to
 * the .pacs file's folder; an open editor's text wins over the disk, so a rule file being edited
 * is checked as it is on screen. Only `file:` documents can refer to files: an untitled .pacs
 * has no folder to resolve against.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { PathPolicy, ReferenceText } from '../../../core/src/devices/references';
import { readRegularTextFile, repositoryOf } from '../../../core/src/files/referencedFiles';
import { settingId, SETTINGS } from '../../../core/src/contributes';

/** What the service needs from the server's open documents. */
export interface OpenDocuments {
  all(): TextDocument[];
  get(uri: string): TextDocument | undefined;
}

/** Absolute path of a `file:` URI, else undefined. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).toString();
}

/** The absolute path a reference written in `pacsUri` points to (undefined for non-file documents). */
export function resolveReference(pacsUri: string, reference: string): string | undefined {
  const pacsPath = uriToPath(pacsUri);
  if (!pacsPath || reference === '') return undefined;
  return path.resolve(path.dirname(pacsPath), reference);
}

/**
 * Text of a file: the open document when there is one, else the disk (a regular file under the
 * size limit, as the CLI reads it); undefined when neither, or why it is not read.
 */
export function readWorkspaceFile(documents: OpenDocuments, absPath: string): ReferenceText {
  for (const doc of documents.all()) {
    if (uriToPath(doc.uri) === absPath) return doc.getText();
  }
  return readRegularTextFile(absPath);
}

/** The policy for references of the .pacs document at `pacsPath`: the workspace folders and its repository. */
export function serverPathPolicy(pacsPath: string, workspaceRoots: readonly string[], allowOutside: boolean): PathPolicy {
  const repository = repositoryOf(pacsPath);
  const roots = [...workspaceRoots, ...(repository ? [repository] : [])];
  return {
    roots: roots.length ? roots : [path.dirname(pacsPath)],
    allowOutside,
    allowHint: `the setting ${settingId(SETTINGS.allowPathsOutsideWorkspace)}`,
  };
}

/** True when the reference resolves to an open document or an existing file. */
export function referenceExists(documents: OpenDocuments, absPath: string): boolean {
  if (documents.all().some((d) => uriToPath(d.uri) === absPath)) return true;
  try {
    return fs.statSync(absPath).isFile();
  } catch {
    return false;
  }
}

/** Folders never worth listing for completion. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'out']);
const LIST_LIMIT = 200;
const LIST_DEPTH = 3;

/**
 * Files with extension `ext` below `dir` (a few levels deep, bounded in count), as relative
 * paths with `/` separators, the way they are written in a .pacs file.
 */
export function listFiles(dir: string, ext: string, depth = LIST_DEPTH): string[] {
  const found: string[] = [];
  const walk = (folder: string, rel: string, level: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (found.length >= LIST_LIMIT) return;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (level < depth && !SKIPPED_FOLDERS.has(e.name) && !e.name.startsWith('.')) walk(path.join(folder, e.name), relPath, level + 1);
      } else if (e.isFile() && e.name.toLowerCase().endsWith(ext)) {
        found.push(relPath);
      }
    }
  };
  walk(dir, '', 0);
  return found;
}
