/**
 * dist/extension.js, what VS Code loads (package.json `main`), and all that activation runs.
 * activate() registers what VS Code must find when it returns: every contributed command, the
 * preview panel's serializer and the DICOM viewer's custom editor provider, each as a stand-in
 * that starts the extension's bundle (dist/extension-main.js, from extension.ts: the language
 * client and the eager features) and hands over to it. The bundle starts on the next turn of
 * the event loop, or at once when a stand-in, `client` or `ready` needs it first: the language
 * server process is forked first (serverProcess.ts), so that it boots while the bundle loads.
 * So activation costs a few registrations, not loading vscode-languageclient
 * (docs/architecture.md, "The extension's bundles"). Bundles load through
 * core/src/files/bundle.ts — read as one-byte text, and with the V8 code cache that an earlier
 * start on the same runtime left beside them — instead of Node's loader; `require('vscode')`
 * in them still resolves through VS Code's own hook, as their module lives in this extension's
 * folder.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { COMMANDS, CUSTOM_EDITORS, idsOf, INTERNAL_COMMANDS, WEBVIEW_PANELS } from '../../core/src/contributes';
import { loadBundleWithSelfCache } from '../../core/src/files/bundle';
import type { PacsWorkbenchApi, Startup } from './api';
import type * as Extension from './extension';
import { forkServer, hostIsDebugged, serverWorkingDir } from './serverProcess';
import { registerStandIns } from './standIns';

/** When this module's imports have run: VS Code's time before and after it is its own (bench/activation.bench.ts). */
const moduleStartedAt = performance.now();

/** Late enough that activation and the first features' work have compiled what they use. */
const CACHE_AFTER_MS = 10_000;

let started: Extension.Started | undefined;

export function activate(context: vscode.ExtensionContext): PacsWorkbenchApi {
  const activateStartedAt = performance.now();
  const startup: Startup = { moduleStartedAt, launcherStartedAt: activateStartedAt, activateStartedAt };

  let failure: unknown;
  const start = (): Extension.Started => {
    if (started) return started;
    if (failure !== undefined) throw failure;
    // The bundle registers the real commands (or, for the features bundle, its own stand-ins) under these ids.
    standIns.dispose();
    const bundleStartedAt = performance.now();
    // Forked before the bundle loads, so that the server boots while the bundle loads. Under a
    // debugger the client forks it itself, with the inspector port.
    const server = hostIsDebugged() ? undefined : forkServer(path.join(__dirname, 'server.js'), serverWorkingDir());
    try {
      started = loadExtension().start(context, server);
      startup.bundleStartedAt = bundleStartedAt;
      startup.bundleStartMs = performance.now() - bundleStartedAt;
    } catch (error) {
      failure = error;
      server?.kill();
      void vscode.window.showErrorMessage(`PACS Workbench failed to start: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    return started;
  };

  const standIns = registerStandIns([...idsOf(COMMANDS), ...idsOf(INTERNAL_COMMANDS)], start);
  const next = setImmediate(() => {
    try {
      start();
    } catch {
      // Shown by start(); the stand-ins' callers get the error when they call.
    }
  });
  context.subscriptions.push(
    { dispose: () => clearImmediate(next) },
    standIns,
    // After a window reload VS Code gives back the panel and what its page remembered.
    vscode.window.registerWebviewPanelSerializer(WEBVIEW_PANELS.preview, {
      deserializeWebviewPanel: (panel, state: unknown) => start().features.load().restorePreview(panel, state),
    }),
    vscode.window.registerCustomEditorProvider(
      CUSTOM_EDITORS.dicomViewer,
      {
        openCustomDocument: (uri, openContext, token) => start().features.load().dicomViewer.openCustomDocument(uri, openContext, token),
        resolveCustomEditor: (document, panel, token) => start().features.load().dicomViewer.resolveCustomEditor(document, panel, token),
      },
      { supportsMultipleEditorsPerDocument: true },
    ),
  );

  const activationMs = performance.now() - activateStartedAt;
  return {
    get client() {
      return start().client;
    },
    get ready() {
      try {
        return start().ready;
      } catch (error) {
        return Promise.reject(error);
      }
    },
    activationMs,
    startup,
  };
}

export function deactivate(): Thenable<void> | undefined {
  return started ? loadExtension().deactivate() : undefined;
}

let extension: typeof Extension | undefined;
function loadExtension(): typeof Extension {
  extension ??= loadBundleWithSelfCache<typeof Extension>(path.join(__dirname, 'extension-main.js'), module, CACHE_AFTER_MS);
  return extension;
}
