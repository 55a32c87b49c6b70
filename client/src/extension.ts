/**
 * The extension's bundle (dist/extension-main.js), which the launcher (launcher.ts) loads on
 * the first turn after VS Code's activate() has returned, or at once when something needs it
 * sooner. start() only wires things up: the language server starts in the background and
 * `ready` tells callers (and tests) when it is up, so that opening a file never waits on it.
 */
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CLIENT_NAME, createLanguageClient } from './serverClient';
import { features } from './features';
import { describeError, registerEach } from './features/feature';
import { registerLazyFeatures, type LazyFeatures } from './features/lazy';
import { COMMANDS } from '../../core/src/contributes';

export const RESTART_SERVER_COMMAND = COMMANDS.restartServer;

/** What start() gives the launcher, which hands `client` and `ready` on in the extension's API (api.ts). */
export interface Started {
  client: LanguageClient;
  /** Resolves once the language server has started (again, after a restart). */
  readonly ready: Promise<void>;
  /** The features bundle (lazy.ts), for the launcher's preview serializer and custom editor. */
  features: LazyFeatures;
}

let client: LanguageClient | undefined;

/** `server`: the language server process the launcher forked just before it loaded this bundle. */
export function start(context: vscode.ExtensionContext, server?: ChildProcess): Started {
  const outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(outputChannel);
  const languageClient = createLanguageClient(context, outputChannel, server);
  client = languageClient;

  const startServer = (): Promise<void> =>
    languageClient.start().catch((error: unknown) => {
      outputChannel.appendLine(`Language server failed to start: ${describeError(error)}`);
      throw error;
    });
  let ready = startServer();
  // The promise is also handed to callers; this keeps a failed start from being "unhandled".
  ready.catch(() => undefined);

  context.subscriptions.push(
    vscode.commands.registerCommand(RESTART_SERVER_COMMAND, async () => {
      outputChannel.appendLine('Restarting the language server.');
      ready = languageClient.isRunning() ? languageClient.restart() : startServer();
      await ready;
    }),
  );

  const log = (line: string): void => outputChannel.appendLine(line);
  // One broken feature must not take the language service down with it.
  registerEach(features, context, languageClient, log);
  const lazyFeatures = registerLazyFeatures(context, languageClient, log);

  return {
    client: languageClient,
    get ready() {
      return ready;
    },
    features: lazyFeatures,
  };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}

