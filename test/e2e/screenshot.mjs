// Checks `npm start` the way a user would and records what they see: runs scripts/start.mjs
// (code-server path) on a copy of the example workspace plus a rule file with a mistake, opens
// the printed URL in headless Chromium, opens that file, waits for the red squiggle, opens the
// completion list and saves docs/images/coercion-editing.png.
// Usage: node test/e2e/screenshot.mjs
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, freePort } from './codeServer.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const output = path.join(repo, 'docs', 'images', 'coercion-editing.png');
const FILE = 'import-from-outside.coerce';
// A typo'd function name (an error the user can see) and a rule being typed where the
// completion list will open.
const TEXT = [
  '# Device rules for studies imported from the outside hospital',
  '(0008,0050)=if((0008,0050),concat("EXT-",(0008,0050)),NULL())',
  '(0008,0080)=uppercase((0008,0080))',
  '(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2))',
  '',
].join('\n');

const temp = mkdtempSync(path.join(os.tmpdir(), 'pacsw-shot-'));
const workspace = path.join(temp, 'workspace');
cpSync(path.join(repo, 'examples', 'workspace'), workspace, { recursive: true });
writeFileSync(path.join(workspace, FILE), TEXT);

const port = await freePort();
const start = spawn(process.execPath, [path.join(repo, 'scripts', 'start.mjs'), workspace], {
  cwd: repo,
  env: { ...process.env, PORT: String(port), PACSW_NO_DESKTOP: '1', PACSW_START_STATE_DIR: path.join(temp, 'state') },
  detached: true,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let browser;
try {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    start.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    start.on('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${out}`)));
  });
  console.log(`npm start printed ${url.slice(0, 60)}...`);

  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

  // Quick Open, as a user would.
  await page.locator('.part.editor').waitFor();
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(FILE);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: FILE }).first().waitFor();
  await page.keyboard.press('Enter');
  const editor = page.locator('.monaco-editor[data-uri$="' + FILE + '"]');
  await editor.waitFor({ timeout: 30_000 });

  // The language server's diagnostics show as a red squiggle.
  await page.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
  console.log('red squiggle is shown');

  // The Problems panel shows the message of the squiggle.
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: 30_000 });

  // Start a new rule on the last line and ask for completion of a keyword being typed (the
  // editor closes the parenthesis itself; Escape hides the signature help that would cover the code).
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('(0008,1030)=concat("Imported ",StudyDes');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.suggest-widget.visible');
  await suggest.waitFor({ timeout: 30_000 });
  await suggest.locator('.monaco-list-row').first().waitFor();
  const rows = await suggest.locator('.monaco-list-row').allInnerTexts();
  console.log(`completion list: ${rows.slice(0, 5).map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);

  mkdirSync(path.dirname(output), { recursive: true });
  await page.screenshot({ path: output });
  console.log(`saved ${path.relative(repo, output)}`);
} catch (error) {
  const page = browser?.contexts()[0]?.pages()[0];
  const failure = path.join(os.tmpdir(), 'pacsw-screenshot-failure.png');
  if (page) await page.screenshot({ path: failure }).then(() => console.error(`what the page showed: ${failure}`), () => undefined);
  throw error;
} finally {
  await browser?.close().catch(() => undefined);
  // start.mjs stops code-server on SIGTERM; the group kill covers the case where it could not.
  try { process.kill(-start.pid, 'SIGTERM'); } catch { /* gone */ }
  await new Promise((resolve) => (start.exitCode !== null ? resolve() : start.on('exit', resolve)));
  rmSync(temp, { recursive: true, force: true });
}
