/**
 * The command behind quick fixes that insert placeholders (the arity fix's missing arguments):
 * LSP 3.17 code actions carry plain text edits only, so the server sends (uri, position,
 * snippet) and this inserts the snippet, placeholders and all, in the document's editor.
 */
import * as vscode from 'vscode';
import { INTERNAL_COMMANDS } from '../../../core/src/contributes';
import type { Feature } from './feature';

interface LspPosition {
  line: number;
  character: number;
}

async function insertSnippet(uri: unknown, at: unknown, snippet: unknown): Promise<boolean> {
  const position = at as LspPosition | undefined;
  if (typeof uri !== 'string' || typeof snippet !== 'string' || typeof position?.line !== 'number' || typeof position.character !== 'number') return false;
  const target = vscode.Uri.parse(uri);
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString())
    ?? await vscode.window.showTextDocument(target);
  return editor.insertSnippet(new vscode.SnippetString(snippet), new vscode.Position(position.line, position.character));
}

export const insertSnippetFeature: Feature = {
  name: 'insert snippet',
  register(context) {
    context.subscriptions.push(vscode.commands.registerCommand(INTERNAL_COMMANDS.insertSnippet, insertSnippet));
  },
};
