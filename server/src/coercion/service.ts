/** The coercion language (`pacs-coercion`, `*.coerce`) as a LanguageService. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createIncrementalValidator, type IncrementalValidator } from '../../../core/src/coercion/incrementalValidator';
import { capDiagnostics, type CoreDiagnostic } from '../../../core/src/diagnostics';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { CoercionDialect, LanguageService, ServerSettings } from '../languages';
import { toLspDiagnostic } from '../convert';
import { ParsedDocuments, lineText } from './documents';
import { COMPLETION_TRIGGER_CHARACTERS, completeCoercion } from './completion';
import { hoverCoercion } from './hover';
import { SIGNATURE_RETRIGGER_CHARACTERS, SIGNATURE_TRIGGER_CHARACTERS, signatureHelpCoercion } from './signatureHelp';
import { semanticTokensCoercion } from './semanticTokens';
import { documentSymbolsCoercion } from './symbols';
import { foldingRangesCoercion } from './folding';
import { formatCoercion } from './formatting';
import { codeActionsCoercion } from './codeActions';
import { definitionCoercion, prepareRenameCoercion, referencesCoercion, renameCoercion } from './navigation';

export const COERCION_LANGUAGE_ID = 'pacs-coercion';

/** What warmUp() validates: a tag, a keyword, a function call, a variable and a condition. */
const WARM_UP_RULES = '(0010,0010)=concat("A", $(x))\nPatientID=upper(PatientID) if (0008,0060)="CT"\n';

export function createCoercionService(): LanguageService {
  const parsed = new ParsedDocuments();
  /** Last validation per document: code actions need the diagnostics' `data`. */
  const validated = new Map<string, { version: number; dialect: CoercionDialect; diagnostics: CoreDiagnostic[] }>();

  /** Per document: re-checks only changed lines, and returns unchanged lines' findings as the same objects. */
  const validators = new Map<string, IncrementalValidator>();
  /** LSP form of each finding, so that unchanged lines are not converted again on every keystroke. */
  const converted = new WeakMap<CoreDiagnostic, Diagnostic>();
  const toLsp = (d: CoreDiagnostic): Diagnostic => {
    let lsp = converted.get(d);
    if (!lsp) converted.set(d, (lsp = toLspDiagnostic(d)));
    return lsp;
  };

  const coreDiagnostics = (doc: TextDocument, dialect: CoercionDialect): CoreDiagnostic[] => {
    const hit = validated.get(doc.uri);
    if (hit && hit.version === doc.version && hit.dialect === dialect) return hit.diagnostics;
    let validator = validators.get(doc.uri);
    if (!validator) validators.set(doc.uri, (validator = createIncrementalValidator()));
    const diagnostics = validator.validate(parsed.get(doc), { dialect });
    validated.set(doc.uri, { version: doc.version, dialect, diagnostics });
    return diagnostics;
  };
  const dialectOf = (s: ServerSettings): CoercionDialect => s.coercion.dialect;

  return {
    languageId: COERCION_LANGUAGE_ID,
    fileExtensions: ['.coerce'],
    completionTriggerCharacters: COMPLETION_TRIGGER_CHARACTERS,
    signatureTriggerCharacters: SIGNATURE_TRIGGER_CHARACTERS,
    signatureRetriggerCharacters: SIGNATURE_RETRIGGER_CHARACTERS,
    // Published capped (a file of 19,000 bad lines has 25,700); code actions still see them all.
    validate: (doc, settings) => capDiagnostics(coreDiagnostics(doc, dialectOf(settings))).map(toLsp),
    completion: (doc, position, settings) =>
      completeCoercion({ lineText: lineText(doc, position.line), position, file: parsed.get(doc), dialect: dialectOf(settings) }),
    hover: (doc, position, settings) => hoverCoercion(parsed.get(doc), position, dialectOf(settings)),
    signatureHelp: (doc, position) => signatureHelpCoercion(parsed.get(doc), position),
    semanticTokens: (doc) => semanticTokensCoercion(parsed.get(doc)),
    documentSymbols: (doc) => documentSymbolsCoercion(parsed.get(doc), (line) => lineText(doc, line)),
    foldingRanges: (doc) => foldingRangesCoercion(parsed.get(doc)),
    format: (doc) => formatCoercion(doc),
    codeActions: (doc, range, context, settings) =>
      codeActionsCoercion({
        uri: doc.uri, file: parsed.get(doc), text: doc.getText(), current: coreDiagnostics(doc, dialectOf(settings)),
        context, range, dialect: dialectOf(settings),
      }),
    definition: (doc, position) => definitionCoercion(parsed.get(doc), doc.uri, position),
    references: (doc, position, includeDeclaration) => referencesCoercion(parsed.get(doc), doc.uri, position, includeDeclaration),
    prepareRename: (doc, position) => prepareRenameCoercion(parsed.get(doc), position),
    rename: (doc, position, newName) => renameCoercion(parsed.get(doc), doc.uri, position, newName),
    forget,
    warmUp: () => {
      const sample = TextDocument.create('pacs-workbench-warm-up:/rules.coerce', COERCION_LANGUAGE_ID, 0, WARM_UP_RULES);
      coreDiagnostics(sample, 'strict');
      semanticTokensCoercion(parsed.get(sample));
      forget(sample.uri);
    },
  };

  function forget(uri: string): void {
    parsed.forget(uri);
    validated.delete(uri);
    validators.delete(uri);
  }
}
