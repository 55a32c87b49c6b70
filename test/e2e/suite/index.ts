/**
 * Tests module loaded by VS Code (extensionTestsPath): runs every *.test.js next to this file
 * with mocha inside the extension host, as @vscode/test-electron and code-server both expect
 * (how the output reaches test/e2e/runner.mjs: ../mochaInHost.ts).
 */
import { runTestFiles } from '../mochaInHost';

export function run(): Promise<void> {
  // PACSW_E2E_FILES=preview,viewer runs only the test files whose names contain one of the words.
  const only = (process.env.PACSW_E2E_FILES ?? '').split(',').map((w) => w.trim()).filter((w) => w);
  return runTestFiles(__dirname, (name) => only.length === 0 || only.some((w) => name.includes(w)));
}
