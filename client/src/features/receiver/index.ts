/**
 * Start Receiver / Stop Receiver on a server of the Devices view, and the Traffic view. The node
 * is `pacsw serve --json` in a child process (the CLI bundle under Node, never code in the
 * extension host), storing under the extension's global storage, outside the workspace.
 * Network listening needs a trusted workspace. One receiver at a time. Retry and Drop on a
 * forward destination go to the running node as queue commands on its stdin (`--control`: it
 * acts at once, and a retry forgets the backoff); with no node running they run `pacsw queue
 * retry|drop` on the last store.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NodeEvent } from '../../../../core/src/forward/events';
import { lineSplitter } from '../../../../core/src/text/lineSplitter';
import { requireTrust } from '../../trust';
import type { Feature } from '../feature';
import { COMPARE_DATASETS_COMMAND } from '../preview';
import { snapshotTree } from '../treeSnapshot';
import { OPEN_VIEWER_COMMAND } from '../viewer';
import { ReceivedPanel } from './receivedPanel';
import { TrafficModel } from './trafficModel';
import { TrafficView, type TrafficNode } from './trafficView';
import { COMMANDS, INTERNAL_COMMANDS, NAMESPACE, SETTINGS, VIEWS } from '../../../../core/src/contributes';

export const TRAFFIC_VIEW_ID = VIEWS.traffic;
const RUNNING_CONTEXT = `${NAMESPACE}.receiverRunning`;

interface Running {
  child: ChildProcess;
  file: string;
  store: string;
  /** Queue commands sent on stdin, by id, until the node's `control` answer. */
  answers: Map<number, (e: ControlEvent) => void>;
}

type ControlEvent = Extract<NodeEvent, { event: 'control' }>;

/** How long a queue command waits for the node's answer. */
const CONTROL_TIMEOUT_MS = 30_000;

