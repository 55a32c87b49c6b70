/**
 * The fuzzer's targets, each a real entry point (docs/fuzzing.md):
 * - `lsp`: one long-lived language server (dist/server.js) fed didChange for documents of the three
 *   languages; every change must be answered by its publishDiagnostics in bounded time, with no
 *   handler error logged and the server's RSS bounded.
 * - `check` and `apply`: `pacsw check` / `pacsw apply` through the CLI's main() in a worker
 *   thread (fast), and every SPAWN_EVERY-th input also through the spawned binary (dist/pacsw.js).
 *   apply's outputs are checked: nothing left for a failed file, no temporary file, and what was
 *   written reads back (with our reader, and with DCMTK's dcmdump on a sample).
 * - `serve`: one `pacsw serve` process fed mutated association byte streams over TCP; every
 *   connection must be closed in bounded time, the process must live, and the store must hold no
 *   temporary or unreadable file.
 * A target returns undefined for an input that behaved, or a problem: what went wrong and how.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LogMessageNotification, MessageType } from 'vscode-languageserver-protocol/node';
import { loadDatasetFile } from '../../core/src/dicom/files';
import { LspClient, docUri, repoRoot } from '../lsp/client';
import { FUZZ_CALLED_AE, FUZZ_CALLING_AE, type Corpus } from './corpus';
import type { InProcessReply, InProcessRequest } from './inProcessWorker';
import { ReplyThread } from './replyThread';
import { BYTE_MUTATORS, DICOM_MUTATORS, MAX_BINARY, MAX_TEXT, mutate, PDU_MUTATORS, TEXT_MUTATORS } from './mutate';
import type { Random } from './random';

export type ProblemKind = 'crash' | 'hang' | 'memory' | 'half-written' | 'unreadable-output' | 'output-size' | 'died';

export interface Problem { kind: ProblemKind; detail: string }

/** One generated input: its bytes, the file extension it is written with, and how it was made. */
export interface FuzzInput { ext: string; bytes: Buffer; mutations: string[] }

export interface Limits {
  /** How long one input may take before it counts as a hang. */
  inputTimeoutMs: number;
  /** RSS (MB) a process may reach before it counts as a memory problem. */
  maxRssMb: number;
}

