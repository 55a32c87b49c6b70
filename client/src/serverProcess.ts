/**
 * Starts the language server process (dist/server.js over Node IPC) as vscode-languageclient's
 * `TransportKind.ipc` would. The launcher (launcher.ts) calls it just before it loads the
 * extension's bundle, so that the server boots while the extension host loads and starts the
 * bundle; the language client takes that process for its first start and forks a fresh one for a
 * restart (serverClient.ts). Node built-ins and `vscode` only: it is part of the small
 * dist/extension.js.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

/** The argv flags vscode-languageclient treats as "the extension host is being debugged". */
const DEBUG_FLAGS = /^--(debug|debug-brk|inspect|inspect-brk)(=|$)/;

/** True when the extension host runs under a debugger: the client then starts the server itself, with `--inspect=6019`. */
export function hostIsDebugged(): boolean {
  return process.execArgv.some((arg) => DEBUG_FLAGS.test(arg));
}

/**
 * Forks `serverModule` with an IPC channel and piped stdio (the client shows stdout and stderr
 * in its output channel). `cwd`: the workspace folder, where the language client would start it.
 */
export function forkServer(serverModule: string, cwd: string | undefined): ChildProcess {
  const child = fork(serverModule, ['--node-ipc', `--clientProcessId=${process.pid}`], {
    cwd,
    silent: true,
    execArgv: [],
    // What the language client sets for a forked server: in desktop VS Code, process.execPath
    // is Electron, which runs a script as plain Node only with this variable.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' },
  });
  // A failed spawn reports 'error' on a later tick, before the client may listen: without a
  // listener it would be an uncaught exception in the extension host. isUsable() tells it.
  child.on('error', () => undefined);
  return child;
}

/** Where the language client would start the server: the first workspace folder, when on disk. */
export function serverWorkingDir(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder?.uri.scheme !== 'file') return undefined;
  try {
    return fs.statSync(folder.uri.fsPath).isDirectory() ? folder.uri.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A server process the client can still talk to: forked (a failed spawn has no pid, and its
 * 'error' event comes later) and not exited.
 */
export function isUsable(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null && child.connected;
}
