/**
 * Parsed coercion documents, one tree per document version, shared by validation and every
 * request. Each document has its own incremental parser, so a keystroke re-parses one line.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RuleFileNode } from '../../../core/src/coercion/ast';
import { createIncrementalParser, type IncrementalRuleParser } from '../../../core/src/coercion/incrementalParser';

interface Entry {
  parser: IncrementalRuleParser;
  version?: number;
  file?: RuleFileNode;
}

export class ParsedDocuments {
  private readonly entries = new Map<string, Entry>();

  /** The tree of the document as it is now. */
  get(doc: TextDocument): RuleFileNode {
    let entry = this.entries.get(doc.uri);
    if (!entry) this.entries.set(doc.uri, (entry = { parser: createIncrementalParser() }));
    if (entry.file && entry.version === doc.version) return entry.file;
    entry.file = entry.parser.parse(doc.getText());
    entry.version = doc.version;
    return entry.file;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}

/** Text of one line without its line break. */
export function lineText(doc: TextDocument, line: number): string {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r?\n$|\r$/, '');
}
