// Records docs/images/device-tree.png the way a user would see the PACS Devices view: runs
// scripts/start.mjs (code-server, no smoke-test driver) on a copy of the example workspace plus
// a lab device table whose devices point at a real storescp and a closed port on 127.0.0.1,
// opens the view from the activity bar, runs Echo All on the lab server from its inline
// action, hovers a device for its tooltip and takes the screenshot.
// Usage: npm run build && npx tsc -p . && node scripts/screenshots/device-tree.mjs
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { openPacsView, recordWithWorkbench, repo, saveScreenshot, widenSideBar } from './workbench.mjs';

const require = createRequire(import.meta.url);
const peers = require(path.join(repo, 'out', 'test', 'integration', 'peers.js'));
const { labTable } = require(path.join(repo, 'out', 'test', 'labTable.js'));

const store = await peers.startStorescp({ aet: 'CT_LAB' });
const closed = await peers.freePort();
const LAB = labTable({
  comment: 'Lab devices on this machine (for the screenshot).',
  server: { name: 'LAB_PACS', tcpPort: 11112 },
  modalities: 4,
  devices: [
    { id: 'CT_LAB', type: 'dicom', ae: 'CT_LAB', host: '127.0.0.1', port: store.port, category: 'modalities' },
    { id: 'US_LAB', type: 'dicom', ae: 'US_LAB', host: '127.0.0.1', port: closed, category: 'modalities' },
    { id: 'READ_LAB', type: 'viewer', ae: 'READ_LAB', host: '127.0.0.1', port: store.port },
    { id: 'BACKUP_LAB', type: 'backup-target', ae: 'BACKUP_LAB', host: '127.0.0.1', port: closed, enabled: false },
  ],
});

try {
  await recordWithWorkbench({ name: 'device-tree', files: { 'devices/lab.pacs': LAB }, viewport: { width: 1280, height: 860 } }, async ({ page }) => {
    const labRow = await openPacsView(page, 'LAB_PACS');
    console.log('PACS Devices view shows the lab server');

    // A wider side bar, so descriptions are not cut off.
    await widenSideBar(page, 280);

    // Collapse the central server so the lab table fits.
    const central = page.locator('.monaco-list-row[aria-level="1"]', { hasText: 'PACS_CENTRAL' }).first();
    if (await central.count()) await central.locator('.monaco-tl-twistie').click();

    // Echo all devices of the lab server through its inline action (never the example hosts).
    await labRow.hover();
    await labRow.locator('.action-label[aria-label^="Echo This Server\'s Devices"]').click();
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

    await saveScreenshot(page, 'device-tree.png');
  });
} finally {
  await peers.stopAllPeers();
}
