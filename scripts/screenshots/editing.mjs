// Checks `npm start` the way a user would and records what they see: runs scripts/start.mjs
// (code-server path) on a copy of the example workspace plus a rule file with a mistake, opens
// the printed URL in headless Chromium, opens that file, waits for the red squiggle, opens the
// completion list and saves docs/images/coercion-editing.png.
// Usage: node scripts/screenshots/editing.mjs
import { recordWithWorkbench, saveScreenshot } from './workbench.mjs';

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

await recordWithWorkbench({ name: 'editing', files: { [FILE]: TEXT }, viewport: { width: 1280, height: 760 } }, async ({ page }) => {
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

  await saveScreenshot(page, 'coercion-editing.png');
});
