import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDeviceFile } from '../../core/src/devices/parser';
import { buildDeviceTable, dicomEndpoint } from '../../core/src/devices/model';
import { formatDeviceFile } from '../../core/src/devices/format';
import { validateDeviceText } from '../../core/src/devices/validate';
import { parseRuleFile } from '../../core/src/coercion/fileParser';

const repo = path.resolve(__dirname, '../../..');
const example = fs.readFileSync(path.join(repo, 'examples/workspace/devices/hospital.pacs'), 'utf8');

describe('device language: parser and model', () => {
  it('parses the example workspace table without errors', () => {
    const { errors } = parseDeviceFile(example);
    assert.deepEqual(errors, []);
  });

  it('builds the server with every DICOM setting, rule set and deploy target', () => {
    const t = buildDeviceTable(parseDeviceFile(example).ast);
    const s = t.server!;
    assert.equal(s.name, 'PACS_MAIN');
    assert.equal(s.ae, 'PACS_MAIN');
    assert.equal(s.queryAe, 'PACS_QR');
    assert.equal(s.tcpPort, 104);
    assert.equal(s.tlsPort, 2762);
    assert.equal(s.transferSyntax, 'explicit-little');
    assert.equal(s.maxPdu, 16384);
    assert.deepEqual(s.timeouts, { send: 30, receive: 30, connection: 30, wait: 30 });
    assert.deepEqual(Object.keys(s.rules).sort(), ['preceding', 'self', 'trailing', 'viewer']);
    assert.equal(s.rules.preceding?.kind, 'file');
    assert.equal(s.rules.self?.kind, 'inline');
    assert.deepEqual(s.deploy.map((d) => [d.kind, d.target]), [['orthanc', 'http://127.0.0.1:8042'], ['folder', 'out/export']]);
  });

  it('builds devices with every field', () => {
    const t = buildDeviceTable(parseDeviceFile(example).ast);
    const ct = t.devices.find((d) => d.id === 'CT1')!;
    assert.equal(ct.type, 'dicom');
    assert.equal(ct.ae, 'CT_SCANNER');
    assert.equal(ct.host, 'ct1.hospital.local');
    assert.equal(ct.port, 104);
    assert.equal(ct.tcpPort, 104);
    assert.equal(ct.tlsPort, 0);
    assert.equal(ct.category, 'modalities');
    assert.equal(ct.sendTimer, '*');
    assert.equal(ct.receiveTimer, 60);
    assert.deepEqual(ct.services.roles, { store: { u: true, p: false }, mwl: { u: true, p: false }, commit: { u: false, p: true }, mpps: { u: false, p: true } });
    assert.deepEqual(ct.limits, { 'store-in': 4, registration: 2 });
    assert.equal(ct.enabled, true);
    assert.equal(t.devices.find((d) => d.id === 'MR1')!.enabled, false);
    assert.deepEqual(t.devices.find((d) => d.id === 'ARCHIVE')!.services.flags, { autortv: true });
    assert.equal(t.devices.find((d) => d.id === 'PARENT')!.link, 'central.pacs');
    assert.deepEqual(t.categories.map((c) => [c.name, c.maxConnections]), [['modalities', 8], ['reading', 4]]);
  });

  it('keeps inline rules verbatim so the coercion parser reports absolute positions', () => {
    const t = buildDeviceTable(parseDeviceFile(example).ast);
    const rs = t.devices.find((d) => d.id === 'CT1')!.rules!;
    assert.equal(rs.kind, 'inline');
    if (rs.kind !== 'inline') return;
    const lines = example.split('\n');
    const ruleLine = lines.findIndex((l) => l.includes('concat("CT"'));
    const file = parseRuleFile(rs.text);
    const rule = file.lines[ruleLine];
    assert.equal(rule.kind, 'Rule');
    assert.deepEqual(rule.range.start, { line: ruleLine, character: lines[ruleLine].indexOf('(0008,0050)') });
  });

  it('gives exact ranges for names, keys and values', () => {
    const text = 'device  "CT 1" {\n  host   10.0.0.1\n}\n';
    const { ast, errors } = parseDeviceFile(text);
    assert.deepEqual(errors, []);
    const b = ast.blocks[0];
    assert.equal(b.name!.value, 'CT 1');
    assert.deepEqual(b.name!.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 14 } });
    assert.deepEqual(b.fields[0].keyRange, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
    assert.deepEqual(b.fields[0].values[0].range, { start: { line: 1, character: 9 }, end: { line: 1, character: 17 } });
    assert.deepEqual(b.range, { start: { line: 0, character: 0 }, end: { line: 2, character: 1 } });
  });

  it('accepts one-line blocks and lists', () => {
    const { ast, errors } = parseDeviceFile('category c { max-connections 8 }\ndevice X {\n  services { store U P  qr P  autortv }\n}\n');
    assert.deepEqual(errors, []);
    const t = buildDeviceTable(ast);
    assert.equal(t.categories[0].maxConnections, 8);
    assert.deepEqual(t.devices[0].services, { roles: { store: { u: true, p: true }, qr: { u: false, p: true } }, flags: { autortv: true } });
  });

  it('recovers from a missing brace and a stray value, keeping the following blocks', () => {
    const text = fs.readFileSync(path.join(repo, 'test/fixtures/devices/broken.pacs'), 'utf8');
    const { ast, errors } = parseDeviceFile(text);
    assert.deepEqual(errors.map((e) => [e.code, e.range.start.line]), [
      ['missing-close-brace', 0],
      ['expected-field', 8],
      ['unexpected-brace', 11],
    ]);
    assert.deepEqual(ast.blocks.map((b) => `${b.keyword} ${b.name?.value}`), ['server main', 'device CT1', 'category x']);
    assert.equal(buildDeviceTable(ast).devices[0].port, 104);
  });

  it('reports an unterminated string and an unclosed inline rules block at their place', () => {
    const { errors } = parseDeviceFile('device X {\n  ae "CT\n  rules {\n    (0010,0010)=NULL()\ndevice Y {\n}\n');
    assert.deepEqual(errors.map((e) => [e.code, e.range.start.line, e.range.start.character]), [
      ['unterminated-string', 1, 5],
      ['missing-close-brace', 2, 8],
      ['missing-close-brace', 0, 9],
    ]);
  });

  it('never throws on arbitrary input', () => {
    for (const text of ['', '{', '}', '"', 'device', 'device {', 'server x { rules self {', '#', '\r\n\r\n', 'a b c d { { } }', 'device X {\n  services {\n']) {
      const r = parseDeviceFile(text);
      assert.ok(Array.isArray(r.errors));
      buildDeviceTable(r.ast);
    }
  });

  it('parses and validates every one-line and one-character deletion of the example without throwing', function () {
    this.timeout(30000);
    const lines = example.split('\n');
    const variants: string[] = [];
    for (let i = 0; i < lines.length; i++) variants.push([...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'));
    for (let i = 0; i < example.length; i += 11) variants.push(example.slice(0, i) + example.slice(i + 1));
    for (const text of variants) {
      const { diagnostics } = validateDeviceText(text, { readFile: () => '' });
      for (const d of diagnostics) assert.ok(d.range.start.line >= 0 && d.range.end.line < text.split('\n').length + 1, d.code);
    }
  });

  it('picks the echo endpoint: TCP port, then legacy port, then TLS', () => {
    const t = buildDeviceTable(parseDeviceFile(
      'device A {\n  port 104\n}\ndevice B {\n  tcp-port 0\n  tls-port 2762\n}\ndevice C {\n  tcp-port 0\n  tls-port 0\n}\n').ast);
    assert.deepEqual(t.devices.map(dicomEndpoint), [{ port: 104, tls: false }, { port: 2762, tls: true }, undefined]);
  });

  it('re-indents a file without changing its meaning', () => {
    const messy = 'device X {\nhost a\n      services {\n store U\n}\n  rules {\n(0010,0010)=NULL()\n  }\n}\n';
    const formatted = formatDeviceFile(messy);
    assert.equal(formatted, 'device X {\n  host a\n  services {\n    store U\n  }\n  rules {\n    (0010,0010)=NULL()\n  }\n}\n');
    assert.deepEqual(buildDeviceTable(parseDeviceFile(formatted).ast).devices[0].services, buildDeviceTable(parseDeviceFile(messy).ast).devices[0].services);
  });
});
