/**
 * Tests module for the restricted-mode run (test/e2e/runner.mjs with `trusted: false`): the
 * same contract as ../suite/index.ts, but for the *.test.js next to this file, which must run in
 * a workspace VS Code does not trust. If the workspace is trusted the run proves nothing, so it
 * stops with a failure instead of running the tests.
 */
import * as vscode from 'vscode';
import { emit, runTestFiles } from '../mochaInHost';

export function run(): Promise<void> {
  if (vscode.workspace.isTrusted) {
    emit('the workspace is TRUSTED: this suite must run in restricted mode (code-server without --disable-workspace-trust, fresh user data)');
    emit('PACSW_E2E_RESULT passed=0 failed=1 pending=0');
    return Promise.reject(new Error('workspace is trusted; the untrusted suite did not run'));
  }
  return runTestFiles(__dirname);
}