export interface Target {
  readonly name: string;
  start(): Promise<void>;
  generate(rnd: Random): FuzzInput;
  run(input: FuzzInput): Promise<Problem | undefined>;
  /** The one-line command that replays a reproducer file, when there is one simpler than `npm run fuzz -- --replay`. */
  replayCommand?(file: string): string;
  /** Peak resident set (MB) of the processes it started. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export const PACSW = path.join(repoRoot(), 'dist', 'pacsw.js');

/** The time one input may take: the fixed limit plus 200 ms per KB, since the work (and the
 *  findings: a 125 KB file of bad lines has 25,000) grows with the input on a loaded machine. */
export function timeoutFor(limits: Limits, bytes: number): number {
  return limits.inputTimeoutMs + Math.ceil(bytes / 1024) * 200;
}
/** One input in SPAWN_EVERY of check and apply also goes through the spawned binary. */
export const SPAWN_EVERY = 250;

/** Peak and current resident set of a process, in MB, from /proc (undefined once it is gone). */
function rssOf(pid: number | undefined): { now: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function textInput(rnd: Random, seeds: readonly string[], ext: string, max: number): FuzzInput {
  const { input, applied } = mutate(rnd.pick(seeds), rnd, seeds, TEXT_MUTATORS, max);
  // Now and then bytes, not characters: invalid UTF-8 reaches the readers too.
  if (rnd.chance(0.1)) {
    const bytes = mutate(Buffer.from(input, 'utf8'), rnd, [], { 'bit-flip': BYTE_MUTATORS['bit-flip'], 'byte-set': BYTE_MUTATORS['byte-set'] }, max);
    return { ext, bytes: bytes.input, mutations: [...applied, ...bytes.applied] };
  }
  return { ext, bytes: Buffer.from(input, 'utf8'), mutations: applied };
}

/** Text inputs of the in-process core-text target are capped lower: the big ones cost seconds each
 *  there too (a 256 KB file nested 20,000 deep: 2.4 s), and they go through check and lsp anyway. */
export const CORE_TEXT_MAX = 64 * 1024;

/** A document of one of the three text languages, from the corpus, of at most `max` characters. */
export function anyTextInput(rnd: Random, corpus: Corpus, max = MAX_TEXT): FuzzInput {
  const which = rnd.int(10);
  if (which < 5) return textInput(rnd, corpus.coerce, '.coerce', max);
  if (which < 8) return textInput(rnd, corpus.pacs, '.pacs', max);
  return textInput(rnd, corpus.coerceTest, '.coerce-test', max);
}

// ------------------------------------------------------------------ lsp

const LANGUAGE_OF: Record<string, string> = { '.coerce': 'pacs-coercion', '.pacs': 'pacs-devices', '.coerce-test': 'pacs-coercion-test' };

export class LspTarget implements Target {
  readonly name = 'lsp';
  private client: LspClient | undefined;
  private errors: string[] = [];
  private versions = new Map<string, number>();
  private peak = 0;
  private restarts = 0;

  constructor(private readonly corpus: Corpus, private readonly limits: Limits) {}

  async start(): Promise<void> {
    this.client = await LspClient.start();
    this.errors = [];
    this.versions.clear();
    this.client.connection.onNotification(LogMessageNotification.type, (p) => {
      if (p.type === MessageType.Error) this.errors.push(p.message);
    });
  }

  generate(rnd: Random): FuzzInput {
    return anyTextInput(rnd, this.corpus);
  }

  async run(input: FuzzInput): Promise<Problem | undefined> {
    const client = this.client!;
    const uri = docUri(`fuzz-${this.restarts}${input.ext}`);
    const text = input.bytes.toString('utf8');
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const answered = version === 1 ? client.open(uri, text, LANGUAGE_OF[input.ext]) : client.change(uri, text);
    const limit = timeoutFor(this.limits, input.bytes.length);
    const settled = await within(answered, limit);
    const problem: Problem | undefined = settled === 'ok' ? undefined
      : settled === 'timeout' ? { kind: 'hang', detail: `no publishDiagnostics within ${limit} ms of the change` }
        : { kind: 'crash', detail: `sending the change failed: ${String(settled.error)}` };
    const rss = rssOf(client.process.pid);
    if (rss) this.peak = Math.max(this.peak, rss.peak);
    let found: Problem | undefined = problem;
    if (!client.alive) found = { kind: 'died', detail: `the server exited; stderr: ${client.stderr.join('').slice(-2000)}` };
    else if (this.errors.length) found = { kind: 'crash', detail: `the server logged an error: ${this.errors.join('\n').slice(0, 2000)}` };
    else if (!found && rss && rss.now > this.limits.maxRssMb) found = { kind: 'memory', detail: `server RSS ${Math.round(rss.now)} MB after this input (limit ${this.limits.maxRssMb} MB)` };
    if (found) await this.restart();
    return found;
  }

  private async restart(): Promise<void> {
    this.restarts++;
    const old = this.client;
    if (old?.alive) old.process.kill('SIGKILL');
    await old?.stop().catch(() => undefined);
    await this.start();
  }

  peakRssMb(): number {
    return this.peak;
  }

  async stop(): Promise<void> {
    const rss = rssOf(this.client?.process.pid);
    if (rss) this.peak = Math.max(this.peak, rss.peak);
    await this.client?.stop();
  }
}

/** How a promise settled within `ms`; never leaves a rejection unhandled (a killed server's pending write). */
function within<T>(promise: Promise<T>, ms: number): Promise<'ok' | 'timeout' | { error: unknown }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    promise.then(
      () => { clearTimeout(timer); resolve('ok'); },
      (error: unknown) => { clearTimeout(timer); resolve({ error }); },
    );
  });
}

