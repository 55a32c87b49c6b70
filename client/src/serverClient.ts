/**
 * Builds the LanguageClient that talks to the PACS Workbench language server (dist/server.js)
 * over Node IPC. Kept apart from activate() so that restart and tests share one definition.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { NAMESPACE, type ClientInitializationOptions } from '../../core/src/contributes';

/** Languages the server owns; also used by features that only care about our editors. */
export const LANGUAGE_IDS = ['pacs-coercion', 'pacs-devices', 'pacs-coercion-test'] as const;

export const CLIENT_ID = NAMESPACE;
export const CLIENT_NAME = 'PACS Workbench';

export function createLanguageClient(
  context: vscode.ExtensionContext,
  outputChannel: vscode.OutputChannel,
): LanguageClient {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      // A fixed port so "Attach to Server" launch configurations can find it.
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGE_IDS.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    synchronize: { configurationSection: CLIENT_ID },
    outputChannel,
    // The trace setting is read by the client from `${CLIENT_ID}.trace.server`.
    traceOutputChannel: outputChannel,
    // Quick fixes with placeholders come as this command (client/src/features/insertSnippet.ts).
    initializationOptions: { insertSnippetCommand: true } satisfies ClientInitializationOptions,
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
