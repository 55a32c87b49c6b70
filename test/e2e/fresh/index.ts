/**
 * Tests module for the run in an empty workspace (test/e2e/runner.mjs with `workspace: 'empty'`):
 * nothing in it activates the extension, so these tests see activation happen. The same
 * contract as ../suite/index.ts, for the *.test.js next to this file. If the extension is
 * already active the run proves nothing, so it stops with a failure instead.
 */
import * as vscode from 'vscode';
import { emit, runTestFiles } from '../mochaInHost';
import { EXTENSION_ID } from '../suite/helpers';

export function run(): Promise<void> {
  if (vscode.extensions.getExtension(EXTENSION_ID)?.isActive !== false) {
    emit('the extension is already active (or not installed): this suite must run in an empty workspace');
    emit('PACSW_E2E_RESULT passed=0 failed=1 pending=0');
    return Promise.reject(new Error('the extension was active before the fresh suite ran'));
  }
  return runTestFiles(__dirname);
}
