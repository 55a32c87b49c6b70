import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CallNode, Expression, LineNode, RuleNode, SyntaxErrorInfo } from '../../core/src/coercion/ast';
import { createIncrementalParser } from '../../core/src/coercion/incrementalParser';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { MAX_NESTING_DEPTH, parseRuleLine } from '../../core/src/coercion/lineParser';
import { validateRuleText } from '../../core/src/coercion/validate';
import { evaluateRules } from '../../core/src/coercion/evaluate';
import { JsonDatasetAccess } from '../../core/src/dicom/jsonDataset';
import { ruleLexer } from '../../core/src/coercion/lexer';
import { formatRuleFile } from '../../core/src/coercion/format';
import { callAt, childrenOf, nodeAt, variablesOf, walkExpression, type SyntaxNode } from '../../core/src/coercion/tree';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/coercion');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** Compact, exact rendering of a tree: kinds, values and character ranges `@start-end`. */
function show(e: Expression | RuleNode['target']): string {
  const at = `@${e.range.start.character}-${e.range.end.character}`;
  switch (e.kind) {
    case 'Tag':
      return `Tag(${e.group.toString(16)},${e.element.toString(16)})${e.incomplete ? '!' : ''}${at}`;
    case 'String':
      return `${e.quoted ? 'Q' : 'U'}${JSON.stringify(e.value)}${at}`;
    case 'Variable':
      return `Var(${e.name}${e.isControl ? ',control' : ''})${at}`;
    case 'User':
      return `User(${e.field})${at}`;
    case 'Missing':
      return `Missing${at}`;
    case 'Seq':
      return `Seq[${e.steps.map((s) => `${show(s.tag)}#${s.item?.value}`).join(' ')} ${show(e.leaf)}]${at}`;
    case 'RetiredSplit':
      return `Retired(${show(e.source)},${show(e.delimiter)},${show(e.index)})${at}`;
    case 'Call':
      return `${e.name}(${e.args.map(show).join(', ')}${e.closeParenRange ? ')' : ' <open>'}${at}`;
  }
}

function rule(line: LineNode): RuleNode {
  assert.equal(line.kind, 'Rule', `expected a rule, got ${line.kind}`);
  return line as RuleNode;
}

function parseOne(text: string): { rule: RuleNode; errors: SyntaxErrorInfo[] } {
  const { node, errors } = parseRuleLine(text, 0);
  return { rule: rule(node), errors };
}

const codes = (errors: SyntaxErrorInfo[]): string[] => errors.map((e) => e.code);

