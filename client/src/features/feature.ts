/**
 * Contract for a client feature module (status bar, tree view, preview panel, ...): activate()
 * calls `register` once for each module listed in ./index.ts. A feature pushes everything it
 * creates onto context.subscriptions, must not block (no awaiting the server here), and may
 * use `client` once `client.isRunning()` or after awaiting the API's `ready` promise.
 */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export interface Feature {
  /** Short name, used in the output channel when registration fails. */
  readonly name: string;
  register(context: vscode.ExtensionContext, client: LanguageClient): void;
}

/** Registers `features` in order; one that throws is logged, and the others still register. */
export function registerEach(features: readonly Feature[], context: vscode.ExtensionContext, client: LanguageClient, log: (line: string) => void): void {
  for (const feature of features) {
    try {
      feature.register(context, client);
    } catch (error) {
      log(`Feature "${feature.name}" failed to register: ${describeError(error)}`);
    }
  }
}

/** An error for the output channel: its stack where it has one. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}
