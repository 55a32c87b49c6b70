/**
 * Builds the LanguageClient that talks to the PACS Workbench language server (dist/server.js)
 * over Node IPC. Kept apart from activate() so that restart and tests share one definition.
 */
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import {
  IPCMessageReader,
  IPCMessageWriter,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { NAMESPACE, type ClientInitializationOptions } from '../../core/src/contributes';
import { forkServer, hostIsDebugged, isUsable, serverWorkingDir } from './serverProcess';

/** Languages the server owns; also used by features that only care about our editors. */
export const LANGUAGE_IDS = ['pacs-coercion', 'pacs-devices', 'pacs-coercion-test'] as const;

export const CLIENT_ID = NAMESPACE;
export const CLIENT_NAME = 'PACS Workbench';

/** How long a stopped server may take to exit before it is killed (the client's own figure). */
const EXIT_GRACE_MS = 2_000;

/**
 * `prestarted`: the server process the launcher forked just before it loaded this bundle; the first
 * start uses it, a restart (or a restart after a crash) forks a new one.
 */
export function createLanguageClient(
  context: vscode.ExtensionContext,
  outputChannel: vscode.OutputChannel,
  prestarted?: ChildProcess,
): LanguageClient {
  const serverModule = context.asAbsolutePath('dist/server.js');
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
  if (hostIsDebugged()) {
    // A fixed port so "Attach to Server" launch configurations can find it.
    const debugOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    prestarted?.kill();
    return new LanguageClient(CLIENT_ID, CLIENT_NAME, debugOptions, clientOptions);
  }

  let next = prestarted;
  let running: ChildProcess | undefined;
  const serverOptions: ServerOptions = async () => {
    const reuse = next !== undefined && isUsable(next);
    if (next && !reuse) next.kill();
    const child = reuse && next ? next : forkServer(serverModule, serverWorkingDir());
    next = undefined;
    running = child;
    // What the client does for a server it forks: its output goes to the output channel.
    child.stdout?.on('data', (data: Buffer) => outputChannel.append(data.toString()));
    child.stderr?.on('data', (data: Buffer) => outputChannel.append(data.toString()));
    return { reader: new IPCMessageReader(child), writer: new IPCMessageWriter(child) };
  };
  const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  // The client ends a process it forked itself once it is stopped; it does not know this one.
  client.onDidChangeState(({ newState }) => {
    if (newState !== State.Stopped || !running) return;
    const stopped = running;
    running = undefined;
    setTimeout(() => {
      if (stopped.exitCode === null && stopped.signalCode === null) stopped.kill();
    }, EXIT_GRACE_MS).unref();
  });
  return client;
}
