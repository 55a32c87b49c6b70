/**
 * Parsed coercion documents, one tree per document version, shared by validation and every
 * request so that a keystroke costs one parse however many features ask.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LineNode, RuleFileNode } from '../../../core/src/coercion/ast';
import { parseRuleFile, parseRuleLine } from '../../../core/src/coercion/parser';

interface Entry {
  version: number;
  file: RuleFileNode;
}

export class ParsedDocuments {
  private readonly entries = new Map<string, Entry>();

  /** The tree of the document as it is now. */
  get(doc: TextDocument): RuleFileNode {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.file;
    const file = parseRuleFile(doc.getText());
    this.entries.set(doc.uri, { version: doc.version, file });
    return file;
  }

  /**
   * The most recent tree, even if a few keystrokes old: good enough for facts about other lines
   * (which variables exist) while typing, without paying a full parse per keystroke.
   */
  recent(doc: TextDocument): RuleFileNode {
    return this.entries.get(doc.uri)?.file ?? this.get(doc);
  }

  /** One line parsed on its own (a rule is one line): cheap and always current. */
  line(doc: TextDocument, line: number): LineNode {
    const text = lineText(doc, line);
    return parseRuleLine(text, line).node;
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
