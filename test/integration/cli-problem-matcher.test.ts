/**
 * The `$pacsw` problem matcher (package.json contributes.problemMatchers) against what
 * `pacsw check` really prints: every finding, and nothing else, becomes one problem with the
 * right file, position, severity, code and message. The findings to expect come from --json.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pacsw, REPO, suiteTempDir, writeRules } from './dicom-helpers';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

interface Finding { file: string; line: number; column: number; severity: string; code: string; message: string }

/** VS Code removes ANSI escapes before matching a task's output. */
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function matchWithProblemMatcher(output: string): Finding[] {
  const matcher = manifest.contributes.problemMatchers.find((m: { name: string }) => m.name === 'pacsw');
  assert.ok(matcher, 'package.json contributes no problem matcher named pacsw');
  const pattern = manifest.contributes.problemPatterns.find((p: { name: string }) => `$${p.name}` === matcher.pattern);
  assert.ok(pattern, `the pattern ${matcher.pattern} of the pacsw matcher is not in contributes.problemPatterns`);
  const regexp = new RegExp(pattern.regexp);
  const found: Finding[] = [];
  for (const line of stripAnsi(output).split('\n')) {
    const m = regexp.exec(line);
    if (m) found.push({ file: m[pattern.file], line: Number(m[pattern.line]), column: Number(m[pattern.column]), severity: m[pattern.severity], code: m[pattern.code], message: m[pattern.message] });
  }
  return found;
}

describe('pacsw check and the $pacsw problem matcher', function () {
  this.timeout(30_000);
  const dir = suiteTempDir('cli-matcher');

  for (const colour of ['NO_COLOR', 'FORCE_COLOR'] as const) {
    it(`turns every finding into one problem, and nothing else (${colour})`, () => {
      const rules = writeRules(dir(), 'mixed.coerce', '(0010,0010)=uper((0010,0010))\n(0010,0020)=(0010,0010),"^",1\n(0010,0030)=split((0010,0030),",")\n');
      const table = writeRules(dir(), 'lab.pacs', 'server LAB {\n  ae "LAB"\n  nonsense 1\n}\n');
      const expected = (JSON.parse(pacsw(['check', '--json', rules, table]).stdout) as Finding[])
        .map(({ file, line, column, severity, code, message }) => ({ file, line, column, severity, code, message }));
      assert.ok(expected.length >= 4, `the files should give several findings, got ${JSON.stringify(expected)}`);
      const r = pacsw(['check', rules, table], { env: { [colour]: '1' } });
      assert.deepEqual(matchWithProblemMatcher(r.stdout + r.stderr), expected, `the output was:\n${r.stdout}${r.stderr}`);
    });
  }
});
