import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatRuleFile, formatRuleLine } from '../../core/src/coercion/format';
import { parseRuleFile } from '../../core/src/coercion/fileParser';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/coercion');

/** Every fixture file: the documented examples, the realistic sample and the broken corpus. */
function fixtures(): Array<[string, string]> {
  const names = ['documented-examples.coerce', 'realistic.coerce'];
  const broken = fs.readdirSync(path.join(FIXTURES, 'broken')).filter((f) => f.endsWith('.coerce'));
  return [...names, ...broken.map((f) => `broken/${f}`)].map((n) => [n, fs.readFileSync(path.join(FIXTURES, n), 'utf8')]);
}

/** The tree without positions and source spellings: what the rules mean. */
function meaning(text: string): unknown {
  const file = parseRuleFile(text);
  return JSON.parse(
    JSON.stringify(file, (key, value) => (key === 'range' || key === 'text' || /Ranges?$/.test(key) ? undefined : value)),
  );
}

describe('coercion formatter', () => {
  it('removes white space between tokens and trims trailing white space', () => {
    assert.equal(formatRuleLine('  ( 0010 , 0010 ) = concat ( "a  b" , $( v ) , x )   '), '(0010,0010)=concat("a  b",$(v),x)');
  });

  it('upper-cases hex digits of tags, also inside SEQ, and the SEQ/USER keywords, but not values', () => {
    assert.equal(formatRuleLine('(00e0,abcd)=concat(abc,"def")'), '(00E0,ABCD)=concat(abc,"def")');
    assert.equal(formatRuleLine('seq(0040,00ab,0,0040,000a)=user(fieldA)'), 'SEQ(0040,00AB,0,0040,000A)=USER(fieldA)');
  });

  it('keeps the case of function names and the text of quoted strings', () => {
    assert.equal(formatRuleLine('(0010,0010)=Concat( "x\\"  y" ,NULL( ))'), '(0010,0010)=Concat("x\\"  y",NULL())');
  });

  it('keeps comments (moved to column 0, trailing space trimmed) and empties blank lines', () => {
    assert.equal(formatRuleFile('   # note  keep  \n   \t \n(0010,0010)=x'), '# note  keep\n\n(0010,0010)=x');
  });

  it('leaves lines with syntax errors exactly as they are, trailing space included', () => {
    const text = '(0010,0010) = concat( "a"  \n( 0010,0020 ) = x  \n(0010,0030) = 1.2  ';
    assert.equal(formatRuleFile(text), '(0010,0010) = concat( "a"  \n(0010,0020)=x\n(0010,0030) = 1.2  ');
    assert.equal(formatRuleLine('(0010,0010)= x # c '), '(0010,0010)= x # c ');
  });

  it('leaves a rule split over lines as it is', () => {
    const text = '(0010,0010)=concat("a",\n "b" )\n';
    assert.equal(formatRuleFile(text), text);
  });

  it('keeps every line ending as written (CRLF, CR, LF) and a byte-order mark', () => {
    const text = '\uFEFF( 0010,0010 )=a\r\n(0010,0020)= b\r(0010,0030) =c\n';
    assert.equal(formatRuleFile(text), '\uFEFF(0010,0010)=a\r\n(0010,0020)=b\r(0010,0030)=c\n');
  });

  for (const [name, text] of fixtures()) {
    it(`${name}: formatting is idempotent and keeps the meaning`, () => {
      const once = formatRuleFile(text);
      assert.equal(formatRuleFile(once), once);
      assert.deepEqual(meaning(once), meaning(text));
    });
  }

  it('the realistic sample is already formatted', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'realistic.coerce'), 'utf8');
    assert.equal(formatRuleFile(text), text);
  });

  it('a spaced-out version of the realistic sample formats back to the sample', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'realistic.coerce'), 'utf8');
    // Space out every rule line between tokens, outside quoted strings.
    const spaced = text
      .split('\n')
      .map((line) => (line.startsWith('#') ? line : line.replace(/("(?:[^"\\]|\\.)*")|(\$\(|[(),=])/g, (m, q) => (q ? ` ${q} ` : ` ${m} `))))
      .join('\n');
    assert.notEqual(spaced, text);
    assert.equal(parseRuleFile(spaced).errors.length, 0);
    assert.equal(formatRuleFile(spaced), text);
  });
});
