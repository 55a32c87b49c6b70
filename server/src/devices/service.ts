/**
 * The device-definition language (`pacs-devices`, `*.pacs`) as a LanguageService.
 *
 * Validation is core's (validate.ts) with referenced files read relative to the .pacs file,
 * open editors first. Each validation records which files it read (found or not), so that a
 * change to one of them (edited in an editor, or on disk via workspace/didChangeWatchedFiles)
 * re-validates the .pacs documents that depend on it.
 */
import {
  DidChangeWatchedFilesNotification,
  type ClientCapabilities,
  type Connection,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { validateDeviceFile } from '../../../core/src/devices/validate';
import type { CoreDiagnostic } from '../../../core/src/diagnostics';
import { codeActionsDevices } from './codeActions';
import type { LanguageService, ServerSettings } from '../languages';
import { toLspDiagnostic } from '../convert';
import { DeviceDocuments } from './documents';
import { completeDevices } from './completion';
import { hoverDevices } from './hover';
import { foldingRangesDevices } from './folding';
import { documentSymbolsDevices } from './symbols';
import { formatDevices } from './formatting';
import { semanticTokensDevices } from './semanticTokens';
import { definitionDevices, referencesDevices } from './navigation';
import { pathToUri, readWorkspaceFile, referenceExists, resolveReference, serverPathPolicy, uriToPath } from './files';
import type { ReferenceRefusal, ReferenceText } from '../../../core/src/devices/references';
import { checkReferencePath } from '../../../core/src/files/referencedFiles';

export const DEVICES_LANGUAGE_ID = 'pacs-devices';

export interface DeviceServiceHost {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** Schedules validation of an open document (the server owns the scheduling). */
  revalidate(doc: TextDocument): void;
  capabilities(): ClientCapabilities;
  /** The workspace folders (absolute paths): references in a .pacs file stay inside them. */
  workspaceRoots?(): readonly string[];
  log?(message: string): void;
}

export function createDeviceService(host: DeviceServiceHost): LanguageService {
  const { documents } = host;
  const analyses = new DeviceDocuments();
  /** .pacs URI → absolute paths its last validation read (or looked for). */
  const dependencies = new Map<string, Set<string>>();
  let watching = false;
  /** Last validation per document: quick fixes need the diagnostics' `data`. */
  const validated = new Map<string, { version: number; diagnostics: CoreDiagnostic[] }>();

  /** Why `reference` in the document at `uri` may not be used, or undefined. */
  const refusal = (uri: string, reference: string, settings: ServerSettings): ReferenceRefusal | undefined => {
    const pacsPath = uriToPath(uri);
    if (!pacsPath) return undefined;
    return checkReferencePath(pacsPath, reference, serverPathPolicy(pacsPath, host.workspaceRoots?.() ?? [], settings.devices.allowPathsOutsideWorkspace));
  };

  const read = (uri: string, reference: string, settings: ServerSettings): string | undefined => {
    const abs = resolveReference(uri, reference);
    if (!abs || refusal(uri, reference, settings)) return undefined;
    const text = readWorkspaceFile(documents, abs);
    return typeof text === 'string' ? text : undefined;
  };

  const fileChanged = (absPath: string | undefined): void => {
    if (!absPath) return;
    for (const [uri, deps] of dependencies) {
      if (!deps.has(absPath)) continue;
      const doc = documents.get(uri);
      if (doc) host.revalidate(doc);
    }
  };

  documents.onDidOpen((e) => fileChanged(uriToPath(e.document.uri)));
  documents.onDidChangeContent((e) => fileChanged(uriToPath(e.document.uri)));
  // Closing an editor puts the disk version back in charge.
  documents.onDidClose((e) => fileChanged(uriToPath(e.document.uri)));
  host.connection.onDidChangeWatchedFiles((p) => {
    for (const change of p.changes) fileChanged(uriToPath(change.uri));
  });

  /** Asks the client to report rule-file and .pacs changes on disk, when it can be asked. */
  const watch = (): void => {
    if (watching) return;
    watching = true;
    if (!host.capabilities().workspace?.didChangeWatchedFiles?.dynamicRegistration) return;
    void host.connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.coerce' }, { globPattern: '**/*.pacs' }] })
      .catch((error: unknown) => host.log?.(`registering file watchers failed: ${String(error)}`));
  };

  /** Core validation; always fresh, since a referenced file may have changed since the last one. */
  const check = (doc: TextDocument, settings: ServerSettings): CoreDiagnostic[] => {
    const analysis = analyses.get(doc);
    // Read each file once per validation, however many devices share it.
    const seen = new Map<string, ReferenceText>();
    const checkPath = (reference: string): ReferenceRefusal | undefined => refusal(doc.uri, reference, settings);
    const readFile = uriToPath(doc.uri) !== undefined
      ? (reference: string): ReferenceText => {
        const abs = resolveReference(doc.uri, reference);
        if (!abs) return undefined;
        const refused = checkPath(reference);
        if (refused) return refused;
        if (!seen.has(abs)) seen.set(abs, readWorkspaceFile(documents, abs));
        return seen.get(abs);
      }
      : undefined;
    const { diagnostics } = validateDeviceFile(analysis.parsed, { readFile, checkPath: readFile && checkPath, dialect: settings.coercion.dialect });
    dependencies.set(doc.uri, new Set(seen.keys()));
    validated.set(doc.uri, { version: doc.version, diagnostics });
    watch();
    return diagnostics;
  };

  /** The diagnostics the editor shows now (quick fixes key on them). */
  const current = (doc: TextDocument, settings: ServerSettings): CoreDiagnostic[] => {
    const hit = validated.get(doc.uri);
    return hit && hit.version === doc.version ? hit.diagnostics : check(doc, settings);
  };

  return {
    languageId: DEVICES_LANGUAGE_ID,
    fileExtensions: ['.pacs'],
    validate: (doc, settings) => check(doc, settings).map(toLspDiagnostic),
    completion: (doc, position, settings) => completeDevices(analyses.get(doc), position, settings.coercion.dialect),
    hover: (doc, position, settings) =>
      hoverDevices(analyses.get(doc), position, settings.coercion.dialect, { read: (ref) => read(doc.uri, ref, settings) }),
    semanticTokens: (doc) => semanticTokensDevices(analyses.get(doc)),
    documentSymbols: (doc) => documentSymbolsDevices(analyses.get(doc)),
    foldingRanges: (doc) => foldingRangesDevices(analyses.get(doc)),
    format: (doc, options) => formatDevices(doc, options),
    definition: (doc, position) =>
      definitionDevices(analyses.get(doc), position, {
        existing: (ref) => {
          const abs = resolveReference(doc.uri, ref);
          return abs && referenceExists(documents, abs) ? abs : undefined;
        },
        toUri: (abs) => documents.all().find((d) => uriToPath(d.uri) === abs)?.uri ?? pathToUri(abs),
      }),
    codeActions: (doc, range, context, settings) =>
      codeActionsDevices({
        analysis: analyses.get(doc),
        current: current(doc, settings),
        context,
        range,
        dialect: settings.coercion.dialect,
      }),
    references: (doc, position, includeDeclaration) => referencesDevices(analyses.get(doc), position, includeDeclaration),
    forget: (uri) => {
      analyses.forget(uri);
      dependencies.delete(uri);
      validated.delete(uri);
    },
  };
}
