/** The client's own commands: dialect toggle (a setting the server listens to) and restart. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activeApi, isError, openNewFile, pollUntil, waitForDiagnostics } from './helpers';

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
/**
 * The language servers this extension host runs: its child processes (Linux /proc) whose command
 * line starts dist/server.js. An exited child that is not reaped yet has no command line.
 */
function serverProcesses(): number[] {
  const task = `/proc/${process.pid}/task`;
  const children = fs.readdirSync(task).flatMap((thread) => fs.readFileSync(`${task}/${thread}/children`, 'utf8').split(' ').filter((pid) => pid.trim()).map(Number));
  return children.filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').some((arg) => arg.endsWith('dist/server.js'));
    } catch {
      return false; // exited meanwhile
    }
  });
}

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
    await api.ready;
    // One server: the launcher starts it before the bundle loads, and the client must take that
    // one rather than fork its own.
    const [first, ...others] = serverProcesses();
    assert.deepEqual(others, [], `one language server process, found ${[first, ...others].join(', ')}`);
    await vscode.commands.executeCommand('pacsWorkbench.restartServer');
    await api.ready;
    assert.equal(api.client.isRunning(), true);
    // The restart forks a new server, and the old one is gone (it exits on the client's `exit`).
    await pollUntil(async () => serverProcesses(), (pids) => pids.length === 1 && pids[0] !== first, `the server ${first} replaced by one new server process`);
    const document = await openNewFile('test-after-restart.coerce', '(0010,0010)=concat(\n');
    await waitForDiagnostics(document.uri, (ds) => ds.some(isError), 'an error from the restarted server');
  });
});
