/**
 * The rest of the language service over real JSON-RPC: hover, signature help, code actions
 * (applied, then re-validated), formatting, navigation and rename, symbols, folding, tokens.
 */
import * as assert from 'node:assert/strict';
import {
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensDeltaRequest,
  SemanticTokensRequest,
  SignatureHelpRequest,
  type CodeAction,
  type Diagnostic,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
  type Position,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../core/src/coercion/quickfix';
import { docUri, serverForSuite, type LspClient } from './client';

const at = (line: number, character: number): Position => ({ line, character });

describe('LSP: language features', function () {
  this.timeout(20_000);
  const server = serverForSuite();
  let n = 0;

  async function open(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = docUri(`features-${n++}.coerce`);
    return { uri, diagnostics: await server.client.open(uri, text) };
  }

  async function hover(text: string, position: Position): Promise<string> {
    return server.client.hoverText((await open(text)).uri, position);
  }

  describe('hover', () => {
    it('says what a valid value is: the VR rules, enumerated values and a link to the standard', async () => {
      const text = await hover('(0010,0040)="M"\n', at(0, 3));
      assert.match(text, /Patient's Sex/);
      assert.match(text, /\*\*A value:\*\* CS \(Code String\) · at most 16 characters · ASCII only/);
      assert.match(text, /\*\*Enumerated values\*\* \(PS3\.3 Patient Module\): `M`, `F`, `O`/);
      assert.match(text, /\[\(0010,0040\) in the DICOM standard \(PS3\.6 registry\)\]\(https:\/\/dicom\.nema\.org\/medical\/dicom\/current\/output\/chtml\/part06\/chapter_6\.html\)/);
      const date = await hover('(0008,0020)="20240105"\n', at(0, 3));
      assert.match(date, /format: `YYYYMMDD`/);
      assert.doesNotMatch(date, /Enumerated values/);
    });

    it('explains a tag: keyword, name, VR, VM', async () => {
      const text = await hover('(0010,0010)=NULL()\n', at(0, 3));
      assert.match(text, /Patient's Name/);
      assert.match(text, /`PatientName`/);
      assert.match(text, /VR `PN`/);
      assert.match(text, /VM `1`/);
    });

    it('says when a tag is retired, also inside SEQ', async () => {
      assert.match(await hover('(0008,0040)="X"\n', at(0, 2)), /Retired/);
      const inSeq = await hover('SEQ(0040,0275,0,0040,1001)="X"\n', at(0, 19));
      assert.match(inSeq, /Requested Procedure ID/);
    });

    it('gives a function its signature and NULL behaviour', async () => {
      const text = await hover('(0010,0010)=concat("A",(0010,0010))\n', at(0, 14));
      assert.match(text, /concat\(a, b, more\.\.\.\)/);
      assert.match(text, /NULL arguments count as ""/);
    });

    it('tells where a variable is assigned', async () => {
      const text = await hover('$(acc)=(0008,0050)\n\n(0008,0050)=$(acc)\n$(acc)="x"\n', at(2, 14));
      assert.match(text, /Assigned on lines 1, 4/);
    });

    it('explains a SEQ item number', async () => {
      assert.match(await hover('SEQ(0040,0275,0,0040,1001)="X"\n', at(0, 14)), /numbered from 0/);
    });

    it('documents control variables', async () => {
      assert.match(await hover('$(@PROCESS)=NULL()\n', at(0, 4)), /stops processing/);
    });
  });

  it('signature help follows the argument being typed, also in nested calls', async () => {
    const { uri } = await open('(0010,0010)=concat(split((0010,0010),",",');
    const help = async (character: number) =>
      server.client.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: at(0, character) });
    const inner = await help(41);
    assert.equal(inner?.signatures[0].label, 'split(string, delimiter, n)');
    assert.equal(inner?.activeParameter, 2);
    const outer = await help(19);
    assert.equal(outer?.signatures[0].label, 'concat(a, b, more...)');
    assert.equal(outer?.activeParameter, 0);
  });

  it('signature help documents every parameter of concat, the repeating one included', async () => {
    const { uri } = await open('(0010,0010)=concat("A","B","C"');
    const help = await server.client.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: at(0, 29) });
    const signature = help!.signatures[0];
    const docs = (signature.parameters ?? []).map((p) => (p.documentation as MarkupContent).value);
    assert.deepEqual(docs, [
      '`a`: first value: a tag, a string, a variable or a call (NULL counts as "")',
      '`b`: second value, joined right after `a`',
      '`more...`: further values, joined in order',
    ]);
    assert.equal(help?.activeParameter, 2, 'the third argument is one of more...');
    const [start, end] = signature.parameters![2].label as [number, number];
    assert.equal(signature.label.slice(start, end), 'more...');
  });

  describe('code actions', () => {
    /** Asks for the fixes of the first diagnostic with `code`, applies the preferred one, re-validates. */
    async function fix(text: string, code: string, title?: RegExp): Promise<{ fixed: string; after: Diagnostic[] }> {
      const { uri, diagnostics } = await open(text);
      const diagnostic = diagnostics.find((d) => d.code === code);
      assert.ok(diagnostic, `expected ${code}, got ${diagnostics.map((d) => d.code).join(', ')}`);
      const actions = await server.client.codeActions(uri, diagnostic, ['quickfix']);
      const action = title ? actions.find((a) => title.test(a.title)) : actions.find((a) => a.isPreferred) ?? actions[0];
      assert.ok(action?.edit?.changes?.[uri], `no fix among: ${actions.map((a) => a.title).join(' | ')}`);
      const fixed = applyEdits(text, action.edit.changes[uri]);
      return { fixed, after: await server.client.change(uri, fixed) };
    }

    it('changes an unknown function to the nearest name', async () => {
      const { fixed, after } = await fix('(0010,0010)=concta("A","B")\n', 'unknown-function', /concat/);
      assert.equal(fixed, '(0010,0010)=concat("A","B")\n');
      assert.deepEqual(after.filter((d) => d.severity === 1), []);
    });

    it('in the strict dialect, proposes no extension function for a typo (the fix would be an error)', async () => {
      await server.client.changeSettings({ coercion: { dialect: 'strict' } });
      const { uri, diagnostics } = await open('(0010,0010)=uper((0010,0010))\n');
      const diagnostic = diagnostics.find((d) => d.code === 'unknown-function')!;
      assert.match(diagnostic.message, /upper\(\) does that, but it is a PACS Workbench extension, allowed only in the extended dialect/);
      const actions = await server.client.codeActions(uri, diagnostic, ['quickfix']);
      assert.deepEqual(actions.filter((a) => /Change to/.test(a.title)).map((a) => a.title), []);
    });

    it('maps a name from other tools (toUpper, replaceAll) to the function that does it, with the fix', async () => {
      await server.client.changeSettings({ coercion: { dialect: 'extended' } });
      try {
        const upper = await fix('(0010,0010)=toUpper((0010,0010))\n', 'unknown-function', /Change to upper\(\)/);
        assert.equal(upper.fixed, '(0010,0010)=upper((0010,0010))\n');
        const replace = await fix('(0010,0010)=replaceAll((0010,0010),"a","b")\n', 'unknown-function', /Change to replace\(\)/);
        assert.equal(replace.fixed, '(0010,0010)=replace((0010,0010),"a","b")\n');
        assert.equal(replace.after.some((d) => d.code === 'unknown-function'), false);
      } finally {
        await server.client.changeSettings({ coercion: { dialect: 'strict' } });
      }
      // Strict: concat's alias still maps, since concat is eRAD's.
      const join = await fix('(0010,0010)=join("A","B")\n', 'unknown-function', /Change to concat\(\)/);
      assert.equal(join.fixed, '(0010,0010)=concat("A","B")\n');
    });

    it('says a keyword is not a target the right way round', async () => {
      const { diagnostics } = await open('PatientName="X"\n');
      assert.equal(diagnostics.find((d) => d.code === 'keyword-for-tag')?.message,
        "PatientName is a keyword, but a rule target is written as a tag: write (0010,0010) (Patient's Name) instead of PatientName.");
    });

    it('rewrites the retired split form as split()', async () => {
      const { fixed, after } = await fix('(0010,0010)=(0010,0010),",",1\n', 'retired-split');
      assert.equal(fixed, '(0010,0010)=split((0010,0010),",",1)\n');
      assert.equal(after.some((d) => d.code === 'retired-split'), false);
    });

    it('replaces a keyword typed where a tag belongs', async () => {
      const { fixed, after } = await fix('PatientName="DOE^JOHN"\n', 'keyword-for-tag');
      assert.equal(fixed, '(0010,0010)="DOE^JOHN"\n');
      assert.deepEqual(after.filter((d) => d.severity === 1), []);
    });

    it('warns of a value outside the enumerated values and offers each allowed one', async () => {
      const { uri, diagnostics } = await open('(0010,0040)="X"\n');
      const diagnostic = diagnostics.find((d) => d.code === 'not-enumerated');
      assert.equal(diagnostic?.severity, 2);
      assert.match(diagnostic?.message ?? '', /^"X" is not one of the values \(0010,0040\) Patient's Sex allows: M, F, O/);
      const actions = await server.client.codeActions(uri, diagnostic!, ['quickfix']);
      assert.deepEqual(actions.map((a) => a.title), ['Change to "M"', 'Change to "F"', 'Change to "O"']);
      const { fixed, after } = await fix('(0010,0040)="X"\n', 'not-enumerated', /Change to "F"/);
      assert.equal(fixed, '(0010,0040)="F"\n');
      assert.deepEqual(after, []);
    });

    it('inserts a missing parenthesis', async () => {
      const { fixed, after } = await fix('(0010,0010)=concat("A",(0010,0010)\n', 'missing-paren');
      assert.equal(fixed, '(0010,0010)=concat("A",(0010,0010))\n');
      assert.deepEqual(after.filter((d) => d.severity === 1), []);
    });
  });

  it('formats without changing meaning', async () => {
    const text = '(0010,0010) = concat( "A  B" , (0010,0010) )   \nseq(0040,0275,0,0040,1001)="x"\n';
    const { uri } = await open(text);
    const edits = (await server.client.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri }, options: { tabSize: 2, insertSpaces: true },
    })) as TextEdit[];
    assert.equal(applyEdits(text, edits), '(0010,0010)=concat("A  B",(0010,0010))\nSEQ(0040,0275,0,0040,1001)="x"\n');
  });

  describe('variables: definition, references, rename', () => {
    const text = '$(name)=(0010,0010)\n# swap\n(0010,0020)=concat($(name),"-")\n(0010,0010)=$(name)\n$(@PROCESS)=$(@PROCESS)\n';

    it('goes to the assignment', async () => {
      const { uri } = await open(text);
      const defs = (await server.client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: at(3, 15) })) as Location[];
      assert.deepEqual(defs.map((d) => d.range), [{ start: at(0, 0), end: at(0, 7) }]);
    });

    it('finds every reference, with or without the assignment', async () => {
      const { uri } = await open(text);
      const refs = async (includeDeclaration: boolean) =>
        ((await server.client.connection.sendRequest(ReferencesRequest.type, {
          textDocument: { uri }, position: at(2, 22), context: { includeDeclaration },
        })) ?? []).map((l) => l.range.start.line);
      assert.deepEqual(await refs(true), [0, 2, 3]);
      assert.deepEqual(await refs(false), [2, 3]);
    });

    it('renames across rules', async () => {
      const { uri } = await open(text);
      const prepared = await server.client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: at(2, 22) });
      assert.deepEqual(prepared, { range: { start: at(2, 21), end: at(2, 25) }, placeholder: 'name' });
      const edit = await server.client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at(2, 22), newName: 'patient' });
      const renamed = applyEdits(text, edit?.changes?.[uri] ?? []);
      assert.equal(renamed, text.replaceAll('$(name)', '$(patient)'));
      assert.deepEqual((await server.client.change(uri, renamed)).filter((d) => d.severity === 1 || d.severity === 2), []);
    });

    it('refuses to rename a control variable, or to a name that is not one', async () => {
      const { uri } = await open(text);
      await assert.rejects(
        server.client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: at(4, 4) }),
        /control variable/,
      );
      await assert.rejects(
        server.client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at(0, 3), newName: 'has space' }),
        /not a variable name/,
      );
      await assert.rejects(
        server.client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at(0, 3), newName: '@PROCESS' }),
        /reserved for control variables/,
      );
    });

    it('refuses a rename that would merge two variables', async () => {
      const { uri } = await open('$(a)="1"\n$(b)="2"\n(0010,0010)=concat($(a),$(b))\n');
      await assert.rejects(
        server.client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at(0, 2), newName: 'b' }),
        /already exists/,
      );
    });
  });

  it('lists one symbol per rule, named by its target', async () => {
    const { uri } = await open('# header\n(0010,0010)="A"\nSEQ(0040,0275,0,0040,1001)="B"\n$(x)=USER(Site)\n');
    const symbols = (await server.client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => [s.name, s.detail, s.range.start.line]), [
      ['(0010,0010)', 'PatientName', 1],
      ['SEQ(0040,0275,0,0040,1001)', 'RequestedProcedureID', 2],
      ['$(x)', 'variable', 3],
    ]);
  });

  it('folds paragraphs, comment blocks as comments', async () => {
    const { uri } = await open('# a\n# b\n\n# c\n(0010,0010)="A"\n(0010,0020)="B"\n\n(0008,0050)=NULL()\n');
    const ranges = await server.client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    assert.deepEqual(ranges, [{ startLine: 0, endLine: 1, kind: 'comment' }, { startLine: 3, endLine: 5 }]);
  });

  it('semantic tokens decode to tags, functions, variables, strings, keywords, comments', async () => {
    const { uri } = await open('# c\n$(@PROCESS)=if($(v),(0008,0040),SEQ(0040,0275,0,0040,1001))\n(0010,0010)=(0010,0010),"^",1\n');
    const { data } = await server.client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }) ?? { data: [] };
    const { tokenTypes, tokenModifiers } = server.client.initializeResult.capabilities.semanticTokensProvider!.legend;
    const decoded: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
      const mods = tokenModifiers.filter((_, bit) => data[i + 4] & (1 << bit));
      decoded.push(`${line}:${char}:${data[i + 2]} ${tokenTypes[data[i + 3]]}${mods.length ? `.${mods.join('.')}` : ''}`);
    }
    assert.deepEqual(decoded, [
      '0:0:3 comment',
      '1:0:11 controlVariable',
      '1:12:2 function',
      '1:15:4 variable',
      '1:20:11 tag.deprecated',
      '1:32:3 keyword',
      '1:36:9 tag',
      '1:48:9 tag',
      '2:0:11 tag',
      '2:12:11 tag.deprecated',
      '2:24:3 string.deprecated',
      '2:28:1 string.deprecated',
    ]);
  });

  it('semantic token deltas rebuild exactly the full answer after an edit', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `(0010,0010)=concat("A${i}",$(v))`).join('\n');
    const { uri } = await open(text);
    const first = await server.client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    assert.ok(first?.resultId);
    await server.client.change(uri, [{ range: { start: at(100, 12), end: at(100, 18) }, text: 'NULL' }]); // concat → NULL: one function token shorter
    const delta = await server.client.connection.sendRequest(SemanticTokensDeltaRequest.type, { textDocument: { uri }, previousResultId: first.resultId });
    assert.ok(delta && 'edits' in delta, 'a delta, not a full answer');
    assert.equal(delta.edits.length, 1);
    assert.ok(delta.edits[0].data!.length < 50, `a small edit, got ${delta.edits[0].data!.length} numbers`);
    const patched = [...first.data];
    for (const e of delta.edits) patched.splice(e.start, e.deleteCount, ...(e.data ?? []));
    const fresh = await server.client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    assert.deepEqual(patched, fresh?.data);
  });
});

