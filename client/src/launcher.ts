/**
 * dist/extension.js, what VS Code loads (package.json `main`). Before anything else it starts
 * the language server process (serverProcess.ts), so that the server boots while the extension
 * host loads and activates the rest of us; then it loads the extension's bundle
 * (dist/extension-main.js, from extension.ts) with core/src/files/bundle.ts — read as one-byte
 * text, and with the V8 code cache that an earlier start on the same runtime left beside it —
 * instead of Node's loader, which reads it as UTF-8 and compiles all of it on every activation
 * (docs/benchmarks.md, Activation). `require('vscode')` in the bundle still resolves through
 * VS Code's own hook, as the bundle's module lives in this extension's folder.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBundleWithSelfCache } from '../../core/src/files/bundle';
import { forkServer, hostIsDebugged, serverWorkingDir } from './serverProcess';
import type * as Extension from './extension';

/** Late enough that activation and the first features' work have compiled what they use. */
const CACHE_AFTER_MS = 10_000;

export const activate: typeof Extension.activate = (context) => {
  const launcherStartedAt = performance.now();
  // Under a debugger the client forks the server itself, with the inspector port.
  const server = hostIsDebugged() ? undefined : forkServer(path.join(__dirname, 'server.js'), serverWorkingDir());
  try {
    return loadExtension().activate(context, server, launcherStartedAt);
  } catch (error) {
    server?.kill();
    throw error;
  }
};
export const deactivate: typeof Extension.deactivate = () => loadExtension().deactivate();

let extension: typeof Extension | undefined;
function loadExtension(): typeof Extension {
  extension ??= loadBundleWithSelfCache<typeof Extension>(path.join(__dirname, 'extension-main.js'), module, CACHE_AFTER_MS);
  return extension;
}
