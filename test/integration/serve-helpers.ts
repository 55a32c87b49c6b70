/**
 * `pacsw serve --json` as a child process for the tests, with its events, and DCMTK senders
 * pointed at it. Everything on 127.0.0.1 with free ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACSW } from './dicom-helpers';
import { dcmtkEnv, freePort } from './peers';
import { parsePart10 } from '../../core/src/dicom/part10';
import type { NodeEvent } from '../../core/src/forward/events';
import { lineSplitter } from '../../core/src/text/lineSplitter';

export interface ServeProcess {
  port: number;
  store: string;
  child: ChildProcess;
  events: NodeEvent[];
  stderr(): string;
  /** Resolves with the first event (from `from` on) that matches; rejects after `timeoutMs`, saying what was seen. */
  waitFor<E extends NodeEvent>(match: (e: NodeEvent) => e is E, what: string, timeoutMs?: number, from?: number): Promise<E>;
  waitFor(match: (e: NodeEvent) => boolean, what: string, timeoutMs?: number, from?: number): Promise<NodeEvent>;
  /** SIGINT (Ctrl+C) and the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

/**
 * Resolves once `count` associations (from event `from` on) have closed. The node prints an
 * object's event just after its C-STORE-RSP has gone out, so a sender can exit before the last
 * object event is read; the association's `closed` event comes after all of them.
 */
export async function associationsClosed(s: ServeProcess, count: number, from = 0, timeoutMs = 20000): Promise<void> {
  const closed = (): number => s.events.slice(from).filter((e) => e.event === 'closed').length;
  await s.waitFor(() => closed() >= count, `${count} association${count === 1 ? '' : 's'} closed`, timeoutMs, from);
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export async function startServe(devicesFile: string, store: string, extra: string[] = [], options: { port?: number } = {}): Promise<ServeProcess> {
  const port = options.port ?? await freePort();
  const child = spawn(process.execPath, [PACSW, 'serve', '--devices', devicesFile, '--store', store, '--port', String(port), '--json', ...extra], { stdio: [extra.includes('--control') ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const events: NodeEvent[] = [];
  const waiters = new Set<() => void>();
  let err = '';
  const toEvents = lineSplitter((line) => events.push(JSON.parse(line) as NodeEvent));
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    toEvents(chunk);
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    for (const w of [...waiters]) w();
    resolve(code);
  }));
  const waitFor = (match: (e: NodeEvent) => boolean, what: string, timeoutMs = 20000, from = 0): Promise<NodeEvent> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.slice(from).find(match);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null) {
          done();
          reject(new Error(`pacsw serve exited (${child.exitCode}) before ${what}; stderr: ${err}; events: ${JSON.stringify(events.slice(-5))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; last events: ${JSON.stringify(events.slice(-5))}; stderr: ${err}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const serve: ServeProcess = {
    port,
    store,
    child,
    events,
    stderr: () => err,
    waitFor: waitFor as ServeProcess['waitFor'],
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  await serve.waitFor((e) => e.event === 'listening', 'listening event', 30000);
  return serve;
}

export interface ToolRun {
  code: number | null;
  output: string;
}

/**
 * Runs a DCMTK tool (storescu, echoscu) with TCP_NODELAY and collects its output. Resolves on
 * 'close', not 'exit': a process can exit before its last output has been read from the pipe
 * (on a loaded machine, storescu's "Association Rejected" lines often were, which made the
 * 50-storescu burst test see "exit 1, no output").
 */
export function runTool(tool: string, args: string[]): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(tool, args, { env: dcmtkEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('close', (code) => resolve({ code, output }));
  });
}

export const storescu = (callingAe: string, calledAe: string, port: number, files: string[], extra: string[] = []): Promise<ToolRun> =>
  runTool('storescu', ['-aet', callingAe, '-aec', calledAe, ...extra, '127.0.0.1', String(port), ...files]);

export const echoscu = (callingAe: string, calledAe: string, port: number): Promise<ToolRun> =>
  runTool('echoscu', ['-aet', callingAe, '-aec', calledAe, '127.0.0.1', String(port)]);

/** The data set of a Part 10 file (what follows the meta information), inflated when deflated. */
export function datasetBytes(file: string): Buffer {
  const bytes = fs.readFileSync(file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parsed = parsePart10(bytes, (d) => (require('node:zlib') as typeof import('node:zlib')).inflateRawSync(d));
  return Buffer.from(parsed.deflated ? parsed.deflated.bytes : bytes.subarray(parsed.datasetStart));
}

/** Every file under dir (recursively). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}
