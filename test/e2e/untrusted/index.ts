/**
 * Tests module for the restricted-mode run (test/e2e/runner.mjs with `trusted: false`): the
 * same contract as ../suite/index.ts, but for the *.test.js next to this file, which must run in
 * a workspace VS Code does not trust. If the workspace is trusted the run proves nothing, so it
 * stops with a failure instead of running the tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { OUTPUT_PREFIX } from '../suite/index';

export function run(): Promise<void> {
  const emit = (...args: unknown[]) =>
    console.log(util.format(...args).split('\n').map((line) => OUTPUT_PREFIX + line).join('\n'));
  if (vscode.workspace.isTrusted) {
    emit('the workspace is TRUSTED: this suite must run in restricted mode (code-server without --disable-workspace-trust, fresh user data)');
    emit('PACSW_E2E_RESULT passed=0 failed=1 pending=0');
    return Promise.reject(new Error('workspace is trusted; the untrusted suite did not run'));
  }
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 120_000 });
  for (const name of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, name));
  }
  // See ../suite/index.ts: the reporter's output is tagged so the runner can pick it out.
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
