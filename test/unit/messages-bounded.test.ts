/**
 * No message quotes user text whole (issue 10): every word, name, quoted value and number of the
 * example and fixture files of the three languages is made 5,000 characters long, one at a time,
 * and the file checked as `pacsw check` checks it (cli/src/commands/check.ts diagnosticsOf); every
 * message must stay short. A file's findings are capped, and its last one says how many more.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnosticsOf } from '../../cli/src/commands/check';
import { capDiagnostics, MAX_DIAGNOSTICS_PER_FILE, type CoreDiagnostic } from '../../core/src/diagnostics';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { validateRuleFile } from '../../core/src/coercion/validate';
import { validateRuleTest } from '../../core/src/ruletest/validate';
import { editDistance, editDistanceAtMost } from '../../core/src/text/editDistance';
import { repoRoot } from '../repo';

/** Longest message allowed: the longest fixed text (the rule-test line forms, ~310) and a few excerpts. */
const MESSAGE_MAX = 600;
const LONG = 5000;

function filesOf(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.(coerce|pacs|coerce-test)$/.test(f) && !f.includes('node_modules'))
    .map((f) => path.join(dir, f));
}

/** Each word, number or quoted value of `text`, made LONG characters long, as a new text. */
function* lengthened(text: string): Generator<{ at: number; text: string }> {
  const token = /"([^"\n]*)"|[A-Za-z0-9_.$-]+/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const inner = m[1] !== undefined ? m[1] || 'x' : m[0];
    const long = inner.repeat(Math.ceil(LONG / inner.length)).slice(0, LONG);
    const replacement = m[1] !== undefined ? `"${long}"` : long;
    yield { at: m.index, text: text.slice(0, m.index) + replacement + text.slice(m.index + m[0].length) };
  }
}

describe('messages quote short excerpts of user text', function () {
  this.timeout(120_000);
  const root = repoRoot();
  const files = [...filesOf(path.join(root, 'examples')), ...filesOf(path.join(root, 'test', 'fixtures'))];

  for (const ext of ['.coerce', '.pacs', '.coerce-test']) {
    it(`every ${ext} message stays under ${MESSAGE_MAX} characters when any word of the examples is ${LONG} long`, () => {
      const long: string[] = [];
      let checked = 0;
      for (const file of files.filter((f) => f.endsWith(ext) && !(ext === '.coerce' && f.endsWith('.coerce-test')))) {
        const text = fs.readFileSync(file, 'utf8');
        for (const variant of lengthened(text)) {
          checked++;
          for (const d of diagnosticsOf(file, variant.text, 'extended')) {
            if (d.message.length > MESSAGE_MAX && long.length < 20) long.push(`${path.relative(root, file)} (word at ${variant.at}) ${d.code}: ${d.message.slice(0, 160)}… (${d.message.length} characters)`);
          }
        }
      }
      assert.ok(checked > 50, `${checked} variants`);
      assert.deepEqual(long, []);
    });
  }
});

describe('messages on tags the parser ran on into a value', () => {
  // Fuzz seed 20261204, input 29123: a SEQ(...) step `0009"AAA...` (an unterminated value right after
  // a private group) was quoted whole by private-tag (2,245 characters; 52,484 for input 7360).
  for (const [what, step] of [['private', '0009'], ['standard', '0010'], ['retired', '0008']] as const) {
    it(`a ${what} group followed by a 5,000-character value in SEQ(...) gets short messages`, () => {
      const text = `SEQ(0040,0275,0040,${step}"${'A'.repeat(LONG)}\n`;
      const messages = diagnosticsOf('/x/long.coerce', text, 'extended').map((d) => `${d.code}: ${d.message}`);
      assert.ok(messages.length > 0);
      const long = messages.filter((m) => m.length > MESSAGE_MAX).map((m) => `${m.slice(0, 120)}… (${m.length} characters)`);
      assert.deepEqual(long, []);
    });
  }
});

