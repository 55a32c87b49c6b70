/**
 * The device-definition language (`pacs-devices`, *.pacs) over real JSON-RPC against the
 * bundled server: diagnostics (core validation, inline rules at their absolute positions,
 * referenced rule files read from disk and re-checked when they change), completion, hover,
 * outline, folding, formatting and go to definition. Files live in a temporary folder, so
 * that references to rule files resolve on a real disk.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type RegistrationParams,
  CompletionRequest,
  DefinitionRequest,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FileChangeType,
  FoldingRangeRequest,
  HoverRequest,
  ReferencesRequest,
  SemanticTokensRequest,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Location,
  type Position,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../core/src/coercion/quickfix';
import { parseDeviceFile } from '../../core/src/devices/parser';
import { repoRoot, SERVER_BUNDLE, serverForSuite } from './client';

const LANGUAGE = 'pacs-devices';

/** Position of the `nth` occurrence of `needle` in `text` (plus `offset` characters). */
function where(text: string, needle: string, offset = 0, nth = 0): Position {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `${needle} (occurrence ${nth}) not in the text`);
  }
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

function rangeOf(text: string, needle: string, nth = 0): { start: Position; end: Position } {
  const start = where(text, needle, 0, nth);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

const byCode = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);
const problems = (ds: Diagnostic[]) =>
  ds.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);

const BROKEN = `server MAIN {
  ae "MAIN"
  host 127.0.0.1
  tcp-port 104
}

category modalities {
  max-connections 4
}

device CT1 {
  type dicom
  ae "CT_SCANNER_WITH_A_LONG_NAME"
  host 10.0.0.1
  port 70000
  category modaliteis
  services {
    store U
    commit U
    autoget
    autortv
  }
  rules {
    # an inline rule calling a function that does not exist
    (0010,0010)=NOSUCHFUNC((0010,0010))
  }
}

device CT1 {
  type workstation
  ae "WS"
  host 10.0.0.2
  port 104
  rules "rules/missing.coerce"
}

device LISTEN {
  type dicom
  ae "L"
  host 10.0.0.3
  tcp-port 0
  tls-port 0
  services { store P }
  limits { dicom-out 2 }
}

device BADRULES {
  type dicom
  ae "B"
  host 10.0.0.4
  rules "rules/bad.coerce"
}
`;

const GOOD_RULE = '# Prefix accession numbers.\n(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())\n';
const BAD_RULE = '# a broken rule\n(0008,0050)=concat("A",\n';

/** A small, valid device table that uses each feature the requests below look at. */
const SITE = `# Test site.
server PACS {
  ae "PACS"
  host 127.0.0.1
  tcp-port 104
  tls-port 0
  rules preceding "rules/good.coerce"
}

category modalities {
  max-connections 8
}

category reading {
  max-connections 2
}

device CT1 {
  type dicom
  ae "CT_SCANNER"
  host 10.0.0.1
  port 104
  category modalities
  send-timer *
  services {
    store U
    mwl U
  }
  rules {
    (0010,0010)=NULL()
  }
}

device READ1 {
  type viewer
  ae "READ1"
  host 10.0.0.2
  port 104
  category reading
  services {
    store P
  }
  rules "rules/good.coerce"
}
`;