// ------------------------------------------------------------------ in-process CLI

/** A worker thread running the CLI's main(); replaced after a hang or a crash of the thread. */
class CliThread {
  private readonly thread: ReplyThread<InProcessReply>;

  constructor(private readonly limits: Limits) {
    this.thread = new ReplyThread<InProcessReply>('CLI', () => {
      const worker = new Worker(path.join(__dirname, 'inProcessWorker.js'), {
        resourceLimits: { maxOldGenerationSizeMb: this.limits.maxRssMb },
        stdout: true,
        stderr: true,
      });
      worker.stdout.resume();
      worker.stderr.resume();
      return worker;
    });
  }

  get peakHeapMb(): number {
    return this.thread.peakHeapMb;
  }

  /** Runs one command line; a Problem when the thread hung or died. */
  run(argv: string[], timeoutMs = this.limits.inputTimeoutMs): Promise<InProcessReply | Problem> {
    return this.thread.request({ argv } satisfies Omit<InProcessRequest, 'id'>, (hang) => {
      const timer = setTimeout(() => hang({ kind: 'hang', detail: `pacsw ${argv[0]} did not finish within ${timeoutMs} ms` }), timeoutMs);
      return () => clearTimeout(timer);
    });
  }

  /** Loads the CLI in the thread (seconds on a loaded machine), so that the first input is not timed with it. */
  async warmUp(argv: string[]): Promise<void> {
    const reply = await this.run(argv, 120_000);
    if ('kind' in reply) throw new Error(`the CLI thread does not start: ${reply.detail}`);
  }

  stop(): Promise<void> {
    return this.thread.stop();
  }
}

