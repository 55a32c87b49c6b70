/**
 * A small real LSP client for the protocol tests and benchmarks: spawns the bundled server
 * (`node dist/server.js --stdio`, or `--node-ipc` like VS Code) and talks JSON-RPC to it, the
 * same messages VS Code sends.
 * Server → client requests (workspace/configuration, client/registerCapability) are answered
 * like an editor would; diagnostics and log messages are collected for assertions.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../repo';
import {
  CodeActionRequest,
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type InitializeResult,
  type MarkupContent,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export { repoRoot };

export const SERVER_BUNDLE = path.join(repoRoot(), 'dist', 'server.js');

export interface ClientOptions {
  /** `stdio` (default) or `ipc`, the transport the VS Code client uses (`--node-ipc`). */
  transport?: 'stdio' | 'ipc';
  /** What workspace/configuration answers for section `pacsWorkbench`. */
  settings?: { coercion?: { dialect?: string } };
  /** Set false to act like a client without workspace/configuration support. */
  configurationSupport?: boolean;
  /** Sent as initializationOptions (the VS Code client sends { insertSnippetCommand: true }). */
  initializationOptions?: unknown;
}

interface DiagnosticsWaiter {
  uri: string;
  version?: number;
  resolve: (p: PublishDiagnosticsParams) => void;
}

/** The server of one `describe`'s tests: started before them, stopped after them. */
export interface SuiteServer {
  readonly client: LspClient;
}

/** Call inside `describe`: registers the hooks that start and stop a server for its tests. */
export function serverForSuite(options: ClientOptions = {}): SuiteServer {
  let client: LspClient | undefined;
  before(async () => {
    client = await LspClient.start(options);
  });
  after(async () => {
    await client?.stop();
  });
  return {
    get client(): LspClient {
      if (!client) throw new Error('the suite\'s server starts in its before() hook');
      return client;
    },
  };
}

export class LspClient {
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  /** Latest publishDiagnostics per URI. */
  readonly published = new Map<string, PublishDiagnosticsParams>();
  settings: NonNullable<ClientOptions['settings']>;
  initializeResult!: InitializeResult;
  private waiters: DiagnosticsWaiter[] = [];
  private versions = new Map<string, number>();
  private exited = false;

  private constructor(readonly process: ChildProcess, readonly connection: ProtocolConnection, options: ClientOptions) {
    this.settings = options.settings ?? { coercion: { dialect: 'strict' } };
    process.on('exit', () => (this.exited = true));
  }

  static async start(options: ClientOptions = {}): Promise<LspClient> {
    if (!existsSync(SERVER_BUNDLE)) throw new Error(`${SERVER_BUNDLE} is missing: run \`npm run build\` first`);
    let child: ChildProcess;
    let connection: ProtocolConnection;
    if (options.transport === 'ipc') {
      child = fork(SERVER_BUNDLE, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    } else {
      child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    }
    const client = new LspClient(child, connection, options);
    child.stderr!.on('data', (chunk) => client.stderr.push(String(chunk)));

    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === 'pacsWorkbench' ? client.settings : null)));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onNotification(LogMessageNotification.type, (p) => client.logs.push(p.message));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => client.onDiagnostics(p));
    connection.listen();

    const configuration = options.configurationSupport ?? true;
    const capabilities: ClientCapabilities = {
      workspace: { configuration, didChangeConfiguration: { dynamicRegistration: configuration } },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: true },
        completion: { completionItem: { snippetSupport: true, labelDetailsSupport: true } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        publishDiagnostics: { versionSupport: true, relatedInformation: true, dataSupport: true },
        rename: { prepareSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, dataSupport: true },
      },
    };
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities,
      workspaceFolders: null,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Opens a document and waits for its first diagnostics. */
  async open(uri: string, text: string, languageId = 'pacs-coercion'): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const published = this.nextDiagnostics(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return (await published).diagnostics;
  }

  /** Sends changes (whole text when a string) and waits for the diagnostics of the new version. */
  async change(uri: string, changes: string | TextDocumentContentChangeEvent[]): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const published = this.nextDiagnostics(uri, version);
    await this.sendChange(uri, version, changes);
    return (await published).diagnostics;
  }

  /** Sends changes without waiting; returns the new version. */
  async sendChange(uri: string, version: number, changes: string | TextDocumentContentChangeEvent[]): Promise<void> {
    this.versions.set(uri, version);
    const contentChanges = typeof changes === 'string' ? [{ text: changes }] : changes;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The completion items at `position` of the open document `uri`, from a list or an array. */
  async completionItems(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    return Array.isArray(result) ? result : result?.items ?? [];
  }

  /** The hover's markdown at `position` of the open document `uri` ('' when there is none). */
  async hoverText(uri: string, position: Position): Promise<string> {
    const result = await this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    return result ? (result.contents as MarkupContent).value : '';
  }

  /** The code actions offered for `diagnostic` of `uri`, at its range (of the `only` kinds, when given). */
  async codeActions(uri: string, diagnostic: Diagnostic, only?: string[]): Promise<CodeAction[]> {
    const actions = await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only },
    });
    return (actions ?? []) as CodeAction[];
  }

  /** Changes the settings the way VS Code does: a didChangeConfiguration, then the server asks again. */
  async changeSettings(settings: NonNullable<ClientOptions['settings']>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { pacsWorkbench: settings } });
  }

  /** Resolves with the next publishDiagnostics for `uri` (of `version`, when given). */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  private onDiagnostics(p: PublishDiagnosticsParams): void {
    this.published.set(p.uri, p);
    const ready = this.waiters.filter((w) => w.uri === p.uri && (w.version === undefined || w.version === p.version));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(p);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await withTimeout(this.connection.sendRequest(ShutdownRequest.type), 2000);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // fall through to kill
    }
    await new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => {
        this.process.kill();
        resolve();
      }, 2000);
      this.process.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);
}

/** A file: URI for a made-up path; the server never reads the disk. */
export function docUri(name: string): string {
  return pathToFileURL(path.join(repoRoot(), 'test', 'lsp', 'virtual', name)).toString();
}