describe('findings per file are capped', () => {
  const bad = (lines: number, line: (i: number) => string): string => Array.from({ length: lines }, (_, i) => line(i)).join('\n');

  it(`a rule file of 1,000 bad lines reports ${MAX_DIAGNOSTICS_PER_FILE} findings, the last saying how many more (and that they hold errors)`, () => {
    const text = bad(1000, (i) => `(0010,0010)=nosuch${i}(`);
    const all = validateRuleFile(parseRuleFile(text), { dialect: 'strict' });
    assert.ok(all.length >= 1000, `${all.length} findings uncapped`);
    const shown = diagnosticsOf('bad.coerce', text, 'strict');
    assert.equal(shown.length, MAX_DIAGNOSTICS_PER_FILE);
    const last = shown[shown.length - 1];
    assert.equal(last.code, 'too-many-problems');
    assert.equal(last.severity, 'error');
    assert.deepEqual(last.data, { omitted: all.length - MAX_DIAGNOSTICS_PER_FILE + 1, omittedErrors: all.filter((d, i) => i >= MAX_DIAGNOSTICS_PER_FILE - 1 && d.severity === 'error').length });
    assert.match(last.message, new RegExp(`^${all.length - MAX_DIAGNOSTICS_PER_FILE + 1} more problems \\((all errors|\\d+ of them errors)\\) from here on are not shown \\(at most 200 per file\\)`));
  });

  it('a rule test of 1,000 lines that are no form reports the cap too', () => {
    const text = `rules "nosuch.coerce"\n${bad(1000, (i) => `nonsense ${i}`)}`;
    assert.ok(validateRuleTest(text).diagnostics.length >= 1000);
    const shown = diagnosticsOf('bad.coerce-test', text, 'strict');
    assert.equal(shown.length, MAX_DIAGNOSTICS_PER_FILE);
    assert.equal(shown[shown.length - 1].code, 'too-many-problems');
  });

  it('the cap keeps file order and is a warning when only warnings are left out', () => {
    const at = (line: number, severity: CoreDiagnostic['severity']): CoreDiagnostic => ({ range: { start: { line, character: 0 }, end: { line, character: 1 } }, severity, code: 'x', message: 'm' });
    const findings = [at(5, 'error'), ...Array.from({ length: 300 }, (_, i) => at(10 + i, 'warning'))].reverse();
    const capped = capDiagnostics(findings, 10);
    assert.deepEqual(capped.slice(0, 9).map((d) => d.range.start.line), [5, 10, 11, 12, 13, 14, 15, 16, 17]);
    assert.equal(capped[9].severity, 'warning');
    assert.equal(capped[9].range.start.line, 18);
    assert.match(capped[9].message, /^292 more problems from here on are not shown \(at most 10 per file\)/);
  });
});

describe('rule tests: bounded work on unknown attribute keywords', function () {
  this.timeout(120_000);

  it('suggests keywords for the first 200 unknown ones of a file only, and 5,000 distinct ones finish in bounded time', () => {
    // Found by npm run fuzz (core-text): each unknown keyword was compared with 1,100 dictionary
    // keywords by the full edit distance, 15 ms a line; 367 lines took 5.5 s to validate and as
    // long again to format. A bound (30 s, generous for a loaded machine), not a measurement.
    const letters = (i: number): string => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + (Math.floor(i / 26) % 26)) + String.fromCharCode(97 + Math.floor(i / 676));
    const text = `rules "x.coerce"\ncase "c"\n${Array.from({ length: 5000 }, (_, i) => `  expect Accession${letters(i)}umber is absent`).join('\n')}\n`;
    const started = Date.now();
    const unknown = validateRuleTest(text).diagnostics.filter((d) => d.code === 'test-unknown-attribute');
    assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
    assert.equal(unknown.length, 5000);
    assert.match(unknown[0].message, /^unknown attribute keyword `Accessionaaaumber`; did you mean `AccessionNumber`\?/);
    assert.match(unknown[199].message, /did you mean/);
    assert.doesNotMatch(unknown[200].message, /did you mean/);
  });

  it('the banded edit distance agrees with the full one up to its bound', () => {
    const words = ['', 'a', 'ab', 'ba', 'abc', 'acb', 'kitten', 'sitting', 'accessionnumber', 'accessionnummer', 'patientname', 'patinetname', 'xyzxyzxyz'];
    for (const a of words) {
      for (const b of words) {
        for (const max of [0, 1, 2, 3, 5]) {
          const full = editDistance(a, b);
          assert.equal(editDistanceAtMost(a, b, max), full <= max ? full : max + 1, `${a} ${b} ${max}`);
        }
      }
    }
  });
});
