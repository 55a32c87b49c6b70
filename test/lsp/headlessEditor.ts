/** Runs another editor (Neovim, Emacs) headless for the docs/editors.md set-up tests. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
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

/** What differs between the editors of the set-up tests. */
export interface HeadlessEditor {
  command: 'emacs' | 'nvim';
  /** How to install it, said when it is missing. */
  install: string;
  setup: 'lua' | 'elisp';
  /** Run once the rule file is open: writes what a user would see, as JSON, to $PACSW_EDITOR_OUT. */
  probe: string;
  args(files: { init: string; probe: string; file: string }): string[];
  /** Environment over HOME (the temp folder, so the user's own configuration plays no part). */
  env?(dir: string): NodeJS.ProcessEnv;
  limitMs: number;
}

/**
 * Registers a describe block's hooks (the editor must be installed; a temp folder made and
 * removed) and returns a function that opens `text` as a rule file in the editor, set up as
 * docs/editors.md says, and gives what the probe read back and the editor's output.
 */
export function headlessEditor(editor: HeadlessEditor): (text: string) => Promise<{ seen: unknown; output: string }> {
  let dir: string | undefined;
  before(function () {
    const version = spawnSync(editor.command, ['--version'], { encoding: 'utf8' });
    if (version.error) throw new Error(`${editor.command} is not installed: ${editor.install}`);
    dir = mkdtempSync(path.join(tmpdir(), `pacsw-${editor.command}-`));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return async (text) => {
    assert.ok(dir, 'the editor is opened inside a test of its describe block');
    const ext = editor.setup === 'lua' ? 'lua' : 'el';
    const files = { init: path.join(dir, `init.${ext}`), probe: path.join(dir, `probe.${ext}`), file: path.join(dir, 'rules.coerce') };
    const result = path.join(dir, 'result.json');
    writeFileSync(files.init, documentedSetup(editor.setup));
    writeFileSync(files.probe, editor.probe);
    writeFileSync(files.file, text);
    const env = { ...process.env, HOME: dir, ...editor.env?.(dir), PACSW_EDITOR_OUT: result };
    const { code, output } = await runEditor(editor.command, editor.args(files), { cwd: dir, env, limitMs: editor.limitMs });
    assert.ok(existsSync(result), `${editor.command} (exit ${code}) wrote no result; its output:\n${output}`);
    return { seen: JSON.parse(readFileSync(result, 'utf8')) as unknown, output };
  };
}
