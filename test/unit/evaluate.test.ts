import * as assert from 'node:assert/strict';
import { evaluateRules, IMPLEMENTATIONS, orderedRuleSets, type EvaluationResult } from '../../core/src/coercion/evaluate';
import { FUNCTIONS } from '../../core/src/coercion/functions';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { JsonDatasetAccess, type JsonDataset } from '../../core/src/dicom/jsonDataset';

const PN = (name: string) => ({ vr: 'PN', Value: [{ Alphabetic: name }] });
const S = (vr: string, ...values: string[]) => (values.length ? { vr, Value: values } : { vr });

/** Runs one rule file against a DICOM JSON data set; returns the result and the data set. */
function run(rules: string, ds: JsonDataset = {}, options = {}): { result: EvaluationResult; access: JsonDatasetAccess } {
  const access = new JsonDatasetAccess(ds);
  const result = evaluateRules([{ name: 'device', file: parseRuleFile(rules) }], access, options);
  return { result, access };
}
const top = (group: number, element: number) => ({ sequence: [], group, element });
/** The value a one-line rule computes, via a temporary variable. */
function value(expr: string, ds: JsonDataset = {}): string | null {
  const { result } = run(`$(v)=${expr}`, ds);
  assert.equal(result.errors, 0, JSON.stringify(result.trace));
  return result.variables.v;
}

