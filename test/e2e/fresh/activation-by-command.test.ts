/**
 * Activation by a command, in a workspace with nothing of ours: activate() returns before the
 * extension's bundle is loaded (client/src/launcher.ts), so the command VS Code runs right after
 * it finds a stand-in that starts the bundle and hands over. (This VS Code would also find the
 * real command without the stand-ins, registered a moment later: checked by removing them. VS
 * Code's contract is that the command is registered when activate() returns, so they stay.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/src/contributes';
import { EXTENSION_ID } from '../suite/helpers';

interface Api {
  activationMs: number;
  startup: { activateStartedAt: number; bundleStartedAt?: number };
  ready: Promise<void>;
  client: { isRunning(): boolean };
}

describe('activation by a command (empty workspace)', () => {
  it('runs the command that activated the extension, through its stand-in', async () => {
    const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(extension);
    assert.equal(extension.isActive, false);
    // Without arguments, a command this extension host has not registered is run by the
    // workbench, as one from the palette or a keybinding is. The workbench waits for an unknown
    // command until it is registered or every `*` extension has activated; once that has
    // happened (here, forced by a command nobody has) it no longer waits, as in any window that
    // has been open a while: the command that activated an extension runs as soon as activate()
    // has returned.
    await vscode.commands.executeCommand('e2eTest.noSuchCommand').then(() => assert.fail('an unknown command ran'), () => undefined);
    // A features-bundle command: stand-in (launcher) -> extension bundle -> stand-in (lazy.ts) -> features bundle.
    const state = await vscode.commands.executeCommand<{ tree: unknown[] }>(COMMANDS.devices.testState);
    assert.equal(extension.isActive, true);
    assert.ok(state && Array.isArray(state.tree), `the command returned ${JSON.stringify(state)}`);
    assert.deepEqual(state.tree, [], 'an empty workspace has no devices');
  });

  it('started the bundle only after activate() had returned, and the language server with it', async () => {
    const api = vscode.extensions.getExtension<Api>(EXTENSION_ID)!.exports;
    const { activateStartedAt, bundleStartedAt } = api.startup;
    assert.ok(bundleStartedAt !== undefined, 'the bundle never started');
    const returnedAt = activateStartedAt + api.activationMs;
    assert.ok(bundleStartedAt >= returnedAt, `the bundle started ${(returnedAt - bundleStartedAt).toFixed(1)} ms before activate() returned`);
    await api.ready;
    assert.equal(api.client.isRunning(), true);
  });
});
