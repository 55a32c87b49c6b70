/**
 * The features that live in their own bundle (dist/extension-features.js, from ./lazyEntry.ts:
 * device tree, preview, deploy, rule tests, DICOM viewer, receiver and everything of core they
 * use), so that the extension's bundle holds only the language client and the few lines here.
 * What VS Code must find as soon as that bundle has started is registered here instead: every
 * command of those features (their ids from core/src/contributes.ts), whose first call loads
 * the bundle, which registers the real commands, and is then run by the real one. The
 * preview panel's serializer and the DICOM viewer's custom editor provider, whose callers (a
 * window reload, opening a .dcm file) may be what activated the extension, are the launcher's
 * (launcher.ts), which hands over to `load()`.
 *
 * Otherwise the bundle loads on the first idle turn after the extension's bundle has started,
 * while the language server boots in its own process: the Devices and Traffic views, the
 * preview's code lens, the Test Explorer and the file watchers are then there a moment later,
 * without being on the activation path (docs/architecture.md, "The extension's bundles").
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { COMMANDS, idsOf, INTERNAL_COMMANDS } from '../../../core/src/contributes';
import { loadBundleWithSelfCache } from '../../../core/src/files/bundle';
import { registerStandIns } from '../standIns';
import { describeError } from './feature';
import type * as LazyEntry from './lazyEntry';

/** Commands the eager part registers itself (extension.ts, dialectStatus.ts, insertSnippet.ts). */
const EAGER_COMMANDS: ReadonlySet<string> = new Set([COMMANDS.restartServer, COMMANDS.toggleDialect, INTERNAL_COMMANDS.insertSnippet]);

/** As for dist/extension-main.js (launcher.ts): after the first features' work has run. */
const CACHE_AFTER_MS = 10_000;

export interface LazyFeatures {
  /** Loads the bundle and registers its features (once); resolves to what it registered. */
  load(): LazyEntry.Registered;
}

export function registerLazyFeatures(context: vscode.ExtensionContext, client: LanguageClient, log: (line: string) => void): LazyFeatures {
  let registered: LazyEntry.Registered | undefined;
  const load = (): LazyEntry.Registered => {
    if (registered) return registered;
    // The real commands take the stubs' ids.
    stubs.dispose();
    const bundle = loadBundleWithSelfCache<typeof LazyEntry>(path.join(context.extensionPath, 'dist', 'extension-features.js'), module, CACHE_AFTER_MS);
    registered = bundle.registerFeatures(context, client, log);
    return registered;
  };

  const stubs = registerStandIns([...idsOf(COMMANDS), ...idsOf(INTERNAL_COMMANDS)].filter((id) => !EAGER_COMMANDS.has(id)), load);
  context.subscriptions.push(stubs);
  const idle = setTimeout(() => {
    try {
      load();
    } catch (error) {
      log(`The features bundle failed to load: ${describeError(error)}`);
    }
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(idle) });
  return { load };
}
