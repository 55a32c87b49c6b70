import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, EXTENSION_ID, openFile } from './helpers';

interface Startup {
  activateStartedAt: number;
  bundleStartedAt?: number;
}

describe('activation', () => {
  it('activates when a .coerce file is opened and starts the language server', async () => {
    const document = await openFile('documented-examples.coerce');
    assert.equal(document.languageId, 'pacs-coercion');
    const api = await activeApi();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(api.client.isRunning(), true);
  });

  it('registers every command package.json contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    await extension?.activate();
    const contributed = (extension?.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 40, `only ${contributed.length} contributed commands found`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), []);
  });

  it('starts the extension bundle (language client, server) only after activate() has returned', async () => {
    const api = (await activeApi()) as unknown as { activationMs: number; startup: Startup };
    const { activateStartedAt, bundleStartedAt } = api.startup;
    assert.ok(bundleStartedAt !== undefined, 'the bundle never started');
    assert.ok(bundleStartedAt >= activateStartedAt + api.activationMs, `the bundle started ${(activateStartedAt + api.activationMs - bundleStartedAt).toFixed(1)} ms before activate() returned`);
  });
});
