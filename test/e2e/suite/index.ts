/**
 * Tests module loaded by VS Code (extensionTestsPath): runs every *.test.js next to this file
 * with mocha inside the extension host, as @vscode/test-electron and code-server both expect.
 * The last line it prints is parsed by test/e2e/runner.mjs; keep the two in step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

/** Prefix of every line of test output; the runner shows these lines and hides workbench logs. */
export const OUTPUT_PREFIX = '[pacsw-e2e] ';

export function run(): Promise<void> {
  // Colours would arrive in the runner's log as escape codes.
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 120_000 });
  // PACSW_E2E_FILES=preview,viewer runs only the test files whose names contain one of the words.
  const only = (process.env.PACSW_E2E_FILES ?? '').split(',').map((w) => w.trim()).filter((w) => w);
  const files = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js') && (only.length === 0 || only.some((w) => name.includes(w))))
    .sort();
  for (const name of files) mocha.addFile(path.join(__dirname, name));

  // The workbench forwards console output unformatted (mocha's reporter uses printf-style
  // arguments) and console.log cannot be replaced in the extension host, so mocha's reporter
  // gets its own log function that formats and tags each line.
  const emit = (...args: unknown[]) =>
    console.log(util.format(...args).split('\n').map((line) => OUTPUT_PREFIX + line).join('\n'));
  (Mocha.reporters.Base as unknown as { consoleLog: typeof emit }).consoleLog = emit;

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0 } = runner.stats ?? {};
      emit(`PACSW_E2E_RESULT passed=${passes} failed=${failures} pending=${pending}`);
      if (failures > 0) reject(new Error(`${failures} e2e test(s) failed`));
      else resolve();
    });
  });
}
