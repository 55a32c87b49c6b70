/** The client's own commands: dialect toggle (a setting the server listens to) and restart. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, isError, openNewFile, waitForDiagnostics } from './helpers';

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

  it('restarts the language server, which then still checks files', async () => {
    const api = await activeApi();
    await vscode.commands.executeCommand('pacsWorkbench.restartServer');
    await api.ready;
    assert.equal(api.client.isRunning(), true);
    const document = await openNewFile('after-restart.coerce', '(0010,0010)=concat(\n');
    await waitForDiagnostics(document.uri, (ds) => ds.some(isError), 'an error from the restarted server');
  });
});
