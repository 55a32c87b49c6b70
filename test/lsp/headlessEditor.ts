/** Runs another editor (Neovim, Emacs) headless for the docs/editors.md set-up tests. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { repoRoot, SERVER_BUNDLE } from './client';

/** The path docs/editors.md's set-ups name for the server, replaced by this repository's bundle. */
const DOC_SERVER_PATH = '/path/to/pacs-workbench/dist/server.js';

/** The first ```LANG block of docs/editors.md, pointed at dist/server.js. */
export function documentedSetup(lang: 'lua' | 'elisp'): string {
  const doc = path.join(repoRoot(), 'docs', 'editors.md');
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readFileSync(doc, 'utf8'))?.[1];
  assert.ok(block, `${doc} has no \`\`\`${lang} block`);
  assert.ok(block.includes(DOC_SERVER_PATH), `the ${lang} block of ${doc} no longer names ${DOC_SERVER_PATH}; update test/lsp/headlessEditor.ts with it`);
  return block.replace(DOC_SERVER_PATH, SERVER_BUNDLE);
}

/** Runs `command args` to its end (killed after `limitMs`), with its stdout and stderr together. */
export async function runEditor(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; limitMs: number }): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += String(c)));
  child.stderr.on('data', (c) => (output += String(c)));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.limitMs);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, output };
}
