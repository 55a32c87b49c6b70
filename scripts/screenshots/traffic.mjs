// Records docs/images/traffic.png the way a user sees the receiving node: scripts/start.mjs
// (code-server) on a copy of the example workspace plus a lab device table on 127.0.0.1, the
// PACS view opened from the activity bar, Start Receiver clicked on the lab server's row in the
// Devices view, DCMTK storescu sending two objects from registered devices and one from an
// unknown caller, the Traffic view expanded, and a click on the CT showing what the rules
// changed (the Received panel).
// Usage: npm run build && npx tsc -p . && node scripts/screenshots/traffic.mjs
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { openPacsView, recordWithWorkbench, repo, saveScreenshot, widenSideBar } from './workbench.mjs';

const require = createRequire(import.meta.url);
const { freePort } = require(path.join(repo, 'out', 'test', 'integration', 'peers.js'));
const { storescu } = require(path.join(repo, 'out', 'test', 'integration', 'serve-helpers.js'));
const { labTable } = require(path.join(repo, 'out', 'test', 'labTable.js'));

const port = await freePort();
const STORE_U = { roles: { store: { u: true, p: false } }, flags: {} };
const LAB = labTable({
  comment: 'A lab receiver on this machine (for the screenshot): point storescu at it.',
  server: { name: 'RECV_LAB', tcpPort: port, fields: ['rules trailing "rules/trailing.coerce"'] },
  modalities: 4,
  devices: [
    {
      id: 'CT_LAB', type: 'dicom', ae: 'CT_LAB', host: '127.0.0.1', port: 104, category: 'modalities',
      services: STORE_U, limits: { 'store-in': 2 }, rulesFile: '../outside-ct-import.coerce', enabled: true,
    },
    {
      id: 'MG_LAB', type: 'dicom', ae: 'MG_LAB', host: '127.0.0.1', port: 104, category: 'modalities',
      services: STORE_U, inlineRules: ['(0008,0050)=concat("MG",(0008,0050))'], enabled: true,
    },
  ],
});

await recordWithWorkbench({ name: 'traffic', files: { 'devices/lab-receiver.pacs': LAB }, viewport: { width: 1280, height: 860 } }, async ({ page, workspace }) => {
  const server = await openPacsView(page, 'RECV_LAB');
  await widenSideBar(page, 240);

  // Start Receiver from the server row's inline button, as a user would.
  await server.hover();
  await server.locator('.action-label[aria-label^="Start Receiver"]').click();
  await page.locator('.monaco-list-row', { hasText: /Receiving as RECV_LAB/ }).first().waitFor({ timeout: 60_000 });
  console.log('the receiver listens');

  const sample = (name) => path.join(workspace, 'samples', name);
  for (const [ae, file] of [['CT_LAB', 'ct-outside.dcm'], ['MG_LAB', 'mg-for-processing.dcm'], ['WS_UNKNOWN', 'ct-outside.dcm']]) {
    const run = await storescu(ae, 'RECV_LAB', port, [sample(file)]);
    console.log(`storescu as ${ae}: exit ${run.code}`);
  }
  // The Devices view folded, so the Traffic view has the side bar.
  await page.locator('.pane-header', { hasText: 'Devices' }).first().click();

  for (const name of ['CT_LAB', 'MG_LAB', 'unknown WS_UNKNOWN']) {
    const row = page.locator('.monaco-list-row[aria-level="1"]', { hasText: name }).first();
    await row.waitFor({ timeout: 60_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }
  const rejected = page.locator('.monaco-list-row', { hasText: 'Rejected associations' }).first();
  await rejected.waitFor({ timeout: 30_000 });
  await rejected.click();
  // The CT's row: its changes, and a click shows it before and after.
  const ct = page.locator('.monaco-list-row[aria-level="2"]', { hasText: '1.2.826.0.1.3680043.10.1082.1.1.1' }).first();
  await ct.waitFor({ timeout: 30_000 });
  await ct.click();
  await page.locator('.tab', { hasText: 'Received: CT_LAB' }).waitFor({ timeout: 60_000 });
  await page.frameLocator('iframe.webview').frameLocator('iframe').locator('section.sample').first().waitFor({ timeout: 60_000 });
  if ((await ct.getAttribute('aria-expanded')) === 'false') await ct.locator('.monaco-tl-twistie').click();
  await page.mouse.move(1000, 700);
  await page.waitForTimeout(1000);
  await saveScreenshot(page, 'traffic.png');
});
