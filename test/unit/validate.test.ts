import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CoreDiagnostic } from '../../core/src/diagnostics';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { nearestFunctionNames, validateRuleFile, validateRuleText } from '../../core/src/coercion/validate';
import { editDistance } from '../../core/src/text/editDistance';
import { expectDiagnostics } from './annotated';
import { getDictionary } from '../../core/src/dictionary';

const DOCUMENTED_EXAMPLES = [
  '(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())',
  '(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2),if(split((0010,0010),",",3),"^",""),split((0010,0010),",",3))',
  '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))',
];

/** The only diagnostic with `code`, after checking there is exactly one. */
function only(diags: CoreDiagnostic[], code: string): CoreDiagnostic {
  const found = diags.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(diags, null, 1)}`);
  return found[0];
}

function codes(diags: CoreDiagnostic[]): string[] {
  return diags.map((d) => d.code);
}

describe('validateRuleFile', () => {
  describe('documented examples', () => {
    for (const rule of DOCUMENTED_EXAMPLES) {
      it(`validates clean: ${rule.slice(0, 40)}…`, () => {
        assert.deepEqual(validateRuleText(rule, { dialect: 'strict' }), []);
        assert.deepEqual(validateRuleText(rule, { dialect: 'extended' }), []);
      });
    }
    it('validates clean all together, with comments and blank lines', () => {
      const text = ['# eRAD help examples', '', ...DOCUMENTED_EXAMPLES, '   ', '# end'].join('\n');
      assert.deepEqual(validateRuleText(text), []);
    });
  });

  it('passes the parser errors through as errors with their codes', () => {
    const text = '(0010,0010)=concat("A";"B")\n(0008,0050)="X"';
    const file = parseRuleFile(text);
    assert.ok(file.errors.length > 0, 'the parser should refuse ";"');
    const diags = validateRuleFile(file);
    for (const e of file.errors) {
      assert.ok(diags.some((d) => d.code === e.code && d.severity === 'error' && d.message === e.message
        && JSON.stringify(d.range) === JSON.stringify(e.range)), `missing ${e.code}`);
    }
  });

  it('sorts diagnostics by position', () => {
    const text = '(0010,0010)=uper($(a))\nFoo="X"\n(0009,1001)=conact("A",(0010,9999))';
    const diags = validateRuleText(text);
    assert.ok(diags.length >= 5);
    for (let i = 1; i < diags.length; i++) {
      const a = diags[i - 1].range.start;
      const b = diags[i].range.start;
      assert.ok(a.line < b.line || (a.line === b.line && a.character <= b.character), JSON.stringify(diags));
    }
  });

  describe('codes', () => {
    const strict = (text: string) => validateRuleText(text, { dialect: 'strict' });
    const extended = (text: string) => validateRuleText(text, { dialect: 'extended' });
    const onlyCode = (code: string) => (d: CoreDiagnostic) => d.code === code;

    it('unknown-function: error on the name, with nearest names', () => {
      const source = `
        (0010,0010)=uper((0010,0010))
        //          ^^^^ unknown-function
      `;
      const [d] = expectDiagnostics(source, extended);
      assert.deepEqual((d.data as { suggestions: string[] }).suggestions, ['upper']);
      assert.match(d.message, /upper\(\)/);
      // Strict: upper() is an extension, so it is named but not proposed as the fix.
      const [inStrict] = expectDiagnostics(source, strict);
      assert.deepEqual((inStrict.data as { suggestions: string[] }).suggestions, []);
    });

    it('unknown-function: no suggestion when nothing is close', () => {
      const d = only(validateRuleText('(0010,0010)=frobnicate("A")'), 'unknown-function');
      assert.deepEqual((d.data as { suggestions: string[] }).suggestions, []);
    });

    it('function names are case-insensitive', () => {
      assert.deepEqual(validateRuleText('(0008,0050)=IF((0008,0050),CONCAT("PFX",(0008,0050)),Null())'), []);
    });

    it('arity: too few arguments blames the call', () => {
      const [d] = expectDiagnostics(`
        (0010,0010)=split((0010,0010),",")
        //          ^^^^^^^^^^^^^^^^^^^^^^ arity
      `, strict);
      assert.match(d.message, /split\(\) takes 3 arguments, not 2/);
    });

    it('arity: too many arguments blames the extra ones', () => {
      expectDiagnostics(`
        (0008,0050)=if((0008,0050),"A","B","C","D")
        //                                 ^^^^^^^ arity
      `, strict);
    });

    it('arity: variadic functions need at least two', () => {
      const d = only(validateRuleText('(0008,0050)=concat("A")'), 'arity');
      assert.match(d.message, /at least 2/);
    });

    it('extension-function: error in strict, information in extended', () => {
      const [inStrict] = expectDiagnostics(`
        (0010,0010)=upper((0010,0010))
        //          ^^^^^ extension-function
      `, strict);
      // The core does not name a front end's setting or option (the LSP and the CLI add theirs).
      assert.match(inStrict.message, /upper\(\) is a PACS Workbench extension; eRAD PACS may reject it\. Allow extensions with the extended dialect/);
      assert.doesNotMatch(inStrict.message, /pacsWorkbench\.|--dialect/);
      const [inExtended] = expectDiagnostics(`
        (0010,0010)=upper((0010,0010))
        //          ^^^^^ extension-function (information)
      `, extended);
      assert.match(inExtended.message, /not portable to eRAD/);
    });

    it('strict is the default dialect', () => {
      assert.equal(only(validateRuleText('(0010,0010)=lower((0010,0010))'), 'extension-function').severity, 'error');
    });

    it('not-alphanumeric: Pixel Data and Rows as targets, not as values', () => {
      expectDiagnostics(`
        (7FE0,0010)=NULL()
        ^^^^^^^^^^^ not-alphanumeric
        (0028,0010)="512"
        ^^^^^^^^^^^ not-alphanumeric
        (0008,0050)=(0028,0010)
      `, strict);
    });

    it('not-alphanumeric: the leaf of a SEQ target', () => {
      expectDiagnostics(`
        SEQ(0040,0275,0,0028,0010)="1"
        //              ^^^^^^^^^ not-alphanumeric
      `, strict);
    });

    it('unknown-tag: warning on the tag, target or value', () => {
      expectDiagnostics(`
        (0010,9999)="X"
        ^^^^^^^^^^^ unknown-tag (warning)
        (0008,0050)=(0010,9998)
        //          ^^^^^^^^^^^ unknown-tag (warning)
      `, strict);
    });

    it('private-tag: information, nothing else checked', () => {
      expectDiagnostics(String.raw`
        (0009,1001)="anything at all, even \\ this"
        ^^^^^^^^^^^ private-tag (information)
      `, strict);
    });

    it('retired-tag: warning tagged deprecated', () => {
      const [d] = expectDiagnostics(`
        (0008,0010)="X"
        ^^^^^^^^^^^ retired-tag (warning)
      `, strict);
      assert.deepEqual(d.tags, ['deprecated']);
      assert.match(d.message, /Recognition Code/);
    });

    it('not-enumerated: a value outside the Enumerated Values of PS3.3, with the allowed ones', () => {
      const [d] = expectDiagnostics(`
        (0010,0040)="X"
        //          ^^^ not-enumerated (warning)
      `, strict);
      assert.equal(d.message, '"X" is not one of the values (0010,0040) Patient\'s Sex allows: M, F, O (PS3.3 Patient Module: M male, F female, O other).');
      assert.deepEqual(d.data, { values: ['M', 'F', 'O'] });
    });

    it('not-enumerated: each literal branch of if(), never an allowed or empty value', () => {
      expectDiagnostics(`
        (0010,0040)=if((0010,0010),"M","Q")
        //                             ^^^ not-enumerated (warning)
        (0010,0040)="F"
        (0010,0040)=""
        (0028,2110)="02"
        //          ^^^^ not-enumerated (warning)
        (0020,0060)=concat("R","L")
        //          ^^^^^^^^^^^^^^^ not-enumerated (warning)
      `, strict, onlyCode('not-enumerated'));
      // A value the VR already rejects gets that error alone.
      assert.deepEqual(codes(validateRuleText('(0010,0040)="m"')), ['invalid-value']);
    });

    it('invalid-value: a literal in the wrong format', () => {
      const [d] = expectDiagnostics(`
        (0008,0020)="2024-01-05"
        //          ^^^^^^^^^^^^ invalid-value
      `, strict);
      assert.match(d.message, /YYYYMMDD/);
    });

    it('invalid-value: a concat of literals, blamed on the concat', () => {
      expectDiagnostics(`
        (0008,0020)=concat("2024","-01-05")
        //          ^^^^^^^^^^^^^^^^^^^^^^^ invalid-value
      `, strict);
    });

    it('invalid-value: the literal branch of if()', () => {
      const [d] = expectDiagnostics(`
        (0008,0060)=if((0008,0060),"ct","MR")
        //                         ^^^^ invalid-value
      `, strict);
      assert.match(d.message, /upper-case/);
    });

    it('invalid-value: too many values for the VM', () => {
      const text = '(0010,0010)="DOE^JOHN\\\\ROE^JANE"';
      const d = only(validateRuleText(text), 'invalid-value');
      assert.match(d.message, /VM 1/);
    });

    it('invalid-value: not for values that depend on the object, NULL() or the empty string', () => {
      assert.deepEqual(validateRuleText('(0008,0020)=concat((0008,0020),"-")\n(0008,0020)=NULL()\n(0008,0020)=""'), []);
    });

    it('keyword-for-tag: a keyword as target is an error with the tag in data', () => {
      const [d] = expectDiagnostics(`
        PatientName="DOE^JOHN"
        ^^^^^^^^^^^ keyword-for-tag
      `, strict);
      assert.deepEqual(d.data, { keyword: 'PatientName', tag: '(0010,0010)' });
    });

    it('keyword-for-tag: a keyword as value is a warning', () => {
      const [d] = expectDiagnostics(`
        (0010,0020)=concat(PatientID,"X")
        //                 ^^^^^^^^^ keyword-for-tag (warning)
      `, strict);
      assert.equal(d.message, "PatientID here is the literal string 'PatientID'; did you mean (0010,0020) (Patient ID)?");
    });

    it('keyword-for-tag: not for command or item keywords, which mean the word', () => {
      assert.deepEqual(validateRuleText('(0008,0050)=concat(Item,Print)'), []);
      assert.deepEqual(codes(validateRuleText('Item="X"')), ['invalid-target']);
    });

    it('invalid-target: an unquoted word that is no keyword', () => {
      expectDiagnostics(`
        Foo="X"
        ^^^ invalid-target
      `, strict);
    });

    it('seq-item: a step that is not a sequence, a leaf that is one', () => {
      expectDiagnostics(`
        SEQ(0010,0010,0,0008,0100)="X"
        //  ^^^^^^^^^ seq-item
        SEQ(0040,0275,0,0040,0008)="X"
        //              ^^^^^^^^^ seq-item
      `, strict);
    });

    it('a valid SEQ path passes', () => {
      assert.deepEqual(validateRuleText('SEQ(0040,0275,0,0040,0009)="SPS1"\n(0008,0050)=SEQ(0040,0275,0,0040,0009)'), []);
    });

    it('control-variable: unknown $(@X)', () => {
      expectDiagnostics(`
        $(@PROCES)=NULL()
        ^^^^^^^^^^ control-variable
      `, strict);
    });

    it('stop-value: a string assigned to $(@PROCESS)', () => {
      expectDiagnostics(`
        $(@PROCESS)="false"
        //          ^^^^^^^ stop-value (warning)
      `, strict);
      // Stopping on a missing attribute is a legitimate idiom.
      assert.deepEqual(validateRuleText('$(@PROCESS)=(0010,0020)'), []);
    });

    it('variable-unassigned: never assigned', () => {
      const [d] = expectDiagnostics(`
        (0010,0010)=$(name)
        //          ^^^^^^^ variable-unassigned (warning)
      `, strict);
      assert.match(d.message, /never assigned/);
    });

    it('variable-unassigned: assigned only after use', () => {
      const [d] = expectDiagnostics(`
        (0010,0010)=$(n)
        //          ^^^^ variable-unassigned (warning)
        $(n)="X"
        (0010,0020)=$(n)
      `, strict);
      assert.match(d.message, /first assigned on line 2/);
    });

    it('variable-unassigned: swapping with a holder is clean', () => {
      assert.deepEqual(validateRuleText('$(t)=(0010,0010)\n(0010,0010)=(0010,0020)\n(0010,0020)=$(t)'), []);
    });

    it('unreachable-after-stop: hints tagged unnecessary on every later rule', () => {
      const found = expectDiagnostics(`
        $(@PROCESS)=NULL()
        (0010,0010)="X"
        ^^^^^^^^^^^^^^^ unreachable-after-stop (hint)
        # comment
        (0010,0020)="Y"
        ^^^^^^^^^^^^^^^ unreachable-after-stop (hint)
      `, strict);
      assert.ok(found.every((d) => d.tags?.[0] === 'unnecessary'));
      // A conditional stop leaves later rules alone.
      assert.deepEqual(validateRuleText('$(@PROCESS)=if((0010,0020),$(@PROCESS),NULL())\n(0010,0010)="X"'), []);
    });

    it('retired-split: warning with the split() replacement', () => {
      const [d] = expectDiagnostics(`
        (0010,0010)=(0010,0010),",",1
        //          ^^^^^^^^^^^^^^^^^ retired-split (warning)
      `, strict);
      assert.deepEqual(d.tags, ['deprecated']);
      assert.deepEqual(d.data, { replacement: 'split((0010,0010),",",1)' });
    });

    it('retired-split: no replacement for a half-written form', () => {
      const diags = validateRuleText('(0010,0010)=(0010,0010),","');
      const d = diags.find((x) => x.code === 'retired-split');
      if (d) assert.equal(d.data, undefined);
      assert.ok(diags.some((x) => x.severity === 'error'), 'the parser reports the missing field number');
    });

    it('user-field: information on USER()', () => {
      expectDiagnostics(`
        USER(Dept)="X"
        ^^^^^^^^^^ user-field (information)
      `, strict);
    });
  });

  it('validates a large file without crashing and with one finding per bad rule', () => {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(i % 2 ? DOCUMENTED_EXAMPLES[i % 3] : '(0008,0020)="2024-01-05"');
    const diags = validateRuleText(lines.join('\n'));
    assert.equal(diags.length, 1000);
    assert.ok(diags.every((d) => d.code === 'invalid-value'));
  });

  it('variable-unassigned suggests the assigned name in another case', () => {
    const d = only(validateRuleText('$(Name)="X"\n(0010,0010)=$(name)'), 'variable-unassigned');
    assert.match(d.message, /Did you mean \$\(Name\)\?/);
  });

  it('never throws on damaged rules, and every range lies inside the text', () => {
    // Deterministic damage: drop, duplicate or replace one character of a documented example.
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = '()$,="\\@#^ abcXYZ0123456789\t';
    const samples = [...DOCUMENTED_EXAMPLES, '(0010,0010)=(0010,0010),",",1', 'SEQ(0040,0275,0,0040,0009)=USER(Dept)', 'PatientName=upper($(x))'];
    for (let i = 0; i < 600; i++) {
      let text = samples[random(samples.length)];
      for (let k = 0; k <= random(3); k++) {
        const at = random(text.length + 1);
        const c = alphabet[random(alphabet.length)];
        const op = random(3);
        text = op === 0 ? text.slice(0, at) + text.slice(at + 1) : op === 1 ? text.slice(0, at) + c + text.slice(at) : text.slice(0, at) + c + text.slice(at + 1);
      }
      const lines = text.split('\n');
      for (const dialect of ['strict', 'extended'] as const) {
        const diags = validateRuleText(text, { dialect });
        for (const d of diags) {
          const { start, end } = d.range;
          assert.ok(start.line >= 0 && end.line < lines.length && start.character >= 0 && end.character <= lines[end.line].length,
            `${d.code} range out of bounds in ${JSON.stringify(text)}`);
          assert.ok(start.line < end.line || start.character <= end.character, `${d.code} range reversed`);
          assert.ok(d.message.length > 0);
        }
      }
    }
  });

  it('edit distance counts a swap as one edit', () => {
    assert.equal(editDistance('conact', 'concat'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('split', 'split'), 0);
    assert.deepEqual(nearestFunctionNames('conact'), ['concat']);
    assert.deepEqual(nearestFunctionNames('IFF'), ['if']);
  });
});

describe('validator: bounded work per line (found by npm run fuzz)', () => {
  it('checks thousands of unknown target words without a dictionary search for each', () => {
    // 8,000 lines like `device D {` took 10 s to validate: each unknown word searched all 5,000
    // entries for a keyword in another letter case. Counted here, not timed.
    const dictionary = getDictionary();
    const search = dictionary.search.bind(dictionary);
    let searches = 0;
    dictionary.search = (...args) => {
      searches++;
      return search(...args);
    };
    try {
      const text = Array.from({ length: 500 }, (_, i) => `word${i} D {`).join('\n');
      const diagnostics = validateRuleText(text);
      assert.equal(diagnostics.length >= 500, true, `${diagnostics.length} findings`);
      assert.equal(searches, 0);
      // The case-insensitive keyword match still works.
      assert.deepEqual(validateRuleText('patientname="x"').map((d) => d.code), ['keyword-for-tag']);
    } finally {
      dictionary.search = search;
    }
  });

  it('quotes at most a short excerpt of a long word, variable, function name or value in a message', () => {
    // Found by npm run fuzz: a 1,100-digit target word was quoted whole in invalid-target.
    const long = '9'.repeat(5000);
    const text = [`${long}="x"`, `(0010,0010)=$(v${long})`, `(0010,0010)=f${long}(1)`, `(0008,0020)="${long}"`, `$(@X${long})="1"`].join('\n');
    const diagnostics = validateRuleText(text);
    assert.deepEqual([...new Set(diagnostics.map((d) => d.code))].sort(), ['control-variable', 'invalid-target', 'invalid-value', 'unknown-function', 'variable-unassigned']);
    for (const d of diagnostics) assert.ok(d.message.length < 400, `${d.code}: ${d.message.length} characters`);
  });
});
