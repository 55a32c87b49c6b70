// Records docs/images/rule-tests.png the way a user sees rule tests: scripts/start.mjs
// (code-server) on a copy of the example workspace plus one test file with a case that fails,
// Test: Run All Tests with Coverage from the palette, the Test Explorer with the failing case
// open, and the rule file's coverage in the editor gutter beside the failing test's message.
// Usage: npm run build && npx tsc -p . && node scripts/screenshots/rule-tests.mjs
import { palette, recordWithWorkbench, saveScreenshot } from './workbench.mjs';

const FAILING = [
  '# What the import rules must leave alone.',
  'rules "outside-ct-import.coerce"',
  '',
  'case "the institution name is kept as it arrived"',
  '  from "samples/ct-outside.dcm"',
  '  expect InstitutionName is unchanged',
  '',
  'case "the referring physician is removed"',
  '  from "samples/ct-outside.dcm"',
  '  expect ReferringPhysicianName is absent',
  '',
].join('\n');

const options = {
  name: 'rule-tests',
  files: {
    'import-policy.coerce-test': FAILING,
    // The failure's message peeks open in the editor, not in a view that would cover the explorer.
    '.vscode/settings.json': JSON.stringify({ 'testing.automaticallyOpenPeekView': 'never', 'testing.openTesting': 'neverOpen' }, null, 2),
  },
  viewport: { width: 1280, height: 800 },
};
await recordWithWorkbench(options, async ({ page }) => {
  await page.locator('.part.editor').waitFor({ timeout: 90_000 });
  // Files are opened from the Explorer (Quick Open's file search can lag on a loaded machine).
  const openFromExplorer = async (name) => {
    // A double click keeps the editor open (a single click opens a preview tab the next file replaces).
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name.replace(/[.]/g, '\\.')}$`) }).dblclick();
    await page.locator(`.monaco-editor[data-uri$="${name}"]`).waitFor({ timeout: 60_000 });
  };
  await openFromExplorer('import-policy.coerce-test');
  await openFromExplorer('outside-ct-import.coerce');
  await palette(page, 'View: Move Editor into Right Group');
  // The explorer lists the tests first: Run All runs the tests the workbench knows of.
  await palette(page, 'Testing: Focus on Test Explorer View');
  const explorer = page.locator('.test-explorer');
  const row = explorer.locator('.monaco-list-row', { hasText: 'import-policy.coerce-test' });
  await row.waitFor({ timeout: 60_000 });
  await palette(page, 'Test: Run All Tests with Coverage');
  // The failed file's row gets the failed icon once the run is over.
  await row.locator('.codicon-testing-failed-icon').waitFor({ timeout: 90_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  await explorer.locator('.monaco-list-row', { hasText: 'the institution name is kept as it arrived' }).waitFor({ timeout: 30_000 });
  // The rule file's coverage in its gutter.
  await page.locator('.monaco-editor[data-uri$="outside-ct-import.coerce"] .coverage-deco-gutter').first().waitFor({ timeout: 60_000 });
  await page.mouse.move(640, 780);
  await page.waitForTimeout(1200);
  await saveScreenshot(page, 'rule-tests.png');
});