export const receiverFeature: Feature = {
  name: 'receiver',
  register(context) {
    const model = new TrafficModel();
    const output = vscode.window.createOutputChannel('PACS Receiver');
    let running: Running | undefined;
    /** The table and store of the last receiver: its queue is on disk after it stopped, too. */
    let last: Pick<Running, 'file' | 'store'> | undefined;
    const view = new TrafficView(model, () => (running ? path.basename(running.file) : undefined));
    const tree = vscode.window.createTreeView(TRAFFIC_VIEW_ID, { treeDataProvider: view });
    const received = new ReceivedPanel();
    const setRunning = (r: Running | undefined): void => {
      running = r;
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, !!r);
      view.refresh();
    };

    const start = async (arg?: unknown): Promise<void> => {
      if (!requireTrust('Start Receiver')) return;
      if (running) {
        void vscode.window.showWarningMessage(`A receiver is already running for ${path.basename(running.file)}; stop it first (PACS Devices: Stop Receiver).`);
        return;
      }
      const file = await pickTable(arg);
      if (!file) return;
      const store = path.join(context.globalStorageUri.fsPath, 'received', path.basename(file, '.pacs'));
      const port = vscode.workspace.getConfiguration(NAMESPACE).get<number | null>(SETTINGS.receiverPort, null);
      const args = [path.join(context.extensionPath, 'dist', 'pacsw.js'), 'serve', '--devices', file, '--store', store, '--json', '--keep-originals', '--control'];
      if (typeof port === 'number') args.push('--port', String(port));
      output.appendLine(`starting: pacsw ${args.slice(1).join(' ')}`);
      // The extension host's executable runs as plain Node with ELECTRON_RUN_AS_NODE (desktop);
      // under code-server it is Node already.
      const child = spawn(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdin!.on('error', () => undefined); // the node ended: its exit handler says so
      const r: Running = { child, file, store, answers: new Map() };
      last = r;
      setRunning(r);
      let stderr = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', lineSplitter((line) => {
        let e: NodeEvent;
        try {
          e = JSON.parse(line) as NodeEvent;
        } catch {
          output.appendLine(line);
          return;
        }
        if (e.event === 'control' && typeof e.id === 'number') {
          r.answers.get(e.id)?.(e);
          r.answers.delete(e.id);
        }
        const text = describe(e);
        if (text) output.appendLine(text);
        if (model.add(e)) view.refresh();
      }));
      child.stderr!.on('data', (d) => {
        stderr += d;
        output.append(String(d));
      });
      child.once('error', (error) => output.appendLine(`the receiver could not start: ${error.message}`));
      child.once('exit', (code, signal) => {
        if (running === r) setRunning(undefined);
        for (const settle of r.answers.values()) settle({ event: 'control', time: new Date().toISOString(), ok: false, error: 'the receiver stopped before it answered' });
        r.answers.clear();
        output.appendLine(`receiver ended (${signal ?? `exit ${code}`})`);
        if (code !== 0 && signal === null) {
          const reason = stderr.trim().split('\n').slice(0, 3).join(' ').replace(/^pacsw serve: /, '');
          void vscode.window.showErrorMessage(`PACS Workbench: the receiver for ${path.basename(file)} stopped: ${reason || `exit ${code}`}`, 'Show Log').then((c) => c && output.show());
        }
      });
    };

    const stop = async (): Promise<void> => {
      const r = running;
      if (!r) return;
      // SIGINT: the node answers the objects in hand, then exits.
      const ended = new Promise<void>((resolve) => (r.child.exitCode !== null ? resolve() : r.child.once('exit', () => resolve())));
      r.child.kill('SIGINT');
      await ended;
    };

    /**
     * Copies a received object into the workspace's samples, only after the user says yes (it
     * may hold patient data). `answer` is for callers that asked already (tests, keybindings):
     * the confirming button's label, "Copy into Workspace"; anything else copies nothing.
     */
    const saveAsSample = async (node?: TrafficNode, answer?: string): Promise<void> => {
      if (node?.kind !== 'object' || !node.event.file && !node.event.original) return;
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) {
        void vscode.window.showWarningMessage('Open a folder first: samples are copied into the workspace.');
        return;
      }
      const source = node.event.original ?? node.event.file!;
      // The stored file's own name (<SOP Instance UID>.dcm, checked by the node): nothing from the wire makes a path here.
      const target = vscode.Uri.joinPath(folder.uri, 'samples', 'received', path.basename(source));
      const yes = 'Copy into Workspace';
      // A menu may pass more arguments (a selection): only a string is an answer.
      const confirmed = typeof answer === 'string' ? answer : await vscode.window.showWarningMessage(
        `Copy the received object ${node.event.sopInstanceUid} into the workspace as ${vscode.workspace.asRelativePath(target)}? It may hold patient data, which would then be part of this folder (and of anything that commits it).`,
        { modal: true }, yes,
      );
      if (confirmed !== yes) return;
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
      try {
        await vscode.workspace.fs.copy(vscode.Uri.file(source), target, { overwrite: false });
      } catch (error) {
        if ((error as vscode.FileSystemError).code !== 'FileExists') throw error;
        void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(target)} is a sample already; it was left as it is.`);
        return;
      }
      void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)} as a sample${node.event.original ? ' (as received, before the rules)' : ' (after the rules)'}.`);
    };

    const compare = async (node?: TrafficNode): Promise<void> => {
      if (node?.kind !== 'object' || !node.event.original || !node.event.file) return;
      if (!fs.existsSync(node.event.file)) return;
      await vscode.commands.executeCommand(COMPARE_DATASETS_COMMAND, vscode.Uri.file(node.event.original), vscode.Uri.file(node.event.file), `${node.event.device ?? node.event.callingAe} ${node.event.sopInstanceUid}: received ↔ stored`);
    };

    /** A received object in the DICOM viewer: as stored, or (`original`) as it arrived. */
    const openInViewer = async (node: TrafficNode | undefined, which: 'stored' | 'original'): Promise<void> => {
      if (node?.kind !== 'object') return;
      const file = which === 'original' ? node.event.original : node.event.file ?? node.event.original;
      if (!file) {
        void vscode.window.showInformationMessage(`PACS Workbench: ${node.event.sopInstanceUid} was not stored${which === 'original' ? ' and its original not kept' : ''}; there is no file to open.`);
        return;
      }
      await vscode.commands.executeCommand(OPEN_VIEWER_COMMAND, vscode.Uri.file(file));
    };

    /** `pacsw queue <sub> --devices FILE --store DIR ...args` (the CLI bundle under Node) on the last store; its output line. */
    const runQueue = (sub: 'retry' | 'drop', args: string[]): Promise<string> => new Promise((resolve, reject) => {
      const at = last!;
      const argv = [path.join(context.extensionPath, 'dist', 'pacsw.js'), 'queue', sub, '--devices', at.file, '--store', at.store, ...args];
      output.appendLine(`running: pacsw ${argv.slice(1).join(' ')}`);
      execFile(process.execPath, argv, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 30000 }, (error, stdout, stderr) => {
        output.append(stdout + stderr);
        if (error) reject(new Error((stderr || error.message).trim().replace(/^pacsw queue: /, '')));
        else resolve(stdout.trim());
      });
    });

    /** A queue command to the running node (its stdin); resolves to its answer's text. */
    let nextCommandId = 1;
    const commandNode = (r: Running, command: { queue: 'retry' | 'drop'; destination: string; pending?: boolean }): Promise<string> => {
      const id = nextCommandId++;
      const answered = new Promise<ControlEvent>((resolve) => {
        const timer = setTimeout(() => {
          r.answers.delete(id);
          resolve({ event: 'control', time: new Date().toISOString(), ok: false, error: `the receiver did not answer within ${CONTROL_TIMEOUT_MS / 1000} s` });
        }, CONTROL_TIMEOUT_MS);
        r.answers.set(id, (e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
      r.child.stdin!.write(`${JSON.stringify({ id, ...command })}\n`);
      return answered.then((e) => {
        if (!e.ok) throw new Error(e.error);
        return e.text;
      });
    };

    /**
     * Retry (failed entries back, and the backoff forgotten while a node runs) or Drop (asks:
     * failed only, or failed and pending) on a destination. `answer` is for callers that asked
     * the user already (tests, keybindings): the label of one of Drop's buttons.
     */
    const queueAction = async (node: TrafficNode | undefined, action: 'retry' | 'drop', answer?: string): Promise<void> => {
      if (node?.kind !== 'destination' || !(running ?? last)) return;
      const d = model.queue.get(node.id);
      let pending = false;
      if (action === 'drop') {
        const failedOnly = `Drop ${d?.failed ?? 0} Failed`;
        const all = `Drop Failed and ${d?.pending ?? 0} Pending`;
        const choices = [...(d?.failed ? [failedOnly] : []), ...(d?.pending ? [all] : [])];
        const chosen = typeof answer === 'string' ? choices.find((c) => c === answer) : await vscode.window.showWarningMessage(
          `Drop queued forwards of ${node.id}? Dropped objects are not sent to it (the received files stay in the store).`,
          { modal: true }, ...choices,
        );
        if (!chosen) return;
        pending = chosen === all;
      }
      try {
        const said = running
          ? await commandNode(running, { queue: action, destination: node.id, ...(pending ? { pending } : {}) })
          : await runQueue(action, pending ? ['--pending', node.id] : [node.id]);
        void vscode.window.showInformationMessage(`PACS Workbench: ${said}.`);
      } catch (error) {
        void vscode.window.showErrorMessage(`PACS Workbench: ${action === 'retry' ? 'Retry' : 'Drop'} of ${node.id}'s forwards failed: ${(error as Error).message}`);
      }
    };

    context.subscriptions.push(
      output, view, tree, received,
      vscode.commands.registerCommand(COMMANDS.receiver.queueRetry, (node?: TrafficNode) => queueAction(node, 'retry')),
      vscode.commands.registerCommand(COMMANDS.receiver.queueDrop, (node?: TrafficNode, answer?: string) => queueAction(node, 'drop', answer)),
      vscode.commands.registerCommand(COMMANDS.receiver.start, start),
      vscode.commands.registerCommand(COMMANDS.receiver.stop, stop),
      vscode.commands.registerCommand(COMMANDS.receiver.saveAsSample, (node?: TrafficNode, answer?: string) => saveAsSample(node, answer)),
      vscode.commands.registerCommand(COMMANDS.receiver.compare, compare),
      vscode.commands.registerCommand(COMMANDS.receiver.showChanges, (node?: TrafficNode, options?: { allAttributes?: boolean }) =>
        node?.kind === 'object' ? received.show(node.event, options) : undefined),
      vscode.commands.registerCommand(COMMANDS.receiver.openInViewer, (node?: TrafficNode) => openInViewer(node, 'stored')),
      vscode.commands.registerCommand(COMMANDS.receiver.openOriginalInViewer, (node?: TrafficNode) => openInViewer(node, 'original')),
      vscode.commands.registerCommand(COMMANDS.receiver.clear, () => {
        model.clear();
        view.refresh();
      }),
      /** For tests: the model's state, whether a receiver runs, the view as its provider gives it, the received object's page. */
      vscode.commands.registerCommand(INTERNAL_COMMANDS.receiverState, async () => ({
        running: running ? running.file : null,
        listening: model.listening ?? null,
        devices: [...model.devices.values()].map((d) => ({ ...d })),
        warnings: model.warnings,
        queue: [...model.queue.values()],
        tree: await snapshotTree(view),
        received: await received.state(),
      })),
      { dispose: () => running?.child.kill('SIGINT') },
    );
  },
};

/** The .pacs file of a Devices view server node, or one picked from the workspace. */
async function pickTable(arg: unknown): Promise<string | undefined> {
  const node = arg as { kind?: string; uri?: string } | undefined;
  if (node?.kind === 'server' && typeof node.uri === 'string') return vscode.Uri.parse(node.uri).fsPath;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const files = await vscode.workspace.findFiles('**/*.pacs', '**/node_modules/**');
  if (files.length === 1) return files[0].fsPath;
  const pick = await vscode.window.showQuickPick(files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { title: 'Start a receiver for which device table?' });
  return pick?.uri.fsPath;
}

/** The output channel's line for an event; none for the queue status (the view shows it). */
function describe(e: NodeEvent): string | undefined {
  switch (e.event) {
    case 'queue':
      return undefined;
    case 'control':
      return `${e.time} ${e.ok ? e.text : `queue command refused: ${e.error}`}`;
    case 'forward':
      if (e.status === 'queued') return undefined; // the object's "stored" line says it
      if (e.status === 'sent') return `${e.time} forwarded ${e.sopInstanceUid} to ${e.destination}${e.warning ? ` (${e.warning})` : ''}`;
      if (e.status === 'retry') return `${e.time} forward to ${e.destination} failed: ${e.reason}; retry ${e.attempt} at ${e.nextRetryAt}`;
      return `${e.time} forward of ${e.sopInstanceUid} to ${e.destination} failed for good: ${e.reason}`;
    case 'association':
      return `${e.time} ${e.outcome} ${e.callingAe} -> ${e.calledAe} from ${e.peer}${e.reason ? `: ${e.reason}` : ''}`;
    case 'object':
      return `${e.time} ${e.status} ${e.device ?? e.callingAe} ${e.sopInstanceUid}${e.file ? ` -> ${e.file}` : ''}${e.reason ? `: ${e.reason}` : ''}`;
    case 'listening':
      return `${e.time} listening as ${e.ae} on ${e.host}:${e.tcpPort ?? '-'}${e.tlsPort !== undefined ? ` (TLS ${e.tlsPort})` : ''}, storing under ${e.store}`;
    case 'warning':
      return `${e.time} warning: ${e.message}`;
    case 'table':
      return `${e.time} table ${e.status}${e.errors.length ? `:\n  ${e.errors.join('\n  ')}` : ''}`;
    default:
      return `${e.time} ${e.event}`;
  }
}
