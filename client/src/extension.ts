/**
 * Entry point of the PACS Workbench extension. activate() only wires things up: the language
 * server starts in the background and `ready` tells callers (and tests) when it is up, so that
 * opening a file never waits on the server.
 */
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CLIENT_NAME, createLanguageClient } from './serverClient';
import { features } from './features';
import { describeError, registerEach } from './features/feature';
import { registerLazyFeatures } from './features/lazy';
import { COMMANDS } from '../../core/src/contributes';

export const RESTART_SERVER_COMMAND = COMMANDS.restartServer;

/** What activate() returns: `vscode.extensions.getExtension(...).exports`. */
export interface PacsWorkbenchApi {
  client: LanguageClient;
  /** Resolves once the language server has started (again, after a restart). */
  readonly ready: Promise<void>;
  /** Time spent inside activate(), for bench/activation.bench.ts. */
  readonly activationMs: number;
  /** performance.now() when the launcher started and when activate() started, for the same. */
  readonly startup: Startup;
}

export interface Startup {
  launcherStartedAt: number;
  activateStartedAt: number;
}

let client: LanguageClient | undefined;

/**
 * `server`: the language server process the launcher started before loading this bundle;
 * `launcherStartedAt`: when the launcher's activate() began.
 */
export function activate(context: vscode.ExtensionContext, server?: ChildProcess, launcherStartedAt?: number): PacsWorkbenchApi {
  const started = performance.now();
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
  registerLazyFeatures(context, languageClient, log);

  const activationMs = performance.now() - started;
  return {
    client: languageClient,
    get ready() {
      return ready;
    },
    activationMs,
    startup: { launcherStartedAt: launcherStartedAt ?? started, activateStartedAt: started },
  };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}