describe('evaluator', () => {
  describe('catalogue', () => {
    it('has an implementation for every function of the catalogue (if is built in)', () => {
      for (const f of FUNCTIONS) {
        if (f.name === 'if') continue;
        assert.equal(typeof IMPLEMENTATIONS[f.name], 'function', `missing implementation of ${f.name}`);
      }
      assert.deepEqual(Object.keys(IMPLEMENTATIONS).filter((n) => !FUNCTIONS.some((f) => f.name === n)), []);
    });
    it('runs every catalogue example without error', () => {
      for (const f of FUNCTIONS.filter((x) => x.example)) {
        const example = f.example!.includes('=') ? f.example! : `$(v)=${f.example}`;
        const { result } = run(example, { '00100010': PN('A,B'), '00080050': S('SH', 'X'), '00080020': S('DA', '20240105') });
        assert.equal(result.errors, 0, `${f.name}: ${JSON.stringify(result.trace)}`);
      }
    });
  });

  describe('documented examples', () => {
    const example1 = '(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())';
    it('1: prefixes PFX to a present accession number', () => {
      const { access, result } = run(example1, { '00080050': S('SH', 'A123') });
      assert.equal(access.get(top(0x0008, 0x0050)), 'PFXA123');
      assert.deepEqual(result.changes.map((c) => [c.path, c.before, c.after, c.line]), [['(0008,0050)', 'A123', 'PFXA123', 0]]);
    });
    it('1: prefixes an empty accession number too ("" is not NULL)', () => {
      const { access } = run(example1, { '00080050': S('SH') });
      assert.equal(access.get(top(0x0008, 0x0050)), 'PFX');
    });
    it('1: never creates an absent accession number', () => {
      const { access, result } = run(example1, {});
      assert.equal(access.get(top(0x0008, 0x0050)), null);
      assert.equal(result.trace[0].outcome, 'unchanged');
      assert.equal(result.changes.length, 0);
    });
    const example2 = '(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2),if(split((0010,0010),",",3),"^",""),split((0010,0010),",",3))';
    it('2: LAST,FIRST becomes LAST^FIRST', () => {
      assert.equal(run(example2, { '00100010': PN('DOE,JOHN') }).access.get(top(0x10, 0x10)), 'DOE^JOHN');
    });
    it('2: LAST,FIRST,MI becomes LAST^FIRST^MI', () => {
      assert.equal(run(example2, { '00100010': PN('DOE,JOHN,Q') }).access.get(top(0x10, 0x10)), 'DOE^JOHN^Q');
    });
    const example3 = '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))';
    it('3: stops a For Processing mammogram', () => {
      const { result } = run(`${example3}\n(0010,0010)="X"`, { '00080016': S('UI', '1.2.840.10008.5.1.4.1.1.1.2.1'), '00100010': PN('A') });
      assert.equal(result.stopped, true);
      assert.deepEqual(result.stoppedBy, { ruleSet: 'device', line: 0 });
      assert.deepEqual(result.trace.map((t) => t.outcome), ['stopped']);
      assert.equal(result.changes.length, 0);
    });
    it('3: lets other objects through', () => {
      const { result } = run(example3, { '00080016': S('UI', '1.2.840.10008.5.1.4.1.1.2') });
      assert.equal(result.stopped, false);
      assert.equal(result.variables['@PROCESS'], 'true');
    });
  });

  describe('NULL, "" and truth', () => {
    it('an absent attribute is NULL, an empty one is ""', () => {
      assert.equal(value('(0010,0020)', {}), null);
      assert.equal(value('(0010,0020)', { '00100020': S('LO') }), '');
    });
    it('"" is true in if(), and(), not()', () => {
      assert.equal(value('if("","yes","no")'), 'yes');
      assert.equal(value('and("","")'), 'true');
      assert.equal(value('not("")'), null);
      assert.equal(value('not(NULL())'), 'true');
    });
    it('equals: NULL equals nothing, not even NULL', () => {
      assert.equal(value('equals(NULL(),NULL())'), null);
      assert.equal(value('equals("","")'), 'true');
    });
    it('or returns the first non-NULL value itself', () => {
      assert.equal(value('or(NULL(),"","x")'), '');
      assert.equal(value('or(NULL(),NULL())'), null);
    });
    it('concat counts NULL as ""', () => {
      assert.equal(value('concat(NULL(),"a",NULL())'), 'a');
    });
    it('assigning "" keeps the attribute with an empty value; NULL() deletes it', () => {
      const { access } = run('(0010,0020)=""\n(0010,0030)=NULL()', { '00100020': S('LO', 'ID'), '00100030': S('DA', '20000101') });
      assert.equal(access.get(top(0x10, 0x20)), '');
      assert.equal(access.get(top(0x10, 0x30)), null);
    });
  });

  describe('positions and fields', () => {
    it('indexof is 0-based, -1 when absent, NULL with a NULL argument', () => {
      assert.equal(value('indexof("ABC","A")'), '0');
      assert.equal(value('indexof("ABC","C")'), '2');
      assert.equal(value('indexof("ABC","Z")'), '-1');
      assert.equal(value('indexof(NULL(),"Z")'), null);
    });
    it('split is 1-based and NULL when the field does not exist', () => {
      assert.equal(value('split("A,B,C",",",1)'), 'A');
      assert.equal(value('split("A,B,C",",",3)'), 'C');
      assert.equal(value('split("A,B,C",",",4)'), null);
      assert.equal(value('split("A,B,C",",",0)'), null);
      assert.equal(value('split("A,,C",",",2)'), '');
    });
    it('the retired form (gggg,eeee),"d",n is split()', () => {
      const { access } = run('(0010,0020)=(0010,0010),"^",2', { '00100010': PN('DOE^JOHN'), '00100020': S('LO', 'x') });
      assert.equal(access.get(top(0x10, 0x20)), 'JOHN');
    });
    it('a multi-valued attribute is one string with backslashes', () => {
      assert.equal(value('(0008,0008)', { '00080008': S('CS', 'ORIGINAL', 'PRIMARY') }), 'ORIGINAL\\PRIMARY');
      const { access } = run('(0008,0008)=concat((0008,0008),"\\\\AXIAL")', { '00080008': S('CS', 'ORIGINAL', 'PRIMARY') });
      assert.deepEqual(access.root['00080008'].Value, ['ORIGINAL', 'PRIMARY', 'AXIAL']);
    });
  });

  describe('arithmetic and pseudonyms', () => {
    it('add, sub and between work on integers; anything else gives NULL', () => {
      assert.equal(value('add(1,2,"3")'), '6');
      assert.equal(value('add(1,"x")'), null);
      assert.equal(value('sub(5,7)'), '-2');
      assert.equal(value('between(5,5,6)'), 'true');
      assert.equal(value('between(6,5,6)'), null);
    });
    it('codenumber keeps the number of digits and is repeatable', () => {
      const a = value('codenumber("0012345")');
      assert.match(a!, /^\d{7}$/);
      assert.equal(value('codenumber("0012345")'), a);
      assert.notEqual(value('codenumber("0012346")'), a);
    });
    it('codenumber and codestring give the same pseudonyms as earlier builds (a site relies on them)', () => {
      // Values of the build before their hashing was rewritten for speed (key "pacsw" unless
      // given); an astral character hashes as one code point.
      assert.equal(value('codenumber("0012345")'), '9594747');
      assert.equal(value('codenumber("12\u{1F600}34\u00E95")'), '70\u{1F600}72\u00E95');
      assert.equal(value('codestring("DOE^JOHN","AEIOU0123456789")'), 'HVJ^HMXF');
      const { result } = run('$(v)=codenumber("PID42")', {}, { pseudonymKey: 'site-key' });
      assert.equal(result.variables.v, 'PID35');
    });
    it('codestring keeps the length and the PN structure, and avoids excluded characters', () => {
      const a = value('codestring("DOE^JOHN","AEIOU0123456789")')!;
      assert.equal(a.length, 8);
      assert.equal(a[3], '^');
      assert.doesNotMatch(a, /[AEIOU0-9]/);
    });
  });

  describe('extensions', () => {
    it('upper, lower, trim, length, substr, replace, formatdate', () => {
      assert.equal(value('upper("ab")'), 'AB');
      assert.equal(value('lower("AB")'), 'ab');
      assert.equal(value('trim("  a b  ")'), 'a b');
      assert.equal(value('length("abc")'), '3');
      assert.equal(value('substr("abcdef",2,3)'), 'cde');
      assert.equal(value('substr("abc",5)'), '');
      assert.equal(value('replace("a-b-c","-","^")'), 'a^b^c');
      assert.equal(value('formatdate("20240105","DD.MM.YYYY")'), '05.01.2024');
      assert.equal(value('formatdate("20240230","DD.MM.YYYY")'), null);
    });
  });

  describe('sequences', () => {
    const ds = (): JsonDataset => ({
      '00081140': { vr: 'SQ', Value: [{ '00081155': S('UI', '1.2.3') }, { '00081155': S('UI', '1.2.4') }] },
    });
    it('reads items 0-based', () => {
      assert.equal(value('SEQ(0008,1140,1,0008,1155)', ds()), '1.2.4');
      assert.equal(value('SEQ(0008,1140,2,0008,1155)', ds()), null);
    });
    it('writes inside an item', () => {
      const { access } = run('SEQ(0008,1140,0,0008,1150)="1.2.840.10008.5.1.4.1.1.2"', ds());
      assert.equal(access.get({ sequence: [{ group: 8, element: 0x1140, item: 0 }], group: 8, element: 0x1150 }), '1.2.840.10008.5.1.4.1.1.2');
    });
    it('skips the whole rule when the sequence or item is absent', () => {
      const { result, access } = run('SEQ(0008,1115,0,0008,1155)="1.2"\nSEQ(0008,1140,5,0008,1155)="1.2"', ds());
      assert.deepEqual(result.trace.map((t) => t.outcome), ['skipped', 'skipped']);
      assert.match(result.trace[0].reason!, /absent/);
      assert.equal(access.root['00081115'], undefined);
    });
  });

  describe('variables, USER fields and control', () => {
    it('a variable holds a value for later rules and is never written', () => {
      const { access, result } = run('$(tmp)=(0010,0010)\n(0010,0010)=(0010,0020)\n(0010,0020)=$(tmp)', { '00100010': PN('A'), '00100020': S('LO', 'B') });
      assert.equal(access.get(top(0x10, 0x10)), 'B');
      assert.equal(access.get(top(0x10, 0x20)), 'A');
      assert.equal(result.variables.tmp, 'A');
      assert.equal(Object.keys(access.root).length, 2);
    });
    it('an unset variable is NULL', () => {
      assert.equal(value('$(never)'), null);
    });
    it('USER fields come from the options and are not written to the object', () => {
      const { access, result } = run('(0010,0020)=USER(mrn)\nUSER(mrn)="Z"\n(0010,0021)=USER(mrn)', {}, { userFields: { mrn: 'M1' } });
      assert.equal(access.get(top(0x10, 0x20)), 'M1');
      assert.equal(access.get(top(0x10, 0x21)), 'Z');
      assert.equal(result.trace[1].outcome, 'assigned');
    });
    it('runs rule sets in order Preceding Global, device, Trailing Global, and a stop ends them all', () => {
      const set = (name: string, text: string) => ({ name, file: parseRuleFile(text) });
      const access = new JsonDatasetAccess({});
      const result = evaluateRules(orderedRuleSets({
        trailing: set('trailing', '(0010,0020)=concat((0010,0020),"T")\n$(@PROCESS)=NULL()'),
        preceding: set('preceding', '(0010,0020)="P"'),
        device: set('device', '(0010,0020)=concat((0010,0020),"D")'),
      }), access);
      assert.equal(access.get(top(0x10, 0x20)), 'PDT');
      assert.deepEqual(result.trace.map((t) => t.ruleSet), ['preceding', 'device', 'trailing', 'trailing']);
      assert.deepEqual(result.changes.map((c) => [c.ruleSet, c.after]), [['trailing', 'PDT']]);
      assert.equal(result.stoppedBy?.ruleSet, 'trailing');
      const stoppedEarly = evaluateRules([set('a', '$(@PROCESS)=NULL()'), set('b', '(0010,0020)="X"')], new JsonDatasetAccess({}));
      assert.deepEqual(stoppedEarly.trace.map((t) => t.ruleSet), ['a']);
    });
  });

  describe('what is not written', () => {
    it('skips a non-string target with the reason', () => {
      const { result, access } = run('(0028,0010)="5"', { '00280010': { vr: 'US', Value: [512] } });
      assert.equal(result.trace[0].outcome, 'skipped');
      assert.match(result.trace[0].reason!, /VR US; only string attributes/);
      assert.deepEqual(access.root['00280010'].Value, [512]);
    });
    it('skips a rule with a syntax error and runs the others', () => {
      const { result, access } = run('(0010,0020)=concat("a",\n(0010,0030)="20000101"');
      assert.deepEqual(result.trace.map((t) => t.outcome), ['error', 'assigned']);
      assert.match(result.trace[0].reason!, /syntax error/);
      assert.equal(access.get(top(0x10, 0x20)), null);
      assert.equal(result.errors, 1);
    });
    it('reports an unknown function as an error of that rule only', () => {
      const { result } = run('$(a)=nosuch(1)\n$(b)="x"');
      assert.deepEqual(result.trace.map((t) => t.outcome), ['error', 'assigned']);
      assert.match(result.trace[0].reason!, /unknown function nosuch/);
    });
    it('reports a wrong argument count as an error of that rule, for every object the rules run on', () => {
      // The call is resolved once per rule file and reused for the next object: the error must be too.
      const file = parseRuleFile('$(a)=split((0010,0010),"^")\n$(b)=upper("x")');
      for (const name of ['DOE^JOHN', 'ROE^JANE']) {
        const result = evaluateRules([{ name: 'device', file }], new JsonDatasetAccess({ '00100010': S('PN', name) }));
        assert.deepEqual(result.trace.map((t) => t.outcome), ['error', 'assigned']);
        assert.equal(result.trace[0].reason, 'split() takes 3 arguments, not 2');
        assert.equal(result.variables.b, 'X');
      }
    });
    it('does not evaluate the branch if() does not take', () => {
      assert.equal(value('if("",1,nosuch())'), '1');
    });
    it('reports only attributes whose final value differs, with the last rule that changed them', () => {
      const { result } = run('(0010,0020)="X"\n(0010,0020)="ID"\n(0010,0030)="1"\n(0010,0030)="2"', { '00100020': S('LO', 'ID') });
      assert.deepEqual(result.changes.map((c) => [c.path, c.before, c.after, c.line]), [['(0010,0030)', null, '2', 3]]);
    });
  });
});
