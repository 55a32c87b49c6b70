/** The client's own commands: dialect toggle (a setting the server listens to) and restart. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, isError, openNewFile, waitForDiagnostics } from './helpers';

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
const dialect = () => vscode.workspace.getConfiguration('pacsWorkbench').get<string>('coercion.dialect');

describe('commands', () => {
  before(async () => {
    await activeApi();
  });

  it('toggles the coercion dialect between strict and extended, in the workspace settings', async () => {
    assert.equal(dialect(), 'strict', 'the example workspace starts in the default dialect');
    await vscode.commands.executeCommand('pacsWorkbench.coercion.toggleDialect');
    assert.equal(dialect(), 'extended');
    assert.equal(
      vscode.workspace.getConfiguration('pacsWorkbench').inspect('coercion.dialect')?.workspaceValue,
      'extended',
    );
    await vscode.commands.executeCommand('pacsWorkbench.coercion.toggleDialect');
    assert.equal(dialect(), 'strict');
  });

  it('re-checks open rules when the dialect changes: extension functions are errors only in strict', async () => {
    const document = await openNewFile('test-extension-function.coerce', '(0010,0010)=upper((0010,0010))\n');
    const extensionFunction = (ds: readonly vscode.Diagnostic[]) => ds.find((d) => codeOf(d) === 'extension-function');
    await waitForDiagnostics(document.uri, (ds) => extensionFunction(ds)?.severity === vscode.DiagnosticSeverity.Error, 'an extension-function error (strict)');
    await vscode.commands.executeCommand('pacsWorkbench.coercion.toggleDialect');
    try {
      await waitForDiagnostics(
        document.uri,
        (ds) => !ds.some(isError) && extensionFunction(ds) !== undefined,
        'extension-function as a non-error (extended)',
      );
    } finally {
      await vscode.commands.executeCommand('pacsWorkbench.coercion.toggleDialect');
    }
    await waitForDiagnostics(document.uri, (ds) => extensionFunction(ds)?.severity === vscode.DiagnosticSeverity.Error, 'the error back (strict)');
  });

  it('restarts the language server, which then still checks files', async () => {
    const api = await activeApi();
    await vscode.commands.executeCommand('pacsWorkbench.restartServer');
    await api.ready;
    assert.equal(api.client.isRunning(), true);
    const document = await openNewFile('test-after-restart.coerce', '(0010,0010)=concat(\n');
    await waitForDiagnostics(document.uri, (ds) => ds.some(isError), 'an error from the restarted server');
  });
});