describe('arity quick fix with placeholders', function () {
  this.timeout(20_000);
  const vscodeLike = serverForSuite({ initializationOptions: { insertSnippetCommand: true } });
  const plain = serverForSuite();

  async function arityActions(client: LspClient, name: string): Promise<{ uri: string; actions: CodeAction[] }> {
    const uri = docUri(name);
    const diagnostics = await client.open(uri, '(0010,0010)=split((0010,0010),",")\n');
    const diagnostic = diagnostics.find((d) => d.code === 'arity');
    assert.ok(diagnostic, JSON.stringify(diagnostics));
    const actions = await client.codeActions(uri, diagnostic, ['quickfix']);
    return { uri, actions };
  }

  it('asks a client with the insert-snippet command to insert the missing arguments as placeholders', async () => {
    const { uri, actions } = await arityActions(vscodeLike.client, 'arity-snippet.coerce');
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred, a.edit, a.command?.command, a.command?.arguments]), [
      ['Add the missing argument n', true, undefined, 'pacsWorkbench.insertSnippet', [uri, { line: 0, character: 33 }, ',${1:n}']],
    ]);
  });

  it('offers a client without that command no arity fix (LSP 3.17 code actions carry no snippets)', async () => {
    const { actions } = await arityActions(plain.client, 'arity-plain.coerce');
    assert.deepEqual(actions, []);
  });
});