describe('coercion parser', () => {
  describe('documented examples', () => {
    const file = parseRuleFile(fixture('documented-examples.coerce'));

    it('parse without errors, one line node per physical line', () => {
      assert.deepEqual(file.errors, []);
      assert.deepEqual(file.lines.map((l) => l.kind), ['Rule', 'Rule', 'Rule', 'Blank']);
    });

    it('example 1 has the exact tree and ranges', () => {
      const r = rule(file.lines[0]);
      assert.equal(show(r.target), 'Tag(8,50)@0-11');
      assert.deepEqual(r.equalsRange, { start: { line: 0, character: 11 }, end: { line: 0, character: 12 } });
      assert.equal(
        show(r.value),
        'if(Tag(8,50)@15-26, concat(Q"PFX"@34-39, Tag(8,50)@40-51)@27-52, NULL()@53-59)@12-60',
      );
      const call = r.value as CallNode;
      assert.deepEqual(call.nameRange, { start: { line: 0, character: 12 }, end: { line: 0, character: 14 } });
      assert.equal(call.openParenRange?.start.character, 14);
      assert.equal(call.closeParenRange?.start.character, 59);
      assert.deepEqual(call.commaRanges.map((c) => c.start.character), [26, 52]);
      assert.deepEqual(r.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 60 } });
    });

    it('example 2 has the exact tree', () => {
      const r = rule(file.lines[1]);
      assert.equal(r.range.start.line, 1);
      assert.equal(show(r.target), 'Tag(10,10)@0-11');
      assert.equal(
        show(r.value),
        'concat(' +
          'split(Tag(10,10)@25-36, Q","@37-40, U"1"@41-42)@19-43, ' +
          'Q"^"@44-47, ' +
          'split(Tag(10,10)@54-65, Q","@66-69, U"2"@70-71)@48-72, ' +
          'if(split(Tag(10,10)@82-93, Q","@94-97, U"3"@98-99)@76-100, Q"^"@101-104, Q""@105-107)@73-108, ' +
          'split(Tag(10,10)@115-126, Q","@127-130, U"3"@131-132)@109-133' +
          ')@12-134',
      );
    });

    it('example 3 assigns the control variable $(@PROCESS)', () => {
      const r = rule(file.lines[2]);
      assert.equal(show(r.target), 'Var(@PROCESS,control)@0-11');
      assert.equal(
        show(r.value),
        'if(equals(Tag(8,16)@22-33, Q"1.2.840.10008.5.1.4.1.1.1.2.1"@34-65)@15-66, NULL()@67-73, Var(@PROCESS,control)@74-85)@12-86',
      );
    });
  });

  describe('lvalue forms', () => {
    it('tag, with hex in any case', () => {
      assert.equal(show(parseOne('(00e0,ABcd)=x').rule.target), 'Tag(e0,abcd)@0-11');
    });

    it('SEQ with one and with two levels', () => {
      const one = parseOne('SEQ(0040,0275,0,0040,0009)=x');
      assert.deepEqual(one.errors, []);
      assert.equal(show(one.rule.target), 'Seq[Tag(40,275)@4-13#0 Tag(40,9)@16-25]@0-26');
      const two = parseOne('SEQ(0040,0275,1,0040,0008,2,0008,0100)=x');
      assert.deepEqual(two.errors, []);
      assert.equal(show(two.rule.target), 'Seq[Tag(40,275)@4-13#1 Tag(40,8)@16-25#2 Tag(8,100)@28-37]@0-38');
      const seq = two.rule.target;
      assert.ok(seq.kind === 'Seq');
      assert.deepEqual(seq.keywordRange, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
      assert.equal(seq.steps[0].tag.text, '0040,0275');
    });

    it('USER field (letters, digits and _), $(name) and control variables', () => {
      assert.equal(show(parseOne('USER(Site_Code1)=x').rule.target), 'User(Site_Code1)@0-16');
      assert.equal(show(parseOne('$(tmp.a-1)=x').rule.target), 'Var(tmp.a-1)@0-10');
      assert.equal(show(parseOne('$(@STUDYLEVELCOMMANDS)=x').rule.target), 'Var(@STUDYLEVELCOMMANDS,control)@0-22');
    });

    it('SEQ and USER are recognised in any letter case', () => {
      assert.equal(parseOne('seq(0040,0275,0,0040,0009)=x').rule.target.kind, 'Seq');
      assert.equal(parseOne('(0010,0010)=user(F)').rule.value.kind, 'User');
    });

    it('an unquoted word as target is kept without a syntax error (validation suggests the tag)', () => {
      const { rule: r, errors } = parseOne('PatientName=x');
      assert.deepEqual(errors, []);
      assert.equal(show(r.target), 'U"PatientName"@0-11');
    });

    it('a call or quoted string as target is an error and leaves a Missing target', () => {
      const { rule: r, errors } = parseOne('concat(a)=x');
      assert.equal(show(r.target), 'Missing@0-0');
      assert.deepEqual(codes(errors), ['syntax']);
      assert.match(errors[0].message, /before '='/);
    });
  });

  describe('value forms', () => {
    it('quoted strings resolve \\n, \\\\ and \\" and keep unknown escapes as written', () => {
      const { rule: r, errors } = parseOne('(0010,0010)="a\\nb\\\\c\\"d\\te"');
      assert.deepEqual(errors, []);
      assert.ok(r.value.kind === 'String' && r.value.quoted);
      assert.equal(r.value.value, 'a\nb\\c"d\\te');
      assert.equal(r.value.text, '"a\\nb\\\\c\\"d\\te"');
    });

    it('a quoted string may hold #, =, parentheses and commas', () => {
      const { rule: r, errors } = parseOne('(0010,0010)="#=(,)"');
      assert.deepEqual(errors, []);
      assert.equal(show(r.value), 'Q"#=(,)"@12-19');
    });

    it('unquoted words are runs of letters and digits; 1.2.840 must be quoted', () => {
      assert.equal(show(parseOne('(0010,0010)=ABC123').rule.value), 'U"ABC123"@12-18');
      assert.equal(show(parseOne('(0010,0010)=0040').rule.value), 'U"0040"@12-16');
      const bad = parseOne('(0010,0010)=1.2.840');
      assert.deepEqual(codes(bad.errors), ['syntax']);
      assert.match(bad.errors[0].message, /'1\.2\.840' must be quoted/);
      assert.deepEqual(bad.errors[0].range, { start: { line: 0, character: 12 }, end: { line: 0, character: 19 } });
    });

    it('USER, $(name), SEQ and tags as values; nested calls keep case of names', () => {
      const { rule: r, errors } = parseOne('$(x)=Concat(USER(F),$(y),SEQ(0040,0275,0,0040,0009),Upper((0010,0010)))');
      assert.deepEqual(errors, []);
      assert.equal(
        show(r.value),
        'Concat(User(F)@12-19, Var(y)@20-24, Seq[Tag(40,275)@29-38#0 Tag(40,9)@41-50]@25-51, Upper(Tag(10,10)@58-69)@52-70)@5-71',
      );
    });

    it('the retired split form is accepted as the whole value', () => {
      const { rule: r, errors } = parseOne('(0010,1001)=(0010,0010),"^",2');
      assert.deepEqual(errors, []);
      assert.equal(show(r.value), 'Retired(Tag(10,10)@12-23,Q"^"@24-27,U"2"@28-29)@12-29');
    });

    it('white space between tokens is tolerated, also inside tags and $( )', () => {
      const { rule: r, errors } = parseOne('  ( 0010 , 0010 ) = concat ( "a b" , $( v ) )  ');
      assert.deepEqual(errors, []);
      assert.equal(show(r.target), 'Tag(10,10)@2-17');
      assert.equal(show(r.value), 'concat(Q"a b"@29-34, Var(v)@37-43)@20-45');
    });
  });

  describe('lexer', () => {
    it('lexes every UTF-16 code unit without a lexing error (catch-all tokens and their start characters)', () => {
      const units: string[] = [];
      for (let code = 0; code < 0x10000; code++) {
        const ch = String.fromCharCode(code);
        // Line breaks never reach the lexer; a quote would open a string that runs to the end.
        if (!/[\n\r"]/.test(ch)) units.push(ch);
      }
      const result = ruleLexer().tokenize(units.join(' '));
      assert.deepEqual(result.errors, []);
      assert.equal(result.tokens.map((t) => t.image).join(''), units.join('').replace(/[ \t\uFEFF]/g, ''));
    });
  });

  describe('lines', () => {
    it('comments only at line start (after optional spaces), blank lines, CRLF and CR', () => {
      const file = parseRuleFile('# c1\r\n  # c2\r\n\r\n(0010,0010)=x\r(0010,0020)=y\n   ');
      assert.deepEqual(file.errors, []);
      assert.deepEqual(file.lines.map((l) => l.kind), ['Comment', 'Comment', 'Blank', 'Rule', 'Rule', 'Blank']);
      const c2 = file.lines[1];
      assert.ok(c2.kind === 'Comment');
      assert.equal(c2.text, '# c2');
      assert.deepEqual(c2.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
      assert.equal(file.lines[4].range.start.line, 4);
    });

    it('a # after a rule is an error', () => {
      const { errors } = parseOne('(0010,0010)=x # note');
      assert.deepEqual(codes(errors), ['syntax']);
      assert.match(errors[0].message, /'#' starts a comment only at the beginning of a line/);
    });

    it('the realistic sample parses without errors', () => {
      const file = parseRuleFile(fixture('realistic.coerce'));
      assert.deepEqual(file.errors, []);
      assert.equal(file.lines.filter((l) => l.kind === 'Rule').length, 22);
    });
  });

  describe('errors', () => {
    it('missing ) at end of line: missing-paren with a quick-fix insertion', () => {
      const { errors } = parseOne('(0010,0010)=concat("a",upper("b"');
      assert.deepEqual(codes(errors), ['missing-paren']);
      assert.equal(errors[0].message, "Expected ')' to close the call to upper, found end of line (2 closing parentheses are missing)");
      assert.deepEqual(errors[0].data, { insert: '))', at: { line: 0, character: 32 } });
    });

    it('the message says what was expected and what was found', () => {
      assert.equal(parseOne('(0010,0010)=concat(a b)').errors[0].message, "Expected ',' or ')' in the call to concat, found 'b'");
      assert.equal(parseOne('(0010,0010)=').errors[0].message, "Expected a value after '=', found end of line");
      assert.equal(parseOne('(0010,0010)"x"').errors[0].message, "Expected '=' after '(0010,0010)', found '\"x\"'");
    });

    it('a stray character where a comma belongs is one error on that character', () => {
      const { rule: r, errors } = parseOne('(0010,0010)=concat("A";"B")');
      assert.deepEqual(errors.map((e) => [e.code, e.range.start.character, e.range.end.character, e.message]), [
        ['syntax', 22, 23, "Expected ',' or ')' in the call to concat, found ';'"],
      ]);
      assert.equal(show(r.value), 'concat(Q"A"@19-22, Q"B"@23-26)@12-27');
    });

    it('missing-equals, unterminated-string', () => {
      assert.deepEqual(codes(parseOne('(0010,0010)').errors), ['missing-equals']);
      const s = parseOne('(0010,0010)="abc');
      assert.deepEqual(codes(s.errors), ['unterminated-string']);
      assert.ok(s.rule.value.kind === 'String');
      assert.equal(s.rule.value.value, 'abc');
    });

    it('a line that is only garbage is Invalid', () => {
      const { node, errors } = parseRuleLine('"x" "y"', 3);
      assert.equal(node.kind, 'Invalid');
      assert.equal(errors[0].range.start.line, 3);
    });

    it('a rule split over lines: split-rule says which line to join to', () => {
      const file = parseRuleFile('(0010,0010)=concat("a",\n"b")\n(0008,0050)=x');
      assert.deepEqual(file.errors.map((e) => [e.range.start.line, e.code]), [[0, 'missing-paren'], [1, 'split-rule']]);
      assert.equal(file.errors[1].message, 'A rule must be on one line; join this line to line 1');
      assert.deepEqual(file.errors[1].data, { joinTo: 0 });
      assert.equal(file.lines[1].kind, 'Invalid');
      assert.equal(file.lines[2].kind, 'Rule');
    });

    it('a repeated line gets its own nodes, ranges and error data on each line', () => {
      const line = '(0010,0010)=concat(SEQ(0040,0275,0,0040,',
        text = `${line}\n\n${line}`;
      const file = parseRuleFile(text);
      assert.notEqual(file.lines[2], file.lines[0]);
      assert.equal(file.lines[2].range.start.line, 2);
      assert.deepEqual(file.lines[2], parseRuleLine(line, 2).node);
      assert.deepEqual(file.errors.map((e) => [e.code, e.range.start.line, (e.data as { at: { line: number } }).at.line]), [
        ['missing-paren', 0, 0],
        ['missing-paren', 2, 2],
      ]);
    });

    it('one bad line never hides the errors of another (errors on lines 2 and 5)', () => {
      const file = parseRuleFile('(0010,0010)=x\n(0010,0010)=concat(\n(0010,0020)=y\n# c\n(0010,0030)=1.2\n');
      assert.deepEqual(file.errors.map((e) => e.range.start.line + 1), [2, 5]);
      assert.deepEqual(file.lines.map((l) => l.kind), ['Rule', 'Rule', 'Rule', 'Comment', 'Rule', 'Blank']);
      assert.equal(show(rule(file.lines[2]).value), 'U"y"@12-13');
    });
  });

  describe('broken corpus', () => {
    const dir = path.join(FIXTURES, 'broken');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.coerce'));

    it('has files', () => assert.ok(files.length >= 10));

    for (const name of files) {
      it(`${name}: the expected errors and clean lines`, () => {
        const expected = JSON.parse(fs.readFileSync(path.join(dir, name.replace(/\.coerce$/, '.expected.json')), 'utf8')) as {
          errors: Array<{ line: number; code: string }>;
          cleanLines: number[];
        };
        const file = parseRuleFile(fs.readFileSync(path.join(dir, name), 'utf8'));
        const key = (e: { line: number; code: string }): string => `${e.line}:${e.code}`;
        assert.deepEqual(
          file.errors.map((e) => key({ line: e.range.start.line + 1, code: e.code })).sort(),
          expected.errors.map(key).sort(),
        );
        for (const e of file.errors) assert.ok(e.message.length > 10, `message of ${key({ line: e.range.start.line + 1, code: e.code })}`);
        for (const n of expected.cleanLines) {
          assert.ok(['Rule', 'Comment', 'Blank'].includes(file.lines[n - 1].kind), `line ${n} is ${file.lines[n - 1].kind}`);
          assert.ok(!file.errors.some((e) => e.range.start.line === n - 1), `line ${n} has no error`);
        }
      });
    }
  });

  describe('half-typed rules give partial trees', () => {
    it('(0010,0010)=conc: the word being typed is the value', () => {
      const { rule: r } = parseOne('(0010,0010)=conc');
      assert.equal(show(r.value), 'U"conc"@12-16');
    });

    it('(0010,0010)=concat(: a call without ) and a Missing argument at the cursor', () => {
      const { rule: r, errors } = parseOne('(0010,0010)=concat(');
      assert.equal(show(r.value), 'concat(Missing@19-19 <open>@12-19');
      assert.equal((r.value as CallNode).closeParenRange, undefined);
      assert.deepEqual(codes(errors), ['missing-paren']);
    });

    it('(0010,0010)=concat((0010,: an incomplete tag inside the open call', () => {
      const { rule: r } = parseOne('(0010,0010)=concat((0010,');
      assert.equal(show(r.value), 'concat(Tag(10,-1)!@19-25 <open>@12-25');
    });

    it('(0010,: an incomplete tag as target, Missing value', () => {
      const { node } = parseRuleLine('(0010,', 0);
      const r = rule(node);
      assert.equal(show(r.target), 'Tag(10,-1)!@0-6');
      assert.equal(show(r.value), 'Missing@6-6');
      assert.equal(r.value.recovered, true);
    });

    it('a comma at the end leaves a Missing argument after it', () => {
      const { rule: r } = parseOne('(0010,0010)=concat("a", ');
      assert.equal(show(r.value), 'concat(Q"a"@19-22, Missing@24-24 <open>@12-24');
    });

    it('$(na: a variable being named', () => {
      const { node } = parseRuleLine('$(na', 0);
      assert.equal(show(rule(node).target), 'Var(na)@0-4');
    });
  });

  describe('incremental parser', () => {
    it('gives the same tree as a full parse and reuses unchanged lines', () => {
      const p = createIncrementalParser();
      const v1 = '(0010,0010)=x\n(0010,0020)=concat(a,b)\n(0008,0050)=y';
      const t1 = p.parse(v1);
      const v2 = '(0010,0010)=x\n(0010,0020)=concat(a,b,c)\n(0008,0050)=y';
      const t2 = p.parse(v2);
      assert.deepEqual(t2, parseRuleFile(v2));
      assert.equal(t2.lines[0], t1.lines[0]);
      assert.notEqual(t2.lines[1], t1.lines[1]);
      const v3 = '\n' + v2; // every line moves down
      const t3 = p.parse(v3);
      assert.deepEqual(t3, parseRuleFile(v3));
      assert.equal(t3.lines[1].range.start.line, 1);
      assert.equal(t1.lines[0].range.start.line, 0, 'earlier trees are not changed');
    });

    it('moves errors and their quick-fix data with a moved line', () => {
      const p = createIncrementalParser();
      const v1 = '(0010,0010)=concat(a,SEQ(0040,0275,0,0040,0009)\n(0010,0020)=1.2\n(0010,0030)="x';
      p.parse(v1);
      const v2 = '# new first line\n\n' + v1;
      const t2 = p.parse(v2);
      assert.deepEqual(t2, parseRuleFile(v2));
      assert.deepEqual(t2.errors.map((e) => [e.code, e.range.start.line]), [['missing-paren', 2], ['syntax', 3], ['unterminated-string', 4]]);
      assert.equal((t2.errors[0].data as { at: { line: number } }).at.line, 2);
    });

    it('recomputes split-rule errors across reused lines', () => {
      const p = createIncrementalParser();
      p.parse('(0010,0010)=concat(a,\n"b")');
      const t = p.parse('(0010,0010)=concat(a,"b")\n"b")');
      assert.deepEqual(t, parseRuleFile('(0010,0010)=concat(a,"b")\n"b")'));
      assert.deepEqual(codes(t.errors), ['syntax']);
    });
  });
});

describe('coercion tree utilities', () => {
  const text = '(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())\n$(t)=$(u)\n(0010,0010)=$(t)';
  const file = parseRuleFile(text);

  it('nodeAt finds the innermost node and its ancestors', () => {
    const path1 = nodeAt(file, { line: 0, character: 36 });
    assert.ok(path1);
    assert.equal(show(path1.node as Expression), 'Q"PFX"@34-39');
    assert.deepEqual(path1.ancestors.map((a) => (a.kind === 'Call' ? a.name : a.kind)), ['Rule', 'if', 'concat']);
    const onName = nodeAt(file, { line: 0, character: 30 });
    assert.ok(onName && onName.node.kind === 'Call' && onName.node.name === 'concat');
    assert.equal(nodeAt(file, { line: 9, character: 0 }), undefined);
  });

  it('nodeAt reaches the tags and item numbers inside SEQ', () => {
    const f = parseRuleFile('SEQ(0040,0275,3,0040,0009)=x');
    assert.equal(nodeAt(f, { line: 0, character: 6 })?.node.kind, 'Tag');
    const item = nodeAt(f, { line: 0, character: 15 })?.node;
    assert.ok(item && item.kind === 'ItemIndex' && item.value === 3);
  });

  it('callAt gives the innermost call around the cursor and the active argument', () => {
    const inConcat = callAt(file, { line: 0, character: 40 });
    assert.equal(inConcat?.call.name, 'concat');
    assert.equal(inConcat?.activeArgument, 1);
    const inIf = callAt(file, { line: 0, character: 53 });
    assert.equal(inIf?.call.name, 'if');
    assert.equal(inIf?.activeArgument, 2);
    assert.equal(callAt(file, { line: 0, character: 13 }), undefined, 'on the name, not inside the parentheses');
    const typed = parseRuleFile('(0010,0010)=concat("a", ');
    assert.deepEqual(
      (({ call, activeArgument }) => [call.name, activeArgument])(callAt(typed, { line: 0, character: 24 })!),
      ['concat', 1],
    );
  });

  it('variablesOf lists assignments and reads', () => {
    const v = variablesOf(file);
    assert.deepEqual(v.assignments.map((o) => [o.name, o.range.start.line]), [['t', 1]]);
    assert.deepEqual(v.reads.map((o) => [o.name, o.range.start.line, o.node.nameRange.start.character]), [['u', 1, 7], ['t', 2, 14]]);
  });

  it('walkExpression visits parents before children and can skip children', () => {
    const value = rule(file.lines[0]).value;
    const seen: string[] = [];
    walkExpression(value, (n) => {
      seen.push(n.kind === 'Call' ? n.name : n.kind);
      return !(n.kind === 'Call' && n.name === 'concat');
    });
    assert.deepEqual(seen, ['if', 'Tag', 'concat', 'NULL']);
  });
});

describe('coercion parser robustness', function () {
  this.timeout(30_000); // 3,000 inputs parsed whole and line by line: seconds on a loaded 2-core machine
  // Deterministic pseudo-random inputs built from the language's pieces and some garbage.
  const FRAGMENTS = ['(', ')', ',', '=', '"', '\\', '#', '$(', '$', '@', 'SEQ', 'USER', 'seq', 'concat', '0010', 'ab', '1.2', ' ',
    '\t', '"x"', '(0010,0010)', '\u00e9', '\n', '\r\n', '\r', '_', '0', 'if(', 'NULL()', '\uFEFF', '\u{1F600}', '-'];
  let seed = 20261127;
  const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const inputs = Array.from({ length: 3000 }, () => {
    let s = '';
    for (let i = 1 + Math.floor(random() * 25); i > 0; i--) s += FRAGMENTS[Math.floor(random() * FRAGMENTS.length)];
    return s;
  });

  function checkNesting(node: SyntaxNode, parent: SyntaxNode | undefined, line: number, length: number, input: string): void {
    const r = node.range;
    const where = `${JSON.stringify(input)}: ${node.kind} ${JSON.stringify(r)}`;
    assert.ok(r.start.line === line && r.end.line === line, where);
    assert.ok(r.start.character <= r.end.character && r.end.character <= length, where);
    if (parent) assert.ok(r.start.character >= parent.range.start.character && r.end.character <= parent.range.end.character, `${where} outside ${parent.kind}`);
    for (const child of childrenOf(node)) checkNesting(child, node, line, length, input);
  }

  it('never throws; one node per line; ranges inside their line and inside their parent', () => {
    for (const input of inputs) {
      const file = parseRuleFile(input);
      const lines = input.split(/\r\n|\r|\n/);
      assert.equal(file.lines.length, lines.length);
      file.lines.forEach((l, i) => checkNesting(l, undefined, i, lines[i].length, input));
      for (const e of file.errors) {
        assert.ok(e.range.end.character <= lines[e.range.start.line].length, JSON.stringify(input));
        assert.doesNotMatch(e.message, /Could not parse/, 'the grammar accepts every token sequence');
      }
    }
  });

  it('a repeated line (copied, not re-parsed) equals a fresh parse of that line', () => {
    for (const input of inputs) {
      const twice = `${input}\n${input}`;
      const file = parseRuleFile(twice);
      const lines = twice.split(/\r\n|\r|\n/);
      lines.forEach((text, i) => {
        const alone = parseRuleLine(text, i);
        if (file.lines[i].kind === 'Invalid' && file.errors.some((e) => e.code === 'split-rule' && e.range.start.line === i)) return;
        assert.deepEqual(file.lines[i], alone.node, JSON.stringify(text));
        assert.deepEqual(file.errors.filter((e) => e.range.start.line === i), alone.errors, JSON.stringify(text));
      });
    }
  });

  it('formatting never throws and is idempotent', () => {
    for (const input of inputs) {
      const once = formatRuleFile(input);
      assert.equal(formatRuleFile(once), once, JSON.stringify(input));
    }
  });

  describe('nesting limit (issue 10, item 5)', () => {
    /** `$(v)=upper(upper(...("a")...))`, `depth` calls deep. */
    const nested = (depth: number): string => `$(v)=${'upper('.repeat(depth)}"a"${')'.repeat(depth)}`;

    it(`parses, validates, evaluates and formats a line nested exactly to the limit (${MAX_NESTING_DEPTH})`, () => {
      const line = nested(MAX_NESTING_DEPTH);
      const file = parseRuleFile(line);
      assert.deepEqual(file.errors, []);
      assert.equal(file.lines[0].kind, 'Rule');
      assert.deepEqual(validateRuleText(line, { dialect: 'extended' }).filter((d) => d.severity === 'error'), []);
      const result = evaluateRules([{ name: 'device', file }], new JsonDatasetAccess({}));
      assert.equal(result.variables.v, 'A');
      assert.equal(formatRuleFile(line), line);
    });

    for (const depth of [MAX_NESTING_DEPTH + 1, 500, 5000]) {
      it(`reports nesting-too-deep, not a stack overflow, for ${depth} levels`, () => {
        const line = nested(depth);
        const { node, errors } = parseRuleLine(line, 3);
        assert.equal(node.kind, 'Invalid');
        assert.equal(errors.length, 1, JSON.stringify(errors.map((e) => e.message)));
        const [e] = errors;
        assert.equal(e.code, 'nesting-too-deep');
        assert.match(e.message, new RegExp(`more than ${MAX_NESTING_DEPTH} deep .*the limit`));
        assert.doesNotMatch(e.message, /stack/i);
        // The range starts at the `(` that goes one level past the limit.
        const at = '$(v)='.length + 'upper('.length * MAX_NESTING_DEPTH + 'upper'.length;
        assert.deepEqual(e.range, { start: { line: 3, character: at }, end: { line: 3, character: line.length } });
        // The validator and formatter see an invalid line, not a crash.
        assert.deepEqual(validateRuleText(line).map((d) => d.code), ['nesting-too-deep']);
        assert.equal(formatRuleFile(line), line);
      });
    }

    it('counts open levels, not parentheses: many shallow calls on one line are fine', () => {
      const line = `$(v)=concat(${Array.from({ length: 300 }, () => 'upper("a")').join(',')})`;
      assert.deepEqual(parseRuleFile(line).errors, []);
    });
  });
});
