// Records docs/images/preview-narrow.png, preview-wide.png and dicom-viewer.png the way a user
// sees them: scripts/start.mjs (code-server) on a copy of the example workspace, a rule file
// opened from Quick Open, the preview opened from the palette (narrow beside the editor, then
// wide with the side bar hidden), and a sample opened in the DICOM file viewer.
// Usage: npm run build && npx tsc -p . && node test/e2e/screenshot-preview.mjs
import { openWorkbench, saveFailure, saveScreenshot } from './workbenchInBrowser.mjs';

async function palette(page, text) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text.replace(/^.*: /, '') }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}

async function quickOpen(page, file) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}

let workbench;
try {
  workbench = await openWorkbench({ name: 'preview-shot', viewport: { width: 1280, height: 800 } });
  const { page } = workbench;
  await page.locator('.part.editor').waitFor({ timeout: 90_000 });
  await quickOpen(page, 'outside-ct-import.coerce');
  await page.locator('.monaco-editor[data-uri$="outside-ct-import.coerce"]').waitFor({ timeout: 60_000 });
  await palette(page, 'PACS Workbench: Preview Rules on Samples');
  await page.locator('.tab', { hasText: 'Preview: outside-ct-import.coerce' }).waitFor({ timeout: 60_000 });
  const frame = page.frameLocator('iframe.webview').frameLocator('iframe');
  await frame.locator('section.sample').first().waitFor({ timeout: 60_000 });
  await palette(page, 'View: Close Primary Side Bar');
  await palette(page, 'View: Reset Editor Group Sizes');
  await page.waitForTimeout(800);
  await saveScreenshot(page, 'preview-narrow.png');
  // Wide: the preview's group alone in the editor area.
  await page.locator('.tab', { hasText: 'Preview: outside-ct-import.coerce' }).click();
  await palette(page, 'View: Toggle Maximize Editor Group');
  await page.waitForTimeout(1200);
  await saveScreenshot(page, 'preview-wide.png');
  await palette(page, 'View: Toggle Maximize Editor Group');
  await quickOpen(page, 'ct-outside.dcm');
  await page.locator('.tab', { hasText: 'ct-outside.dcm' }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1500);
  await saveScreenshot(page, 'dicom-viewer.png');
} catch (error) {
  await saveFailure(workbench?.page, 'preview');
  throw error;
} finally {
  await workbench?.close();
}
