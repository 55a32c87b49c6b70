import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, EXTENSION_ID, openFile } from './helpers';

describe('activation', () => {
  it('activates when a .coerce file is opened and starts the language server', async () => {
    const document = await openFile('documented-examples.coerce');
    assert.equal(document.languageId, 'pacs-coercion');
    const api = await activeApi();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(api.client.isRunning(), true);
  });

  it('registers its commands', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['pacsWorkbench.restartServer', 'pacsWorkbench.coercion.toggleDialect']) {
      assert.ok(commands.includes(command), `${command} is not registered`);
    }
  });
});