describe('LSP: device-definition language (.pacs)', function () {
  this.timeout(20_000);
  const server = serverForSuite();
  let dir: string;
  let n = 0;

  const fileUri = (name: string) => pathToFileURL(path.join(dir, name)).toString();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacs-devices-lsp-'));
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.writeFileSync(path.join(dir, 'rules', 'good.coerce'), GOOD_RULE);
    fs.writeFileSync(path.join(dir, 'rules', 'bad.coerce'), BAD_RULE);
    fs.writeFileSync(path.join(dir, 'other.pacs'), 'server OTHER {\n  ae "OTHER"\n}\n');
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Opens `text` as a new .pacs file in the temporary folder (it need not exist on disk). */
  async function open(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = fileUri(`doc-${n++}.pacs`);
    return { uri, diagnostics: await server.client.open(uri, text, LANGUAGE) };
  }

  async function complete(text: string, position: Position): Promise<CompletionItem[]> {
    return server.client.completionItems((await open(text)).uri, position);
  }

  async function hover(text: string, position: Position): Promise<string> {
    return server.client.hoverText((await open(text)).uri, position);
  }

  const labels = (items: CompletionItem[]) => items.map((i) => i.label);
  const newTextOf = (items: CompletionItem[], label: string) => {
    const item = items.find((i) => i.label === label);
    assert.ok(item, `no completion ${label} in ${labels(items).join(', ')}`);
    return (item.textEdit as TextEdit).newText;
  };

  describe('diagnostics', () => {
    let diagnostics: Diagnostic[];
    before(async () => {
      diagnostics = (await open(BROKEN)).diagnostics;
    });

    it('reports a duplicate device ID at the second definition', () => {
      const [d] = byCode(diagnostics, 'duplicate-id');
      assert.ok(d, 'duplicate-id');
      assert.deepEqual(d.range, rangeOf(BROKEN, 'CT1', 1));
      assert.equal(d.severity, DiagnosticSeverity.Error);
      assert.match(d.message, /first on line 11/);
    });

    it('reports an AE title longer than 16 characters and a port out of range, on the value', () => {
      assert.deepEqual(byCode(diagnostics, 'ae-too-long').map((d) => d.range), [rangeOf(BROKEN, '"CT_SCANNER_WITH_A_LONG_NAME"')]);
      assert.deepEqual(byCode(diagnostics, 'invalid-port').map((d) => d.range), [rangeOf(BROKEN, '70000')]);
    });

    it('reports an unknown category, AutoGet with AutoRtv, and Commit as U', () => {
      assert.deepEqual(byCode(diagnostics, 'unknown-category').map((d) => d.range), [rangeOf(BROKEN, 'category modaliteis').start].map((start) => ({ start, end: { line: start.line, character: start.character + 'category'.length } })));
      assert.equal(byCode(diagnostics, 'autoget-and-autortv').length, 1);
      assert.deepEqual(byCode(diagnostics, 'p-only-service').map((d) => d.range.start), [where(BROKEN, 'commit U', 'commit '.length)]);
    });

    it('reports a device that must accept associations with TCP and TLS both 0, and a limit for the wrong type', () => {
      const [noPort] = byCode(diagnostics, 'no-port');
      assert.ok(noPort, 'no-port');
      assert.match(noPort.message, /LISTEN/);
      assert.deepEqual(byCode(diagnostics, 'limit-not-applicable').map((d) => d.range), [rangeOf(BROKEN, 'dicom-out')]);
    });

    it('warns about a new Workstation device, struck through as retired', () => {
      const [d] = byCode(diagnostics, 'workstation-retired');
      assert.ok(d);
      assert.equal(d.severity, DiagnosticSeverity.Warning);
      assert.deepEqual(d.range, rangeOf(BROKEN, 'workstation'));
      assert.deepEqual(d.tags, [2], 'DiagnosticTag.Deprecated');
    });

    it('checks inline rules with the coercion validator, at their absolute position in the .pacs file', () => {
      const [d] = byCode(diagnostics, 'unknown-function');
      assert.ok(d, `unknown-function in ${diagnostics.map((x) => x.code).join(', ')}`);
      assert.deepEqual(d.range, rangeOf(BROKEN, 'NOSUCHFUNC'));
      assert.equal(d.range.start.line, 24);
      assert.equal(d.range.start.character, 16);
    });

    it('checks inline rules in the coercion dialect of the settings', async () => {
      const text = 'device X {\n  rules {\n    (0010,0010)=upper((0010,0010))\n  }\n}\n';
      const { uri, diagnostics: strict } = await open(text);
      const [d] = byCode(strict, 'extension-function');
      assert.equal(d?.severity, DiagnosticSeverity.Error);
      assert.deepEqual(d.range.start, where(text, 'upper'));
      try {
        const republished = server.client.nextDiagnostics(uri);
        await server.client.changeSettings({ coercion: { dialect: 'extended' } });
        assert.equal(byCode((await republished).diagnostics, 'extension-function')[0]?.severity, DiagnosticSeverity.Information);
      } finally {
        const back = server.client.nextDiagnostics(uri);
        await server.client.changeSettings({ coercion: { dialect: 'strict' } });
        await back;
      }
    });

    it('reports a missing rule file and a rule file with errors, on the path', () => {
      assert.deepEqual(byCode(diagnostics, 'rule-file-missing').map((d) => d.range), [rangeOf(BROKEN, '"rules/missing.coerce"')]);
      const [bad] = byCode(diagnostics, 'rule-file-errors');
      assert.ok(bad, 'rule-file-errors');
      assert.deepEqual(bad.range, rangeOf(BROKEN, '"rules/bad.coerce"'));
      assert.match(bad.message, /rules\/bad\.coerce has 1 error; first at line 2/);
    });

    it('finds no problem in the example workspace files', async () => {
      for (const name of ['hospital.pacs', 'central.pacs']) {
        const file = path.join(repoRoot(), 'examples', 'workspace', 'devices', name);
        const ds = await server.client.open(pathToFileURL(file).toString(), fs.readFileSync(file, 'utf8'), LANGUAGE);
        assert.deepEqual(problems(ds).map((d) => `${d.code} ${d.message}`), [], name);
      }
    });

    it('finds no problem in the valid test site', async () => {
      const { diagnostics: ds } = await open(SITE);
      assert.deepEqual(problems(ds).map((d) => `${d.code} ${d.message}`), []);
    });

    it('re-checks a .pacs file when a rule file it uses is edited, closed, or changed on disk', async () => {
      const { uri } = await open(SITE);
      const ruleUri = fileUri('rules/good.coerce');

      // Edited in an editor: the open text counts, not the disk.
      let next = server.client.nextDiagnostics(uri);
      await server.client.open(ruleUri, BAD_RULE, 'pacs-coercion');
      let ds = (await next).diagnostics;
      assert.deepEqual(byCode(ds, 'rule-file-errors').map((d) => d.range), [rangeOf(SITE, '"rules/good.coerce"'), rangeOf(SITE, '"rules/good.coerce"', 1)]);

      // Closed: back to the (valid) file on disk.
      next = server.client.nextDiagnostics(uri);
      await server.client.close(ruleUri);
      ds = (await next).diagnostics;
      assert.deepEqual(problems(ds), []);

      // Changed on disk, reported by the client's file watcher.
      try {
        fs.writeFileSync(path.join(dir, 'rules', 'good.coerce'), BAD_RULE);
        next = server.client.nextDiagnostics(uri);
        await server.client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ruleUri, type: FileChangeType.Changed }] });
        ds = (await next).diagnostics;
        assert.equal(byCode(ds, 'rule-file-errors').length, 2);
      } finally {
        fs.writeFileSync(path.join(dir, 'rules', 'good.coerce'), GOOD_RULE);
      }
      next = server.client.nextDiagnostics(uri);
      await server.client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ruleUri, type: FileChangeType.Changed }] });
      assert.deepEqual(problems((await next).diagnostics), []);
    });

    it('reports a rule file created after the .pacs file was opened as no longer missing', async () => {
      const text = 'server S {\n  ae "S"\n  rules trailing "rules/later.coerce"\n}\n';
      const { uri, diagnostics: ds } = await open(text);
      assert.equal(byCode(ds, 'rule-file-missing').length, 1);
      const later = path.join(dir, 'rules', 'later.coerce');
      fs.writeFileSync(later, GOOD_RULE);
      const next = server.client.nextDiagnostics(uri);
      await server.client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(later).toString(), type: FileChangeType.Created }] });
      assert.deepEqual(problems((await next).diagnostics), []);
    });
  });

  describe('completion', () => {
    it('offers block keywords at the top level', async () => {
      const items = await complete('\n', { line: 0, character: 0 });
      assert.deepEqual(labels(items), ['server', 'category', 'device']);
    });

    it('offers the fields of the current block that are not set yet', async () => {
      const text = 'device X {\n  type dicom\n  \n}\n';
      const items = await complete(text, { line: 2, character: 2 });
      const names = labels(items);
      for (const f of ['ae', 'host', 'port', 'category', 'services', 'limits', 'rules', 'send-timer']) assert.ok(names.includes(f), f);
      assert.ok(!names.includes('type'), 'type is already set');
      assert.ok(!names.includes('max-connections'), 'a category field');
      const category = await complete('category c {\n  \n}\n', { line: 1, character: 2 });
      assert.deepEqual(labels(category), ['max-connections']);
    });

    it('offers fields after the `{` of a one-line block, replacing the word being typed', async () => {
      const text = 'category c { max-c }\n';
      const items = await complete(text, { line: 0, character: 18 });
      assert.deepEqual(labels(items), ['max-connections']);
      assert.deepEqual((items[0].textEdit as TextEdit).range, rangeOf(text, 'max-c'));
      assert.deepEqual(await complete(text, { line: 0, character: 20 }), [], 'nothing after the closing brace');
      assert.deepEqual(await complete(text, { line: 0, character: 9 }), [], 'nothing while naming the block');
    });

    it('offers device types, without the retired Workstation', async () => {
      const text = 'device X {\n  type \n}\n';
      const names = labels(await complete(text, { line: 1, character: 7 }));
      for (const t of ['dicom', 'viewer', 'parent', 'child', 'backup-target']) assert.ok(names.includes(t), t);
      assert.ok(!names.includes('workstation'));
    });

    it('offers the categories defined in the file', async () => {
      const pos = where(SITE, 'category modalities', 'category '.length, 0);
      // The first `category modalities` is the block header; the device's field is the second.
      const field = where(SITE, 'category modalities', 'category m'.length, 1);
      assert.notDeepEqual(pos, field);
      const items = await complete(SITE, field);
      assert.deepEqual(labels(items), ['modalities', 'reading']);
      assert.equal(items[0].detail, 'max-connections 8');
      assert.deepEqual((items[0].textEdit as TextEdit).range, rangeOf(SITE, 'modalities', 1));
    });

    it('offers `*` for timers', async () => {
      const text = 'device X {\n  send-timer \n}\n';
      assert.deepEqual(labels(await complete(text, { line: 1, character: 13 })), ['*']);
    });

    it('offers services with their U/P columns, and only P after commit', async () => {
      const text = 'device X {\n  type dicom\n  services {\n    store U\n    \n  }\n}\n';
      const items = await complete(text, { line: 4, character: 4 });
      const names = labels(items);
      assert.ok(!names.includes('store'), 'store is already listed');
      assert.equal(newTextOf(items, 'qr'), 'qr ${1|U,P,U P|}');
      assert.equal(newTextOf(items, 'commit'), 'commit P');
      assert.ok(names.includes('autortv') && names.includes('autoget'));

      const after = 'device X {\n  services {\n    commit \n  }\n}\n';
      const roles = labels(await complete(after, { line: 2, character: 11 }));
      assert.ok(roles.includes('P'));
      assert.ok(!roles.includes('U') && !roles.includes('U P'), 'commit has no U column');
    });

    it('offers only the task limits that apply to the device type', async () => {
      const text = 'device X {\n  type dicom\n  limits {\n    \n  }\n}\n';
      assert.deepEqual(labels(await complete(text, { line: 3, character: 4 })), ['max', 'store-in', 'registration']);
    });

    it('offers the .coerce files next to the .pacs file for `rules`, quoted', async () => {
      const text = 'device X {\n  rules \n}\n';
      const items = await complete(text, { line: 1, character: 8 });
      assert.equal(newTextOf(items, 'rules/good.coerce'), '"rules/good.coerce"');
      assert.ok(labels(items).includes('rules/bad.coerce'));
      const server = 'server S {\n  rules \n}\n';
      assert.deepEqual(labels(await complete(server, { line: 1, character: 8 })), ['preceding', 'trailing', 'viewer', 'self']);
      const link = 'device P {\n  type parent\n  link \n}\n';
      assert.deepEqual(labels(await complete(link, { line: 2, character: 7 })), ['other.pacs']);
    });

    it('hands completion inside inline rules to the coercion language', async () => {
      const text = 'device X {\n  rules {\n    (0010,0010)=conc\n  }\n}\n';
      const items = await complete(text, { line: 2, character: 20 });
      const concat = items.find((i) => i.label === 'concat');
      assert.ok(concat, 'concat() offered');
      assert.deepEqual((concat.textEdit as TextEdit).range, { start: { line: 2, character: 16 }, end: { line: 2, character: 20 } });
    });
  });

  describe('hover', () => {
    it('explains a field', async () => {
      assert.match(await hover(SITE, where(SITE, 'send-timer', 2)), /Send timer in seconds, or \* for the server default/);
    });

    it('shows the category of a device with its connection limit and members', async () => {
      const text = await hover(SITE, where(SITE, 'category modalities', 'category m'.length, 1));
      assert.match(text, /Category modalities/);
      assert.match(text, /at most \*\*8\*\* connections/);
      assert.match(text, /Devices: CT1/);
    });

    it('summarises a device on its ID', async () => {
      const text = await hover(SITE, where(SITE, 'device CT1', 'device C'.length));
      assert.match(text, /\*\*Device CT1\*\*/);
      assert.match(text, /`CT_SCANNER`/);
      assert.match(text, /10\.0\.0\.1 \(port 104\)/);
      assert.match(text, /modalities \(max 8 connections\)/);
      assert.match(text, /store U, mwl U/);
      assert.match(text, /inline, 1 rule/);
    });

    it('summarises a referenced rule file', async () => {
      const text = await hover(SITE, where(SITE, '"rules/good.coerce"', 3, 1));
      assert.match(text, /Rule file `rules\/good.coerce`: 1 rule, no syntax errors/);
      assert.match(text, /Prefix accession numbers/);
    });

    it('explains a service and a device type', async () => {
      assert.match(await hover(SITE, where(SITE, 'mwl U', 1)), /Modality Worklist/);
      assert.match(await hover(SITE, where(SITE, 'type viewer', 6)), /workstation using prefetch/);
    });

    it('hands hover inside inline rules to the coercion language', async () => {
      assert.match(await hover(SITE, where(SITE, '(0010,0010)=NULL', 3)), /Patient's Name/);
    });
  });

  describe('outline, folding, formatting', () => {
    it('lists the server, categories and devices with their type, fields nested, inline rules inside', async () => {
      const { uri } = await open(SITE);
      const symbols = (await server.client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
      assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [
        ['server PACS', 'PACS'],
        ['category modalities', 'max 8 connections'],
        ['category reading', 'max 2 connections'],
        ['device CT1', 'dicom · CT_SCANNER'],
        ['device READ1', 'viewer · READ1'],
      ]);
      const ct1 = symbols[3];
      assert.deepEqual(ct1.selectionRange, rangeOf(SITE, 'CT1'));
      assert.deepEqual(ct1.children?.map((c) => c.name), ['type', 'ae', 'host', 'port', 'category', 'send-timer', 'services', 'rules']);
      const rules = ct1.children!.find((c) => c.name === 'rules')!;
      assert.deepEqual(rules.children?.map((c) => c.name), ['(0010,0010)']);
    });

    it('folds blocks and lists, keeping the closing brace visible', async () => {
      const { uri } = await open(SITE);
      const ranges = (await server.client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })) ?? [];
      const ct1 = where(SITE, 'device CT1').line;
      const services = where(SITE, 'services {').line;
      assert.ok(ranges.some((r) => r.startLine === ct1 && r.endLine === where(SITE, '\n}\n\ndevice READ1').line), 'device block');
      assert.ok(ranges.some((r) => r.startLine === services && r.endLine === services + 2), 'services list');
    });

    it('formats a messy file, keeps its meaning, and formatting again changes nothing', async () => {
      const messy = 'server S {\nae "S"   \n        host 127.0.0.1\n}\ndevice X {\n\t\ttype dicom\n ae "X"\n      host 10.0.0.9\n  services {\nstore U\n      }\n   rules {\n(0010,0010)=NULL()\n        }\n}\n';
      const { uri } = await open(messy);
      const edits = await server.client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      assert.ok(edits && edits.length > 0);
      const formatted = applyEdits(messy, edits);
      assert.equal(formatted, 'server S {\n  ae "S"\n  host 127.0.0.1\n}\ndevice X {\n  type dicom\n  ae "X"\n  host 10.0.0.9\n  services {\n    store U\n  }\n  rules {\n    (0010,0010)=NULL()\n  }\n}\n');
      const strip = (t: string) => JSON.stringify(parseDeviceFile(t).ast.blocks, (k, v) => (k.endsWith('ange') || k === 'text' || k === 'line' ? undefined : v));
      assert.equal(strip(formatted), strip(messy));

      const again = await server.client.change(uri, formatted);
      assert.deepEqual(problems(again), []);
      const second = await server.client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      assert.deepEqual(second, []);
    });

    it('refuses to format when re-indenting would change a value (white space at the end of an open string)', async () => {
      for (const text of [
        'device X {\n      ae "abc   \n}\n',
        'device X {\n      rules {\n  (0010,0010)="abc   \n  }\n}\n',
      ]) {
        const { uri } = await open(text);
        const edits = await server.client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
        assert.deepEqual(edits, [], JSON.stringify(text));
      }
      // The same files with their strings closed are formatted.
      const closed = 'device X {\n      ae "abc"   \n}\n';
      const { uri } = await open(closed);
      const edits = await server.client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      assert.equal(applyEdits(closed, edits ?? []), 'device X {\n  ae "abc"\n}\n');
    });

    it('formats the example workspace file without changing it beyond white space', async () => {
      const file = path.join(repoRoot(), 'examples', 'workspace', 'devices', 'hospital.pacs');
      const text = fs.readFileSync(file, 'utf8');
      const { uri } = await open(text);
      const edits = await server.client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      const formatted = applyEdits(text, edits ?? []);
      assert.equal(formatted.replace(/\s+/g, ''), text.replace(/\s+/g, ''));
    });
  });

  it('colours inline rules with the coercion language\'s semantic tokens, at their .pacs lines', async () => {
    const decode = (data: number[]) => {
      const out: number[][] = [];
      let line = 0;
      let start = 0;
      for (let i = 0; i < data.length; i += 5) {
        line += data[i];
        start = data[i] === 0 ? start + data[i + 1] : data[i + 1];
        out.push([line, start, data[i + 2], data[i + 3], data[i + 4]]);
      }
      return out;
    };
    const text = 'device X {\n  rules {\n    (0010,0010)=concat("A",$(x))\n  }\n}\nserver S {\n  rules self {\n    $(@PROCESS)=NULL()\n  }\n}\n';
    const { uri } = await open(text);
    const pacs = decode((await server.client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }))!.data);
    const coerceUri = fileUri(`tokens-${n++}.coerce`);
    await server.client.open(coerceUri, '    (0010,0010)=concat("A",$(x))\n    $(@PROCESS)=NULL()\n');
    const alone = decode((await server.client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: coerceUri } }))!.data);
    assert.ok(alone.length >= 4, 'the rules have tokens');
    const shifted = alone.map(([line, ...rest]) => [line === 0 ? 2 : 7, ...rest]);
    assert.deepEqual(pacs, shifted);
    assert.deepEqual(pacs[0].slice(0, 3), [2, 4, 11], 'the tag (0010,0010)');
  });

  describe('navigation', () => {
    it('goes from a device\'s category to the category block', async () => {
      const { uri } = await open(SITE);
      const result = (await server.client.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri }, position: where(SITE, 'category reading', 'category r'.length, 1),
      })) as Location[];
      assert.deepEqual(result, [{ uri, range: rangeOf(SITE, 'reading') }]);
    });

    it('goes from a rule file reference to the file, and from a link to the linked .pacs', async () => {
      const { uri } = await open(SITE);
      const result = (await server.client.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri }, position: where(SITE, '"rules/good.coerce"', 4),
      })) as Location[];
      assert.equal(result.length, 1);
      assert.equal(result[0].uri, fileUri('rules/good.coerce'));
      assert.deepEqual(result[0].range.start, { line: 0, character: 0 });

      const linkText = 'device P {\n  type parent\n  link "other.pacs"\n}\n';
      const link = await open(linkText);
      const target = (await server.client.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri: link.uri }, position: where(linkText, 'other'),
      })) as Location[];
      assert.deepEqual(target.map((l) => l.uri), [fileUri('other.pacs')]);

      const missing = await server.client.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri }, position: where(SITE, 'ae "CT_SCANNER"', 5),
      });
      assert.equal(missing, null);
    });

    it('finds the devices of a category', async () => {
      const { uri } = await open(SITE);
      const refs = (await server.client.connection.sendRequest(ReferencesRequest.type, {
        textDocument: { uri }, position: where(SITE, 'category modalities', 'category m'.length, 0), context: { includeDeclaration: true },
      })) as Location[];
      assert.deepEqual(refs.map((r) => r.range), [rangeOf(SITE, 'modalities'), rangeOf(SITE, 'modalities', 1)]);
    });
  });

  describe('quick fixes', () => {
    async function fixes(text: string, code: string): Promise<{ uri: string; actions: CodeAction[] }> {
      const { uri, diagnostics } = await open(text);
      const d = byCode(diagnostics, code);
      assert.equal(d.length, 1, `${code} in ${diagnostics.map((x) => x.code).join(', ')}`);
      return { uri, actions: await server.client.codeActions(uri, d[0]) };
    }

    it('corrects a misspelt field name', async () => {
      const text = 'device X {\n  type dicom\n  ae "X"\n  hots 10.0.0.1\n}\n';
      const { uri, actions } = await fixes(text, 'unknown-field');
      assert.deepEqual(actions.map((a) => a.title), ['Change to `host`']);
      const fixed = applyEdits(text, actions[0].edit!.changes![uri]);
      assert.equal(fixed, 'device X {\n  type dicom\n  ae "X"\n  host 10.0.0.1\n}\n');
      assert.deepEqual((await server.client.change(uri, fixed)).map((d) => d.code), ['no-server'], 'only the missing server remains');
    });

    it('offers the coercion quick fixes inside inline rules, with edits at the .pacs position', async () => {
      const text = 'device X {\n  type dicom\n  ae "X"\n  host 10.0.0.1\n  rules {\n    (0008,0050)=concta("A",(0008,0050))\n  }\n}\n';
      const { uri, actions } = await fixes(text, 'unknown-function');
      const fix = actions.find((a) => a.title === 'Change to concat()');
      assert.ok(fix, actions.map((a) => a.title).join(', '));
      const fixed = applyEdits(text, fix.edit!.changes![uri]);
      assert.equal(fixed, text.replace('concta', 'concat'));
      assert.deepEqual((await server.client.change(uri, fixed)).map((d) => d.code), ['no-server'], 'only the missing server remains');
    });
  });

  it('asks a client that allows it to watch rule files and .pacs files on disk', async () => {
    // A client of its own, declaring dynamic registration of file watchers as VS Code does.
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const registered = new Promise<RegistrationParams>((resolve) =>
      connection.onRequest(RegistrationRequest.type, (params) => {
        if (params.registrations.some((r) => r.method === DidChangeWatchedFilesNotification.method)) resolve(params);
      }));
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => null));
    connection.listen();
    try {
      await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid, rootUri: null, workspaceFolders: null,
        capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      });
      await connection.sendNotification(InitializedNotification.type, {});
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri: fileUri('watch.pacs'), languageId: LANGUAGE, version: 1, text: SITE },
      });
      const params = await registered;
      const watch = params.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method)!;
      assert.deepEqual((watch.registerOptions as { watchers: Array<{ globPattern: string }> }).watchers.map((w) => w.globPattern), ['**/*.coerce', '**/*.pacs']);
    } finally {
      await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
      await connection.sendNotification(ExitNotification.type).catch(() => undefined);
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      connection.dispose();
    }
  });

  it('keeps the server alive through every request on a damaged file', async () => {
    const damaged = 'device {\n  type\n  services { store\n  rules {\n    (0010,\ncategory\n}}}\n"unterminated\n';
    const { uri } = await open(damaged);
    const lines = damaged.split('\n');
    for (let line = 0; line < lines.length; line++) {
      for (let character = 0; character <= lines[line].length; character += 2) {
        const position = { line, character };
        await server.client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
        await server.client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
        await server.client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
      }
    }
    await server.client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    await server.client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    await server.client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.ok(server.client.alive);
    assert.deepEqual(server.client.logs.filter((l) => /failed/.test(l)), []);
  });
});
