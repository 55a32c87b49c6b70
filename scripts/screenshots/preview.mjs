// Records docs/images/preview-narrow.png, preview-wide.png and dicom-viewer.png the way a user
// sees them: scripts/start.mjs (code-server) on a copy of the example workspace, a rule file
// opened from Quick Open, the preview opened from the palette (narrow beside the editor, then
// wide: its editor group maximised), and a sample opened in the DICOM file viewer.
// Usage: npm run build && npx tsc -p . && node scripts/screenshots/preview.mjs
import { dragVerticalSash, palette, quickOpen, recordWithWorkbench, saveScreenshot } from './workbench.mjs';

await recordWithWorkbench({ name: 'preview', viewport: { width: 1280, height: 800 } }, async ({ page }) => {
  await page.locator('.part.editor').waitFor({ timeout: 90_000 });
  await quickOpen(page, 'outside-ct-import.coerce');
  await page.locator('.monaco-editor[data-uri$="outside-ct-import.coerce"]').waitFor({ timeout: 60_000 });
  await palette(page, 'PACS Workbench: Preview Rules on Samples');
  await page.locator('.tab', { hasText: 'Preview: outside-ct-import.coerce' }).waitFor({ timeout: 60_000 });
  const frame = page.frameLocator('iframe.webview').frameLocator('iframe');
  await frame.locator('section.sample').first().waitFor({ timeout: 60_000 });
  await palette(page, 'View: Close Primary Side Bar');
  await palette(page, 'View: Reset Editor Group Sizes');
  // Narrow: about 400 px for the preview, as a side panel beside the rule file; the page stacks
  // before and after under 560 px.
  const previewGroup = await page.locator('.part.editor .editor-group-container').nth(1).boundingBox();
  if (previewGroup) await dragVerticalSash(page, previewGroup.x, previewGroup.width - 400);
  await frame.locator('.changes .row.head').first().waitFor({ state: 'hidden', timeout: 30_000 });
  await page.waitForTimeout(800);
  await saveScreenshot(page, 'preview-narrow.png');
  // Wide: the preview's group alone in the editor area (clicking its tab focuses the webview;
  // the palette helper waits for the key to reach the workbench).
  await page.locator('.tab', { hasText: 'Preview: outside-ct-import.coerce' }).click();
  await palette(page, 'View: Toggle Maximize Editor Group');
  await page.mouse.move(640, 500);
  await frame.locator('.changes .row.head').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForTimeout(1200);
  await saveScreenshot(page, 'preview-wide.png');
  await palette(page, 'View: Toggle Maximize Editor Group');
  // Back to the rule editor (Ctrl+P is not forwarded from a focused webview).
  await page.locator('.monaco-editor[data-uri$="outside-ct-import.coerce"] .view-lines').click();
  await quickOpen(page, 'ct-outside.dcm');
  await page.locator('.tab', { hasText: 'ct-outside.dcm' }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1500);
  await saveScreenshot(page, 'dicom-viewer.png');
});
