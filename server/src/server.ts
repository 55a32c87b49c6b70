/**
 * PACS Workbench language server: connection, capabilities, open documents, settings and
 * diagnostics scheduling. Language smarts live in the per-language services (languages.ts);
 * this file only routes requests to them and makes sure no request can bring the server down.
 *
 * Transports: `--stdio`, `--node-ipc` (what the VS Code client uses) and `--socket=N` are picked
 * up from argv by createConnection.
 */
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type SemanticTokens,
  type SemanticTokensDelta,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LanguageRegistry, DEFAULT_SETTINGS, type LanguageService, type ServerSettings } from './languages';
import { SEMANTIC_LEGEND } from './semanticLegend';
import { SemanticTokenHistory } from './semanticDelta';
import { createCoercionService } from './coercion/service';
import { createDeviceService } from './devices/service';
import { createRuleTestService } from './ruletest/service';
import { uriToPath } from './devices/files';
import { readClientFeatures } from './clientFeatures';
import { NAMESPACE } from '../../core/src/contributes';

/** Section of the client's settings we read (package.json `contributes.configuration`). */
const SETTINGS_SECTION = NAMESPACE;
/** Pause after a keystroke before validating, so that fast typing validates once. Small, since
 *  a 10,000-rule file must show its diagnostics within 100 ms of an edit. */
const VALIDATION_DELAY_MS = 10;

const connection: Connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const registry = new LanguageRegistry();
registry.register(createCoercionService());
registry.register(createRuleTestService(documents));
registry.register(createDeviceService({ connection, documents, revalidate: (doc) => scheduleValidation(doc), capabilities: () => clientCapabilities, workspaceRoots: () => workspaceRoots, log: (m) => logError('devices', m) }));

let clientCapabilities: ClientCapabilities = {};
/** Absolute paths of the workspace folders the client opened (references stay inside them). */
let workspaceRoots: string[] = [];
let hasConfigurationRequest = false;
/** Settings pushed with didChangeConfiguration, for clients without workspace/configuration. */
let pushedSettings: ServerSettings = DEFAULT_SETTINGS;
const settingsByUri = new Map<string, Promise<ServerSettings>>();
const tokenHistory = new SemanticTokenHistory();

// ------------------------------------------------------------------ safety net

/** Logs instead of crashing: one bad input must never cost the user the whole server. */
function logError(what: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  try {
    connection.console.error(`${what} failed: ${detail}`);
  } catch {
    // The connection itself is gone; nothing left to tell.
  }
}

process.on('uncaughtException', (error) => logError('uncaught exception', error));
process.on('unhandledRejection', (reason) => logError('unhandled promise', reason));

/**
 * Runs a request for a document's language service. Unknown document or language → `empty`;
 * a thrown ResponseError is a deliberate refusal and goes to the client; anything else is a
 * bug: logged, and the client gets `empty` so that the editor simply shows nothing.
 */
async function withService<T>(
  what: string,
  uri: string,
  empty: T,
  run: (service: LanguageService, doc: TextDocument) => T | Promise<T>,
): Promise<T> {
  const doc = documents.get(uri);
  const service = doc && registry.forDocument(doc);
  if (!doc || !service) return empty;
  try {
    return (await run(service, doc)) ?? empty;
  } catch (error) {
    if (error instanceof ResponseError) throw error;
    logError(`${what} (${uri})`, error);
    return empty;
  }
}

// ------------------------------------------------------------------ settings

function normaliseSettings(raw: unknown): ServerSettings {
  const r = raw as { coercion?: { dialect?: unknown }; devices?: { allowPathsOutsideWorkspace?: unknown } } | undefined;
  const dialect = r?.coercion?.dialect;
  return {
    coercion: { dialect: dialect === 'extended' ? 'extended' : 'strict' },
    devices: { allowPathsOutsideWorkspace: r?.devices?.allowPathsOutsideWorkspace === true },
  };
}

function settingsFor(uri: string): Promise<ServerSettings> {
  if (!hasConfigurationRequest) return Promise.resolve(pushedSettings);
  let settings = settingsByUri.get(uri);
  if (!settings) {
    settings = connection.workspace
      .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
      .then(normaliseSettings, (error) => {
        logError('reading settings', error);
        return pushedSettings;
      });
    settingsByUri.set(uri, settings);
  }
  return settings;
}

// ------------------------------------------------------------------ diagnostics

const pendingValidation = new Map<string, NodeJS.Timeout>();

function scheduleValidation(doc: TextDocument, delay = VALIDATION_DELAY_MS): void {
  const pending = pendingValidation.get(doc.uri);
  if (pending) clearTimeout(pending);
  pendingValidation.set(
    doc.uri,
    setTimeout(() => {
      pendingValidation.delete(doc.uri);
      void validate(doc.uri);
    }, delay),
  );
}

async function validate(uri: string): Promise<void> {
  const doc = documents.get(uri);
  const service = doc && registry.forDocument(doc);
  if (!doc || !service) return;
  try {
    const settings = await settingsFor(uri);
    // The document may have changed or closed while settings were fetched.
    const current = documents.get(uri);
    if (current !== doc || current.version !== doc.version) return;
    const diagnostics = service.validate(doc, settings);
    await connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
  } catch (error) {
    logError(`validation (${uri})`, error);
  }
}

