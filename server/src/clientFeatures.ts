/** What the client said it can do beyond LSP (initializationOptions), set once on initialize. */
import type { ClientInitializationOptions } from '../../core/src/contributes';

export const clientFeatures: Required<ClientInitializationOptions> = { insertSnippetCommand: false };

export function readClientFeatures(options: unknown): void {
  clientFeatures.insertSnippetCommand = (options as ClientInitializationOptions | undefined)?.insertSnippetCommand === true;
}
