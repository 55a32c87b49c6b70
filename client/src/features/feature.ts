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
