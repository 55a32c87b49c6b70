/**
 * What activate() returns (`vscode.extensions.getExtension(...).exports`): the API the tests,
 * the benchmark and other extensions see. Types only; the launcher (launcher.ts) builds it.
 */
import type { LanguageClient } from 'vscode-languageclient/node';

export interface PacsWorkbenchApi {
  /** The language client; reading it before the extension's bundle has loaded loads it then. */
  readonly client: LanguageClient;
  /** Resolves once the language server has started (again, after a restart). */
  readonly ready: Promise<void>;
  /** Time spent inside activate(), for bench/activation.bench.ts. */
  readonly activationMs: number;
  /** When the parts of starting up ran (performance.now()), for the same. */
  readonly startup: Startup;
}

export interface Startup {
  /** When dist/extension.js had run its imports (Node built-ins, `vscode`, a few small modules). */
  moduleStartedAt: number;
  /** When dist/extension.js's activate() began (before issue 10's seventh session, it forked the server first). */
  launcherStartedAt: number;
  /** When activate() began its own work (the same now: it forks nothing). */
  activateStartedAt: number;
  /** When the extension's bundle began to start (forking the server, loading, start()); unset until it has. */
  bundleStartedAt?: number;
  /** How long that took. */
  bundleStartMs?: number;
}
