/** Where the tests find the repository's own files, wherever the compiled test runs (out/test/... or test/...). */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root: the folder above this file that holds package.json and esbuild.mjs. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'esbuild.mjs'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** A JSON file of the repository, parsed (path relative to the root). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readRepoJson(rel: string): any {
  return JSON.parse(readFileSync(path.join(repoRoot(), rel), 'utf8'));
}
