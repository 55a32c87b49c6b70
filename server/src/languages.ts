/**
 * Language registry: languageId → the services for that language. The server's handlers only
 * dispatch through here, so a second language (`pacs-devices`) plugs in without touching them.
 */
import type {
  CodeAction, CodeActionContext, CompletionList, Definition, Diagnostic, DocumentSymbol,
  FoldingRange, FormattingOptions, Hover, Location, Position, Range, SemanticTokens,
  SignatureHelp, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CoercionDialect } from '../../core/src/coercion/validate';

export type { CoercionDialect };

/** What the server reads from the `pacsWorkbench` configuration section. */
export interface ServerSettings {
  coercion: { dialect: CoercionDialect };
  /** Paths in .pacs files may lead outside the workspace (pacsWorkbench.devices.allowPathsOutsideWorkspace). */
  devices: { allowPathsOutsideWorkspace: boolean };
}

export const DEFAULT_SETTINGS: ServerSettings = { coercion: { dialect: 'strict' }, devices: { allowPathsOutsideWorkspace: false } };

/** Every service is optional: a language offers what it has. Services may throw a
 *  ResponseError to refuse (e.g. rename of a control variable); other throws are logged. */
export interface LanguageService {
  readonly languageId: string;
  /** File extensions (with the dot) of this language, for clients that send another language id:
   *  Neovim, Helix or Emacs name a `.coerce` file's filetype after its extension, or leave it empty. */
  readonly fileExtensions: readonly string[];
  /** Characters that open completion / signature help in this language (the server announces the union). */
  readonly completionTriggerCharacters?: readonly string[];
  readonly signatureTriggerCharacters?: readonly string[];
  readonly signatureRetriggerCharacters?: readonly string[];
  validate(doc: TextDocument, settings: ServerSettings): Diagnostic[];
  completion?(doc: TextDocument, position: Position, settings: ServerSettings): CompletionList | null;
  hover?(doc: TextDocument, position: Position, settings: ServerSettings): Hover | null;
  signatureHelp?(doc: TextDocument, position: Position): SignatureHelp | null;
  semanticTokens?(doc: TextDocument): SemanticTokens;
  documentSymbols?(doc: TextDocument): DocumentSymbol[];
  foldingRanges?(doc: TextDocument): FoldingRange[];
  format?(doc: TextDocument, options: FormattingOptions): TextEdit[];
  codeActions?(doc: TextDocument, range: Range, context: CodeActionContext, settings: ServerSettings): CodeAction[];
  definition?(doc: TextDocument, position: Position): Definition | null;
  references?(doc: TextDocument, position: Position, includeDeclaration: boolean): Location[];
  prepareRename?(doc: TextDocument, position: Position): { range: Range; placeholder: string } | null;
  rename?(doc: TextDocument, position: Position, newName: string): WorkspaceEdit | null;
  /** Drops cached analysis of a closed document. */
  forget?(uri: string): void;
  /**
   * Builds what a first request needs (lexer, parser, dictionary indexes) on a small sample and
   * forgets the sample: called once when the server is idle after `initialized`, so that the
   * first file opened does not wait for it (docs/benchmarks.md, Activation).
   */
  warmUp?(): void;
}

export class LanguageRegistry {
  private readonly services = new Map<string, LanguageService>();

  register(service: LanguageService): void {
    this.services.set(service.languageId, service);
  }

  get(languageId: string): LanguageService | undefined {
    return this.services.get(languageId);
  }

  /** The service for a document: by its language id, else by the extension of its URI, so that an
   *  editor which does not know our language ids still gets the language service. */
  forDocument(doc: { languageId: string; uri: string }): LanguageService | undefined {
    const byId = this.services.get(doc.languageId);
    if (byId) return byId;
    const path = doc.uri.replace(/[?#].*$/, '').toLowerCase();
    return this.all().find((service) => service.fileExtensions.some((ext) => path.endsWith(ext)));
  }

  all(): LanguageService[] {
    return [...this.services.values()];
  }
}
