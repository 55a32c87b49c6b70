/** `pacsw check --format sarif`: a SARIF 2.1.0 log that code-scanning tools accept. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pacsw, REPO, suiteTempDir, writeRules } from './dicom-helpers';

interface SarifLog {
  version: string;
  $schema: string;
  runs: Array<{
    tool: { driver: { name: string; version?: string; rules: Array<{ id: string; helpUri?: string }> } };
    results: Array<{
      ruleId: string;
      ruleIndex?: number;
      level: string;
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number; endLine?: number; endColumn?: number } } }>;
    }>;
  }>;
}

/** The fields SARIF 2.1.0 requires (and GitHub code scanning reads), checked one by one. */
function assertSarifShape(log: SarifLog): void {
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-schema-2\.1\.0\.json$/);
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, 'pacsw');
  assert.ok(Array.isArray(run.tool.driver.rules));
  const ruleIds = run.tool.driver.rules.map((r) => r.id);
  assert.equal(new Set(ruleIds).size, ruleIds.length, 'each rule once');
  for (const r of run.results) {
    assert.ok(ruleIds.includes(r.ruleId), `${r.ruleId} is among the driver's rules`);
    assert.equal(ruleIds[r.ruleIndex!], r.ruleId, 'ruleIndex points at the rule');
    assert.ok(['error', 'warning', 'note', 'none'].includes(r.level), r.level);
    assert.ok(r.message.text.length > 0);
    const { artifactLocation, region } = r.locations[0].physicalLocation;
    assert.ok(artifactLocation.uri.length > 0);
    assert.ok(Number.isInteger(region.startLine) && region.startLine >= 1);
    assert.ok(Number.isInteger(region.startColumn) && region.startColumn >= 1);
  }
}

describe('pacsw check --format sarif', function () {
  this.timeout(30_000);
  const dir = suiteTempDir('cli-sarif');

  it('writes a SARIF 2.1.0 log with rules, levels and 1-based regions relative to the current folder', () => {
    writeRules(dir(), 'bad.coerce', '(0010,0010)="A"\n(0010,0020)=nosuch((0010,0020))\n(0010,0030)=(0010,0010),"^",1\n');
    writeRules(dir(), 'also bad.coerce', '(0010,0020)=nosuch("x")\n');
    const r = pacsw(['check', '--format', 'sarif', 'bad.coerce', 'also bad.coerce'], { cwd: dir() });
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout) as SarifLog;
    assertSarifShape(log);
    const [run] = log.runs;
    assert.equal(run.tool.driver.version, (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version);
    assert.deepEqual(run.tool.driver.rules.map((rule) => rule.id), ['unknown-function', 'retired-split']);
    assert.match(run.tool.driver.rules[0].helpUri ?? '', /^file:\/\/.+\/docs\/diagnostics\.md#L\d+$/);
    assert.deepEqual(run.results.map((res) => {
      const { artifactLocation, region } = res.locations[0].physicalLocation;
      return [res.ruleId, res.level, artifactLocation.uri, artifactLocation.uriBaseId, region.startLine, region.startColumn];
    }), [
      ['unknown-function', 'error', 'bad.coerce', '%SRCROOT%', 2, 13],
      ['retired-split', 'warning', 'bad.coerce', '%SRCROOT%', 3, 13],
      ['unknown-function', 'error', 'also%20bad.coerce', '%SRCROOT%', 1, 13],
    ]);
  });

  it('writes an empty, valid log for clean files and reports an unreadable file as a result', () => {
    writeRules(dir(), 'good.coerce', '(0010,0010)="A"\n');
    const clean = pacsw(['check', '--format', 'sarif', 'good.coerce'], { cwd: dir() });
    assert.equal(clean.status, 0);
    const cleanLog = JSON.parse(clean.stdout) as SarifLog;
    assertSarifShape(cleanLog);
    assert.deepEqual(cleanLog.runs[0].results, []);

    const missing = pacsw(['check', '--format=sarif', 'nothere.coerce'], { cwd: dir() });
    assert.equal(missing.status, 1);
    const missingLog = JSON.parse(missing.stdout) as SarifLog;
    assertSarifShape(missingLog);
    assert.deepEqual(missingLog.runs[0].results.map((res) => [res.ruleId, res.level]), [['unreadable', 'error']]);
  });

  it('refuses an unknown format and --json with another format, saying which', () => {
    const bad = pacsw(['check', '--format', 'xml', 'x.coerce'], { cwd: dir() });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--format must be text, json or sarif, not "xml"/);
    const both = pacsw(['check', '--json', '--format', 'sarif', 'x.coerce'], { cwd: dir() });
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--json and --format sarif/);
  });
});