function revalidateAll(): void {
  for (const doc of documents.all()) scheduleValidation(doc, 0);
}

documents.onDidOpen((e) => scheduleValidation(e.document, 0));
documents.onDidChangeContent((e) => scheduleValidation(e.document));
documents.onDidClose((e) => {
  const pending = pendingValidation.get(e.document.uri);
  if (pending) clearTimeout(pending);
  pendingValidation.delete(e.document.uri);
  settingsByUri.delete(e.document.uri);
  tokenHistory.forget(e.document.uri);
  registry.forDocument(e.document)?.forget?.(e.document.uri);
  // A closed file's problems disappear from the Problems panel.
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch((error) => logError('clearing diagnostics', error));
});

// ------------------------------------------------------------------ lifecycle

/** Capabilities are per server, not per language: the union over the registered languages. */
function unionOf(pick: (service: LanguageService) => readonly string[] | undefined): string[] {
  return [...new Set(registry.all().flatMap((service) => pick(service) ?? []))];
}

connection.onInitialize((params): InitializeResult => {
  clientCapabilities = params.capabilities;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceRoots = folders.map(uriToPath).filter((p): p is string => p !== undefined);
  hasConfigurationRequest = clientCapabilities.workspace?.configuration === true;
  readClientFeatures(params.initializationOptions);
  const initial = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
  if (initial) pushedSettings = normaliseSettings(initial);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: unionOf((l) => l.completionTriggerCharacters), resolveProvider: false },
      hoverProvider: true,
      signatureHelpProvider: {
        triggerCharacters: unionOf((l) => l.signatureTriggerCharacters),
        retriggerCharacters: unionOf((l) => l.signatureRetriggerCharacters),
      },
      semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: { delta: true }, range: false },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
    },
    serverInfo: { name: 'pacs-workbench-server', version: '0.1.0' },
  };
});

/** Once, after the client has its answer: lexers, parser and dictionary built before the first file opens. */
function warmUp(): void {
  for (const service of registry.all()) {
    try {
      service.warmUp?.();
    } catch (error) {
      logError(`warming up ${service.languageId}`, error);
    }
  }
}

connection.onInitialized(() => {
  setImmediate(warmUp);
  if (hasConfigurationRequest && clientCapabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
    void connection.client
      .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
      .catch((error: unknown) => logError('registering for configuration changes', error));
  }
});

connection.onDidChangeConfiguration((change) => {
  const pushed = (change.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION];
  if (pushed !== undefined) pushedSettings = normaliseSettings(pushed);
  settingsByUri.clear();
  revalidateAll();
});

// ------------------------------------------------------------------ requests

connection.onCompletion((p) =>
  withService('completion', p.textDocument.uri, null, async (s, doc) =>
    s.completion?.(doc, p.position, await settingsFor(doc.uri)) ?? null));

connection.onHover((p) =>
  withService('hover', p.textDocument.uri, null, async (s, doc) =>
    s.hover?.(doc, p.position, await settingsFor(doc.uri)) ?? null));

connection.onSignatureHelp((p) =>
  withService('signature help', p.textDocument.uri, null, (s, doc) => s.signatureHelp?.(doc, p.position) ?? null));

connection.languages.semanticTokens.on((p) =>
  withService('semantic tokens', p.textDocument.uri, { data: [] }, (s, doc) =>
    tokenHistory.full(doc.uri, s.semanticTokens?.(doc).data ?? [])));

connection.languages.semanticTokens.onDelta((p) =>
  withService('semantic tokens delta', p.textDocument.uri, { data: [] } as SemanticTokens | SemanticTokensDelta, (s, doc) =>
    tokenHistory.delta(doc.uri, p.previousResultId, s.semanticTokens?.(doc).data ?? [])));

connection.onDocumentSymbol((p) =>
  withService('document symbols', p.textDocument.uri, [], (s, doc) => s.documentSymbols?.(doc) ?? []));

connection.onFoldingRanges((p) =>
  withService('folding ranges', p.textDocument.uri, [], (s, doc) => s.foldingRanges?.(doc) ?? []));

connection.onDocumentFormatting((p) =>
  withService('formatting', p.textDocument.uri, [], (s, doc) => s.format?.(doc, p.options) ?? []));

connection.onCodeAction((p) =>
  withService('code actions', p.textDocument.uri, [], async (s, doc) =>
    s.codeActions?.(doc, p.range, p.context, await settingsFor(doc.uri)) ?? []));

connection.onDefinition((p) =>
  withService('definition', p.textDocument.uri, null, (s, doc) => s.definition?.(doc, p.position) ?? null));

connection.onReferences((p) =>
  withService('references', p.textDocument.uri, [], (s, doc) =>
    s.references?.(doc, p.position, p.context.includeDeclaration) ?? []));

connection.onPrepareRename((p) =>
  withService('prepare rename', p.textDocument.uri, null, (s, doc) => s.prepareRename?.(doc, p.position) ?? null));

connection.onRenameRequest((p) =>
  withService('rename', p.textDocument.uri, null, (s, doc) => s.rename?.(doc, p.position, p.newName) ?? null));

documents.listen(connection);
connection.listen();
