// Records docs/images/device-tree.png the way a user would see the PACS Devices view: runs
// scripts/start.mjs (code-server, no smoke-test driver) on a copy of the example workspace plus
// a lab device table whose devices point at a real storescp and a closed port on 127.0.0.1,
// opens the view from the activity bar, runs Echo All on the lab server from its inline
// action, hovers a device for its tooltip and takes the screenshot.
// Usage: npm run build && npx tsc -p . && node test/e2e/screenshot-device-tree.mjs
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, freePort } from './codeServer.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const output = path.join(repo, 'docs', 'images', 'device-tree.png');
const peers = createRequire(import.meta.url)(path.join(repo, 'out', 'test', 'integration', 'peers.js'));

const store = await peers.startStorescp({ aet: 'CT_LAB' });
const closed = await peers.freePort();
const LAB = [
  '# Lab devices on this machine (for the screenshot).',
  'server LAB_PACS {',
  '  ae "LAB_PACS"',
  '  host 127.0.0.1',
  '  tcp-port 11112',
  '}',
  '',
  'category modalities {',
  '  max-connections 4',
  '}',
  '',
  'device CT_LAB {',
  '  type dicom',
  '  ae "CT_LAB"',
  '  host 127.0.0.1',
  `  port ${store.port}`,
  '  category modalities',
  '}',
  '',
  'device US_LAB {',
  '  type dicom',
  '  ae "US_LAB"',
  '  host 127.0.0.1',
  `  port ${closed}`,
  '  category modalities',
  '}',
  '',
  'device READ_LAB {',
  '  type viewer',
  '  ae "READ_LAB"',
  '  host 127.0.0.1',
  `  port ${store.port}`,
  '}',
  '',
  'device BACKUP_LAB {',
  '  type backup-target',
  '  ae "BACKUP_LAB"',
  '  host 127.0.0.1',
  `  port ${closed}`,
  '  disabled',
  '}',
  '',
].join('\n');

const temp = mkdtempSync(path.join(os.tmpdir(), 'pacsw-tree-shot-'));
const workspace = path.join(temp, 'workspace');
cpSync(path.join(repo, 'examples', 'workspace'), workspace, { recursive: true });
writeFileSync(path.join(workspace, 'devices', 'lab.pacs'), LAB);

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
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

  // The view container in the activity bar, as a user would open it.
  const container = page.locator('.activitybar [aria-label^="PACS Workbench"]').first();
  await container.waitFor({ timeout: 60_000 });
  await container.click();
  const labRow = page.locator('.monaco-list-row', { hasText: 'LAB_PACS' }).first();
  await labRow.waitFor({ timeout: 60_000 });
  console.log('PACS Devices view shows the lab server');

  // A wider side bar, so descriptions are not cut off: drag the sash at its right edge.
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  const sash = page.locator('.monaco-sash.vertical').filter({ visible: true });
  for (let i = 0; sidebar && i < (await sash.count()); i++) {
    const box = await sash.nth(i).boundingBox();
    if (!box || Math.abs(box.x + box.width / 2 - (sidebar.x + sidebar.width)) > 6) continue;
    const x = box.x + box.width / 2;
    const y = sidebar.y + sidebar.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 280, y, { steps: 10 });
    await page.mouse.up();
    break;
  }

  // Collapse the central server so the lab table fits.
  const central = page.locator('.monaco-list-row[aria-level="1"]', { hasText: 'PACS_CENTRAL' }).first();
  if (await central.count()) await central.locator('.monaco-tl-twistie').click();

  // Echo all devices of the lab server through its inline action (never the example hosts).
  await labRow.hover();
  await labRow.locator('.action-label[aria-label^="Echo All Devices"]').click();
  await page.locator('.monaco-list-row', { hasText: /US_LAB.*echo refused/ }).first().waitFor({ timeout: 60_000 });
  await page.locator('.monaco-list-row', { hasText: /CT_LAB.*echo ok/ }).first().waitFor({ timeout: 60_000 });
  console.log('echo results are in the tree');

  // Clicking a device reveals it in its file.
  await page.locator('.monaco-list-row', { hasText: 'CT_LAB' }).first().click();
  await page.locator('.monaco-editor[data-uri$="lab.pacs"]').waitFor({ timeout: 30_000 });

  // The tooltip of a device that answered.
  const read = page.locator('.monaco-list-row', { hasText: 'READ_LAB' }).first();
  const readBox = await read.boundingBox();
  await read.hover({ position: { x: Math.max(10, readBox.width - 120), y: readBox.height / 2 } });
  await page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Last echo' }).first().waitFor({ timeout: 20_000 });

  mkdirSync(path.dirname(output), { recursive: true });
  await page.screenshot({ path: output });
  console.log(`saved ${path.relative(repo, output)}`);
} finally {
  await browser?.close().catch(() => undefined);
  try { process.kill(-start.pid, 'SIGTERM'); } catch { /* gone */ }
  await new Promise((resolve) => (start.exitCode !== null ? resolve() : start.on('exit', resolve)));
  await peers.stopAllPeers();
  rmSync(temp, { recursive: true, force: true });
}