/** The same command line through the spawned binary: a crash (status 70, a signal) or a hang. */
function spawnedProblem(argv: string[], limits: Limits, cwd: string): Problem | undefined {
  const r = spawnSync(process.execPath, [PACSW, ...argv], { cwd, timeout: limits.inputTimeoutMs * 3, maxBuffer: 256 * 2 ** 20, encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { kind: 'hang', detail: `spawned pacsw ${argv[0]} did not finish within ${limits.inputTimeoutMs * 3} ms` };
  if (r.signal) return { kind: 'crash', detail: `spawned pacsw ${argv[0]} was killed by ${r.signal}: ${r.stderr.slice(-2000)}` };
  if (r.status === 70 || /internal error/.test(r.stderr)) return { kind: 'crash', detail: `spawned pacsw ${argv[0]} exit ${r.status}: ${r.stderr.slice(-2000)}` };
  return undefined;
}

/** A scratch copy of the example workspace, so that device tables find their rule files. */
function scratchWorkspace(dir: string): string {
  const ws = path.join(dir, 'workspace');
  fs.cpSync(path.join(repoRoot(), 'examples', 'workspace'), ws, { recursive: true });
  return ws;
}

/** Bytes `pacsw check` may print per input byte (a 2-byte line `{` costs ~150 bytes of finding and frame). */
export const CHECK_OUTPUT_PER_BYTE = 100;
/** Characters a printed line may have besides the file name (the code frame shows a 200-character window). */
export const CHECK_LINE_MAX = 1000;

export class CheckTarget implements Target {
  readonly name = 'check';
  private readonly thread: CliThread;
  private workspace = '';
  private count = 0;

  constructor(private readonly corpus: Corpus, private readonly limits: Limits, private readonly scratch: string) {
    this.thread = new CliThread(limits);
  }

  async start(): Promise<void> {
    this.workspace = scratchWorkspace(path.join(this.scratch, 'check'));
    await this.thread.warmUp(['check', path.join(this.workspace, 'devices', 'hospital.pacs')]);
  }

  generate(rnd: Random): FuzzInput {
    const input = anyTextInput(rnd, this.corpus);
    // The output format is part of the input (its first mutation names it), so a replay uses it too.
    return { ...input, mutations: [rnd.pick(['text', 'text', 'json', 'sarif']), ...input.mutations] };
  }

  private argv(file: string, input: FuzzInput): string[] {
    const format = ['text', 'json', 'sarif'].includes(input.mutations[0]) ? input.mutations[0] : 'text';
    return ['check', '--format', format, file];
  }

  async run(input: FuzzInput): Promise<Problem | undefined> {
    // In devices/, where the example tables' relative rule paths resolve.
    const file = path.join(this.workspace, 'devices', `fuzz${input.ext}`);
    fs.writeFileSync(file, input.bytes);
    const argv = this.argv(file, input);
    const reply = await this.thread.run(argv, timeoutFor(this.limits, input.bytes.length));
    if ('kind' in reply) return reply;
    if (reply.thrown) return { kind: 'crash', detail: `main() threw: ${reply.thrown.slice(0, 2000)}` };
    if (reply.exitCode !== 0 && reply.exitCode !== 1) return { kind: 'crash', detail: `exit status ${reply.exitCode}: ${reply.output.slice(0, 2000)}` };
    // Output grows with the findings, which grow with the input (a coercion file's findings are
    // not capped); what must not happen is output growing faster than that, or a line that
    // quotes a long input whole (CHECK_OUTPUT_PER_BYTE, CHECK_LINE_MAX).
    const bound = 2 ** 20 + CHECK_OUTPUT_PER_BYTE * input.bytes.length;
    if (reply.outputBytes > bound) return { kind: 'output-size', detail: `printed ${reply.outputBytes} bytes for a ${input.bytes.length}-byte input (bound ${bound})` };
    const longest = reply.output.split('\n').reduce((n, l) => Math.max(n, l.length - file.length), 0);
    if (longest > CHECK_LINE_MAX) return { kind: 'output-size', detail: `printed a ${longest}-character line (bound ${CHECK_LINE_MAX} plus the file name)` };
    if (++this.count % SPAWN_EVERY === 0) return spawnedProblem(argv, this.limits, this.workspace);
    return undefined;
  }

  replayCommand(file: string): string {
    return `node ${path.relative(process.cwd(), PACSW) || PACSW} check ${file}`;
  }

  peakRssMb(): number {
    return this.thread.peakHeapMb;
  }

  async stop(): Promise<void> {
    await this.thread.stop();
  }
}

/** Rule files of the example workspace that have no errors (apply refuses others). */
const APPLY_RULES = ['teaching-file-anonymise.coerce', 'outside-ct-import.coerce', 'swap-names.coerce', 'devices/rules/preceding.coerce'];

/** A mutated DICOM file (Part 10 or DICOM JSON) and the rule file it goes through (its first "mutation", rules=N). */
export function dicomInput(rnd: Random, corpus: Corpus): FuzzInput {
  const seed = corpus.dicom[rnd.int(corpus.dicom.length)];
  const isJson = seed[0] === 0x7b || seed[0] === 0x5b;
  const mutators = isJson ? BYTE_MUTATORS : { ...BYTE_MUTATORS, ...DICOM_MUTATORS, ...DICOM_MUTATORS };
  const { input, applied } = mutate(seed, rnd, corpus.dicom, mutators, MAX_BINARY);
  return { ext: isJson ? '.json' : '.dcm', bytes: input, mutations: [`rules=${rnd.int(APPLY_RULES.length)}`, ...applied] };
}

/** The rule file of a DICOM input (its rules=N mutation), relative to the example workspace. */
export function applyRulesOf(input: FuzzInput): string {
  const index = Number(/^rules=(\d+)$/.exec(input.mutations[0] ?? '')?.[1] ?? 0);
  return APPLY_RULES[index % APPLY_RULES.length];
}

export class ApplyTarget implements Target {
  readonly name = 'apply';
  private readonly thread: CliThread;
  private workspace = '';
  private count = 0;
  private readonly dcmdump = spawnSync('dcmdump', ['--version']).status === 0;

  constructor(private readonly corpus: Corpus, private readonly limits: Limits, private readonly scratch: string) {
    this.thread = new CliThread(limits);
  }

  async start(): Promise<void> {
    this.workspace = scratchWorkspace(path.join(this.scratch, 'apply'));
    fs.mkdirSync(path.join(this.workspace, 'in'), { recursive: true });
    const sample = path.join(this.workspace, 'samples', 'ct-outside.dcm');
    await this.thread.warmUp(['apply', '--rules', path.join(this.workspace, APPLY_RULES[0]), '--out', path.join(this.workspace, 'out'), '--jobs', '1', sample]);
  }

  generate(rnd: Random): FuzzInput {
    return dicomInput(rnd, this.corpus);
  }

  private paths(input: FuzzInput): { inFile: string; outDir: string; rules: string } {
    return {
      inFile: path.join(this.workspace, 'in', `fuzz${input.ext}`),
      outDir: path.join(this.workspace, 'out'),
      rules: path.join(this.workspace, applyRulesOf(input)),
    };
  }

  async run(input: FuzzInput): Promise<Problem | undefined> {
    const { inFile, outDir, rules } = this.paths(input);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.writeFileSync(inFile, input.bytes);
    const argv = ['apply', '--rules', rules, '--out', outDir, '--jobs', '1', '--json', inFile];
    const reply = await this.thread.run(argv, timeoutFor(this.limits, input.bytes.length));
    if ('kind' in reply) return reply;
    if (reply.thrown) return { kind: 'crash', detail: `main() threw: ${reply.thrown.slice(0, 2000)}` };
    if (reply.exitCode !== 0 && reply.exitCode !== 1) return { kind: 'crash', detail: `exit status ${reply.exitCode}: ${reply.output.slice(0, 2000)}` };
    const result = reply.output.split('\n').filter((l) => l.startsWith('{"input"')).map((l) => JSON.parse(l) as { status: string; reason: string | null; output: string | null })[0];
    if (!result) return { kind: 'crash', detail: `no result line printed: ${reply.output.slice(0, 2000)}` };
    if (result.reason?.includes('internal error')) return { kind: 'crash', detail: result.reason.slice(0, 2000) };
    const left = fs.existsSync(outDir) ? (fs.readdirSync(outDir, { recursive: true }) as string[]) : [];
    const temporary = left.filter((f) => f.endsWith('.pacsw-tmp'));
    if (temporary.length) return { kind: 'half-written', detail: `temporary files left in --out: ${temporary.join(', ')}` };
    const written = path.join(outDir, path.basename(inFile));
    const wrote = fs.existsSync(written);
    if (result.status === 'changed' || result.status === 'unchanged') {
      if (!wrote) return { kind: 'half-written', detail: `status ${result.status} but no output file` };
      try {
        loadDatasetFile(written);
      } catch (e) {
        return { kind: 'unreadable-output', detail: `the input was read, its output (${result.status}) is not: ${(e as Error).message}` };
      }
      // DCMTK must read the output wherever it reads the input (a sample: spawning costs ~20 ms).
      if (this.dcmdump && input.ext === '.dcm' && this.count % 20 === 0) {
        const reads = (f: string): boolean => spawnSync('dcmdump', ['-q', f], { stdio: 'ignore', timeout: this.limits.inputTimeoutMs }).status === 0;
        if (reads(inFile) && !reads(written)) return { kind: 'unreadable-output', detail: `dcmdump reads the input but not the output (${result.status})` };
      }
    } else if (left.length) {
      return { kind: 'half-written', detail: `status ${result.status} but --out holds ${left.join(', ')}` };
    }
    if (++this.count % SPAWN_EVERY === 0) {
      fs.rmSync(outDir, { recursive: true, force: true });
      return spawnedProblem(argv, this.limits, this.workspace);
    }
    return undefined;
  }

  replayCommand(file: string): string {
    return `node ${path.relative(process.cwd(), PACSW) || PACSW} apply --rules examples/workspace/teaching-file-anonymise.coerce --out /tmp/pacsw-fuzz-replay ${file}`;
  }

  peakRssMb(): number {
    return this.thread.peakHeapMb;
  }

  async stop(): Promise<void> {
    await this.thread.stop();
  }
}

// ------------------------------------------------------------------ serve

/** The device table the fuzzed node serves: short timers, so an idle connection ends soon. */
function serveTable(): string {
  return [
    'server FUZZ {', `  ae "${FUZZ_CALLED_AE}"`, '  host 127.0.0.1', '  tcp-port 11112', '  receive-timeout 2', '  connection-timeout 2',
    '  accept-unknown-callers yes', '}',
    'device F {', '  type dicom', `  ae "${FUZZ_CALLING_AE}"`, '  host 127.0.0.1', '  services {', '    store U', '  }', '  rules "rules.coerce"', '}', '',
  ].join('\n');
}

/** A mutated association byte stream; how it is sent (whole or in pieces, then FIN or silence) is its first "mutation". */
export function pduInput(rnd: Random, corpus: Corpus): FuzzInput {
  const { input, applied } = mutate(rnd.pick(corpus.pdu), rnd, corpus.pdu, { ...BYTE_MUTATORS, ...PDU_MUTATORS, ...PDU_MUTATORS }, MAX_BINARY);
  const mode = `send=${rnd.pick(['whole', 'whole', 'pieces'])},${rnd.chance(0.92) ? 'fin' : 'silent'}`;
  return { ext: '.pdu', bytes: input, mutations: [mode, ...applied] };
}

export class ServeTarget implements Target {
  readonly name = 'serve';
  private child: ChildProcess | undefined;
  private port = 0;
  private dir = '';
  private store = '';
  private stderr = '';
  private peak = 0;
  private count = 0;

  constructor(private readonly corpus: Corpus, private readonly limits: Limits, private readonly scratch: string) {}

  async start(): Promise<void> {
    this.dir = path.join(this.scratch, 'serve');
    this.store = path.join(this.dir, 'store');
    fs.mkdirSync(this.store, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'fuzz.pacs'), serveTable());
    fs.writeFileSync(path.join(this.dir, 'rules.coerce'), '(0008,0050)=concat("F",(0008,0050))\n(0010,0020)=if((0010,0020),(0010,0020),NULL())\n');
    const child = spawn(process.execPath, [PACSW, 'serve', '--devices', path.join(this.dir, 'fuzz.pacs'), '--store', this.store, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.stderr = '';
    child.stderr!.on('data', (d) => (this.stderr = (this.stderr + String(d)).slice(-8000)));
    this.port = await new Promise<number>((resolve, reject) => {
      let pending = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        pending = (pending + chunk).slice(-65536);
        const m = /"event":"listening"[^\n]*"tcpPort":(\d+)/.exec(pending);
        if (m) resolve(Number(m[1]));
        // Keep only the last partial line: the events are not needed here, only drained.
        if (!m && pending.includes('\n')) pending = pending.slice(pending.lastIndexOf('\n') + 1);
      });
      child.once('exit', (code) => reject(new Error(`pacsw serve exited (${code}) before listening: ${this.stderr}`)));
    });
  }

  generate(rnd: Random): FuzzInput {
    return pduInput(rnd, this.corpus);
  }

  async run(input: FuzzInput): Promise<Problem | undefined> {
    if (this.child?.exitCode !== null) await this.start();
    const mode = input.mutations[0] ?? 'send=whole,fin';
    const silent = mode.includes('silent');
    // A silent peer is ended by the node's timers (2 s here); one that sent FIN must be closed at once.
    const limit = silent ? 2000 + this.limits.inputTimeoutMs : this.limits.inputTimeoutMs;
    const { closed, detail } = await this.closesWithin(input.bytes, mode.includes('pieces'), !silent, limit);
    const rss = rssOf(this.child?.pid);
    if (rss) this.peak = Math.max(this.peak, rss.peak);
    if (this.child?.exitCode !== null) {
      const stderr = this.stderr;
      await this.start();
      return { kind: 'died', detail: `pacsw serve exited (${this.child?.exitCode}); stderr: ${stderr.slice(-2000)}` };
    }
    if (!closed) return { kind: 'hang', detail: `the connection was still open ${limit} ms after the stream (${mode}) ${detail}` };
    if (rss && rss.now > this.limits.maxRssMb) return { kind: 'memory', detail: `serve RSS ${Math.round(rss.now)} MB (limit ${this.limits.maxRssMb} MB)` };
    if (++this.count % 50 === 0) return this.checkStore();
    return undefined;
  }

  /**
   * Sends the stream and tells whether the node closed the connection within `limitMs`. When it
   * did not: stuck, or starved of CPU on a loaded machine? An echo association on a new
   * connection tells them apart. When the node answers and closes that one in time, this
   * connection is really left open (a hang); when it does not, the node is starved, and this
   * connection gets another `limitMs` before it counts as a hang.
   */
  private async closesWithin(bytes: Buffer, pieces: boolean, fin: boolean, limitMs: number): Promise<{ closed: boolean; detail: string }> {
    const c = this.connect(bytes, pieces, fin);
    try {
      if (await within(c.closed, limitMs) === 'ok') return { closed: true, detail: '' };
      const probe = this.connect(this.corpus.pdu[0], false, true);
      const answered = await within(probe.closed, limitMs) === 'ok';
      probe.socket.destroy();
      if (answered) return { closed: false, detail: 'while an echo association on a new connection was answered and closed in time' };
      if (await within(c.closed, limitMs) === 'ok') return { closed: true, detail: '' };
      return { closed: false, detail: `and ${limitMs} ms more; an echo association on a new connection was not closed in time either (starved by the machine's load, or stuck)` };
    } finally {
      c.socket.destroy();
    }
  }

  /** A connection that sends `bytes` (whole or in pieces, then FIN or not); `closed` settles when the node closes it. */
  private connect(bytes: Buffer, pieces: boolean, fin: boolean): { socket: net.Socket; closed: Promise<void> } {
    const socket = net.connect({ host: '127.0.0.1', port: this.port });
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.once('connect', () => {
      if (pieces) for (let at = 0; at < bytes.length; at += 1 + (at % 977)) socket.write(bytes.subarray(at, at + 1 + (at % 977)));
      else socket.write(bytes);
      if (fin) socket.end();
    });
    return { socket, closed };
  }

  /** Every file in the store reads back, and none is a temporary file (when the node is idle). */
  private async checkStore(): Promise<Problem | undefined> {
    // The node may rename or remove a temporary file between the listing and its stat (seed 20261204, input 37103).
    const isFile = (f: string): boolean => fs.statSync(f, { throwIfNoEntry: false })?.isFile() ?? false;
    const files = (fs.readdirSync(this.store, { recursive: true }) as string[]).map((f) => path.join(this.store, f)).filter(isFile);
    const temporary = files.filter((f) => f.endsWith('.pacsw-tmp'));
    if (temporary.length) {
      // A write may still be finishing: look again a little later.
      await new Promise((r) => setTimeout(r, 1000));
      const still = temporary.filter((f) => fs.existsSync(f));
      if (still.length) return { kind: 'half-written', detail: `temporary files in the store: ${still.map((f) => path.relative(this.store, f)).join(', ')}` };
    }
    for (const f of files.filter((x) => x.endsWith('.dcm'))) {
      try {
        loadDatasetFile(f);
      } catch (e) {
        return { kind: 'half-written', detail: `stored file ${path.relative(this.store, f)} does not read back: ${(e as Error).message}` };
      }
      fs.rmSync(f);
    }
    return undefined;
  }

  peakRssMb(): number {
    return this.peak;
  }

  async stop(): Promise<void> {
    const rss = rssOf(this.child?.pid);
    if (rss) this.peak = Math.max(this.peak, rss.peak);
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  }

  /** The store check as a final problem (called once at the end of a campaign). */
  finalCheck(): Promise<Problem | undefined> {
    return this.checkStore();
  }
}
