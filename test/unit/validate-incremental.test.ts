import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CoreDiagnostic } from '../../core/src/diagnostics';
import { createIncrementalParser } from '../../core/src/coercion/incrementalParser';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { createIncrementalValidator } from '../../core/src/coercion/incrementalValidator';
import { validateRuleFile, type CoercionDialect } from '../../core/src/coercion/validate';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/coercion');
const BROKEN = path.join(FIXTURES, 'broken');
const fixtures = [
  'realistic.coerce', 'documented-examples.coerce',
  ...fs.readdirSync(BROKEN).filter((f) => f.endsWith('.coerce')).map((f) => path.join('broken', f)),
].map((name) => ({ name, text: fs.readFileSync(path.join(FIXTURES, name), 'utf8') }));

/** Deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces that make the cross-line findings come and go: reads, assignments, stops, splits. */
const SNIPPETS = [
  '$(tmp)', '$(Tmp)', '$(x)=1', '$(@PROCESS)=NULL()', '$(@PROCESS)="no"', 'concat(', ')', ',', '=', '"', '\n', '\n\n',
  'zz(a)', 'lower(a,b)', '(0010,0010)=$(x)', '(7FE0,0010)=x', '(0009,0010)=a', 'USER(f)', 'SEQ(0040,0275,0,0040,0009)',
  'PatientName', '# c', '(0008,0020)="2024"', 'tolower(a)',
];

/** One random edit: a character or snippet inserted, a span deleted, or a line moved. */
function edit(text: string, rnd: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const at = Math.floor(rnd() * (text.length + 1));
  const kind = rnd();
  if (kind < 0.35) return text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
  if (kind < 0.55) return text.slice(0, at) + pick(['x', '1', '(', ')', ',', ' ', '\n', '$', '@']) + text.slice(at);
  if (kind < 0.8) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rnd() * 4)));
  const lines = text.split('\n');
  const from = Math.floor(rnd() * lines.length);
  const [moved] = lines.splice(from, 1);
  lines.splice(Math.floor(rnd() * (lines.length + 1)), 0, moved);
  if (rnd() < 0.5) lines.splice(0, 0, ''); // every line moves down
  return lines.join('\n');
}

describe('incremental validation', () => {
  it('equals a fresh parse and validation after every edit of random edit sequences over the fixtures', function () {
    this.timeout(60_000); // ~1,400 full parses and validations; slow on a loaded machine
    const seen = new Set<string>();
    let steps = 0;
    for (const [n, { name, text: start }] of fixtures.entries()) {
      for (let run = 0; run < 6; run++) {
        const seed = n * 100 + run + 1;
        const rnd = random(seed);
        const parser = createIncrementalParser();
        const validator = createIncrementalValidator();
        let text = start;
        for (let step = 0; step < 40; step++) {
          const dialect: CoercionDialect = rnd() < 0.8 ? 'strict' : 'extended';
          const incremental = validator.validate(parser.parse(text), { dialect });
          const fresh = validateRuleFile(parseRuleFile(text), { dialect });
          assert.deepEqual(incremental, fresh, `${name}, seed ${seed}, step ${step}, ${dialect}:\n${text}`);
          for (const d of fresh) seen.add(d.code);
          steps += 1;
          text = edit(text, rnd);
        }
      }
    }
    assert.ok(steps > 1000);
    // The sequences reach the findings that depend on other lines, not only line-local ones.
    for (const code of ['variable-unassigned', 'unreachable-after-stop', 'split-rule', 'unknown-function', 'syntax', 'extension-function']) {
      assert.ok(seen.has(code), `no edit sequence produced ${code}`);
    }
  });

  it('returns the same diagnostic objects for lines that did not change', () => {
    const parser = createIncrementalParser();
    const validator = createIncrementalValidator();
    const v1 = '(0010,0010)=USER(a)\n(0010,0020)=zz(1)\n(0010,0030)=USER(b)';
    const first = validator.validate(parser.parse(v1));
    const second = validator.validate(parser.parse(v1.replace('zz(1)', 'zz(12)')));
    assert.deepEqual(first.map((d) => d.code), ['user-field', 'unknown-function', 'user-field']);
    assert.equal(second[0], first[0]);
    assert.equal(second[2], first[2]);
    assert.notEqual(second[1], first[1]);
  });

  it('moves the findings of moved lines and re-judges variables and stops across lines', () => {
    const parser = createIncrementalParser();
    const validator = createIncrementalValidator();
    const v1 = '(0010,0010)=$(x)\n$(x)=USER(a)\n$(@PROCESS)=NULL()';
    const codesAt = (ds: CoreDiagnostic[]) => ds.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`);
    assert.deepEqual(codesAt(validator.validate(parser.parse(v1))), ['variable-unassigned@0:12', 'user-field@1:5']);
    // The stop moves to the top: everything after it is unreachable, and the read now follows
    // no assignment above it either way.
    const v2 = '$(@PROCESS)=NULL()\n$(x)=USER(a)\n(0010,0010)=$(x)';
    assert.deepEqual(codesAt(validator.validate(parser.parse(v2))),
      ['unreachable-after-stop@1:0', 'user-field@1:5', 'unreachable-after-stop@2:0']);
    assert.deepEqual(validator.validate(parser.parse(v2)), validateRuleFile(parseRuleFile(v2)));
  });
});
