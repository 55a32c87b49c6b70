// What the screenshot scripts (scripts/screenshots/*.mjs) share: `npm start` (code-server path,
// no smoke-test driver) on a copy of the example workspace with extra files, headless Chromium on
// the URL it prints — the extension exactly as a user meets it — and the palette and Quick Open
// as a user types into them.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, freePort } from '../../test/e2e/codeServer.mjs';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Starts the workbench on a temporary copy of examples/workspace plus `files` (relative path →
 * text) and opens it in Chromium. `close()` always stops the browser and code-server and
 * removes the copy.
 */
export async function openWorkbench({ name, files = {}, viewport }) {
  const temp = mkdtempSync(path.join(os.tmpdir(), `pacsw-${name}-`));
  const workspace = path.join(temp, 'workspace');
  cpSync(path.join(repo, 'examples', 'workspace'), workspace, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    writeFileSync(path.join(workspace, file), text);
  }
  const port = await freePort();
  const start = spawn(process.execPath, [path.join(repo, 'scripts', 'start.mjs'), workspace], {
    cwd: repo,
    env: { ...process.env, PORT: String(port), PACSW_NO_DESKTOP: '1', PACSW_START_STATE_DIR: path.join(temp, 'state') },
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let browser;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    // start.mjs stops code-server on SIGTERM; the group kill covers the case where it could not.
    try { process.kill(-start.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((resolve) => (start.exitCode !== null ? resolve() : start.on('exit', resolve)));
    rmSync(temp, { recursive: true, force: true });
  };
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
    const page = await browser.newPage({ viewport });
    // The default 30 s for the load event is short on a loaded 2-core machine.
    await page.goto(url, { timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { page, workspace, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Opens the workbench (`openWorkbench`'s options), runs `record` on it and always closes it.
 * When `record` fails, what the page showed is saved first (`saveFailure`, under the `name`).
 */
export async function recordWithWorkbench(options, record) {
  const workbench = await openWorkbench(options);
  try {
    await record(workbench);
  } catch (error) {
    await saveFailure(workbench.page, options.name);
    throw error;
  } finally {
    await workbench.close();
  }
}

/**
 * Opens the PACS view container from the activity bar, as a user would, and returns the first
 * tree row showing `rowText` once it is there.
 */
export async function openPacsView(page, rowText) {
  const container = page.locator('.activitybar [aria-label^="PACS"]').first();
  await container.waitFor({ timeout: 60_000 });
  await container.click();
  const row = page.locator('.monaco-list-row', { hasText: rowText }).first();
  await row.waitFor({ timeout: 60_000 });
  return row;
}

/** Widens the side bar by `dx` pixels, dragging the sash at its right edge. */
export async function widenSideBar(page, dx) {
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (sidebar) await dragVerticalSash(page, sidebar.x + sidebar.width, dx);
}

/** Saves the page as `docs/images/<file>`. */
export async function saveScreenshot(page, file) {
  const output = path.join(repo, 'docs', 'images', file);
  mkdirSync(path.dirname(output), { recursive: true });
  await page.screenshot({ path: output });
  console.log(`saved ${path.relative(repo, output)}`);
}

/** What the page showed, to a temp file named after `name`: for finding why a script failed. */
export async function saveFailure(page, name) {
  const failure = path.join(os.tmpdir(), `pacsw-${name}-failure.png`);
  await page?.screenshot({ path: failure }).then(() => console.error(`what the page showed: ${failure}`), () => undefined);
}

/**
 * Types into the quick input once it has the keyboard focus. F1 or Ctrl+P pressed while a
 * webview has the focus reaches the workbench through the webview's key forwarding, a moment
 * later: typing before the quick input is focused would go into the webview.
 */
async function typeIntoQuickInput(page, key, text, rowText) {
  const focused = () => page.waitForFunction(() => !!document.activeElement?.closest('.quick-input-widget'), undefined, { timeout: 10_000 }).then(() => true, () => false);
  // A key pressed while the workbench is still moving focus (a layout change) can be lost: one more try.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    if (await focused()) break;
    if (attempt === 2) throw new Error(`${key} did not open the quick input (the focus is on ${await page.evaluate(() => document.activeElement?.className)})`);
  }
  await page.keyboard.type(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}

/** Runs a command from the palette by its title, e.g. `View: Close Primary Side Bar`. */
export async function palette(page, title) {
  await typeIntoQuickInput(page, 'F1', title, title.replace(/^.*: /, ''));
}

/** Opens a workspace file from Quick Open (Ctrl+P) by its name. */
export async function quickOpen(page, file) {
  await typeIntoQuickInput(page, 'Control+P', file, file);
}

/**
 * Drags the visible vertical sash nearest to `x` (within 6 px) by `dx` pixels, as a user resizes
 * the side bar or an editor group with the mouse. Returns false when there is no sash there.
 */
export async function dragVerticalSash(page, x, dx) {
  const sashes = page.locator('.monaco-sash.vertical').filter({ visible: true });
  for (let i = 0; i < (await sashes.count()); i++) {
    const box = await sashes.nth(i).boundingBox();
    if (!box || Math.abs(box.x + box.width / 2 - x) > 6) continue;
    const from = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(from, y);
    await page.mouse.down();
    await page.mouse.move(from + dx, y, { steps: 10 });
    await page.mouse.up();
    return true;
  }
  return false;
}
