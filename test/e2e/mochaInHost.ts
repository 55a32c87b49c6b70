/**
 * Mocha run inside the extension host, for the tests modules VS Code loads
 * (suite/index.ts, untrusted/index.ts): every line of output is tagged with OUTPUT_PREFIX and
 * the last one gives the counts, both parsed by test/e2e/runner.mjs; keep the two in step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

/** Prefix of every line of test output; the runner shows these lines and hides workbench logs. */
export const OUTPUT_PREFIX = '[pacsw-e2e] ';

/**
 * Logs through the workbench with each line tagged. The workbench forwards console output
 * unformatted (mocha's reporter uses printf-style arguments), so this formats first.
 */
export function emit(...args: unknown[]): void {
  console.log(util.format(...args).split('\n').map((line) => OUTPUT_PREFIX + line).join('\n'));
}

/** Runs the *.test.js files in `dir` that `include` accepts; rejects when a test fails. */
export function runTestFiles(dir: string, include: (name: string) => boolean = () => true): Promise<void> {
  // Colours would arrive in the runner's log as escape codes.
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 120_000 });
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.test.js') && include(n)).sort()) {
    mocha.addFile(path.join(dir, name));
  }
  // console.log cannot be replaced in the extension host, so mocha's reporter gets its own log function.
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
