import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUNCTIONS } from '../../core/src/coercion/functions';
import { parseRuleFile } from '../../core/src/coercion/fileParser';
import { validateRuleText } from '../../core/src/coercion/validate';
import { readRepoJson, repoRoot } from '../repo';


const root = repoRoot();

const manifest = readRepoJson('package.json');
const grammarContribution = manifest.contributes.grammars.find((g: any) => g.language === 'pacs-coercion');
const snippetContribution = manifest.contributes.snippets.find((s: any) => s.language === 'pacs-coercion');
const languageContribution = manifest.contributes.languages.find((l: any) => l.id === 'pacs-coercion');

const grammar = readRepoJson(grammarContribution.path);
const snippets: Record<string, { prefix: string | string[]; body: string | string[]; description: string }> =
  readRepoJson(snippetContribution.path);
const languageConfiguration = readRepoJson(languageContribution.configuration);

/** The documented eRAD examples (docs/coercion-language.md, shared reference). */
const DOCUMENTED_EXAMPLES = [
  '(0008,0050)=if((0008,0050),concat("PFX",(0008,0050)),NULL())',
  '(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2),if(split((0010,0010),",",3),"^",""),split((0010,0010),",",3))',
  '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))',
];

// ---------------------------------------------------------------------------------------------
// Grammar regexes are Oniguruma; the ones we use are also valid JavaScript except for the inline
// case-insensitive group `(?i:...)`, which we turn into a plain group plus the `i` flag.

function toJsRegExp(source: string): RegExp {
  const insensitive = source.includes('(?i:');
  return new RegExp(source.replace(/\(\?i:/g, '(?:'), insensitive ? 'i' : '');
}

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  patterns?: Rule[];
  include?: string;
}

function allRules(): Array<{ where: string; rule: Rule }> {
  const out: Array<{ where: string; rule: Rule }> = [];
  const walk = (where: string, rule: Rule) => {
    out.push({ where, rule });
    (rule.patterns ?? []).forEach((r, i) => walk(`${where}.patterns[${i}]`, r));
  };
  grammar.patterns.forEach((r: Rule, i: number) => walk(`patterns[${i}]`, r));
  for (const [key, rule] of Object.entries(grammar.repository as Record<string, Rule>)) walk(key, rule);
  return out;
}

/** The rule in the repository that carries `scope` (searching nested patterns too). */
function ruleWithScope(scope: string): Rule {
  const found = allRules().find(({ rule }) => rule.name === scope);
  assert.ok(found, `no grammar rule with scope ${scope}`);
  return found.rule;
}

function matchWhole(rule: Rule, text: string): RegExpExecArray | null {
  const re = toJsRegExp(rule.match ?? rule.begin!);
  const m = re.exec(text);
  return m && m.index === 0 && m[0].length === text.length ? m : null;
}

// ---------------------------------------------------------------------------------------------
// Snippet expansion (VS Code snippet syntax, the subset we use); rule lines are checked with the real parser.

/** Replaces `${n:default}` by its default, `$n`/`${n}` by placeholder n's default, and `\$` by `$`. */
function expandSnippet(body: string[]): string {
  const text = body.join('\n');
  const defaults = new Map<string, string>();
  for (const m of text.matchAll(/\$\{(\d+):([^}]*)\}/g)) defaults.set(m[1], m[2]);
  return text
    .replace(/\$\{(\d+):([^}]*)\}/g, (_, _n, d: string) => d)
    .replace(/(?<!\\)\$\{?(\d+)\}?/g, (_, n: string) => defaults.get(n) ?? '')
    .replace(/\\([$}\\])/g, '$1');
}

/** The real parser's syntax errors for `text` (core/src/coercion/fileParser.ts), as messages. */
function syntaxErrors(text: string): string[] {
  return parseRuleFile(text).errors.map((e) => `${e.code}: ${e.message}`);
}

// ---------------------------------------------------------------------------------------------

describe('editor assets: manifest wiring', () => {
  it('points at files that exist, for the .coerce language', () => {
    assert.deepEqual(languageContribution.extensions, ['.coerce']);
    for (const rel of [grammarContribution.path, snippetContribution.path, languageContribution.configuration]) {
      assert.ok(fs.existsSync(path.join(root, rel)), rel);
    }
    assert.equal(grammar.scopeName, grammarContribution.scopeName);
    assert.equal(grammar.scopeName, 'source.pacs-coercion');
  });
});

describe('editor assets: TextMate grammar', () => {
  it('has the expected top-level keys', () => {
    assert.equal(typeof grammar.name, 'string');
    assert.ok(Array.isArray(grammar.patterns) && grammar.patterns.length > 0);
    for (const key of ['comment', 'tag', 'seq', 'user-field', 'control-variable', 'variable',
      'erad-function-call', 'extension-function-call', 'unknown-function-call', 'string-quoted',
      'string-unquoted', 'assignment', 'comma']) {
      assert.ok(grammar.repository[key], `repository.${key}`);
    }
  });

  it('resolves every include and compiles every regex', () => {
    for (const { where, rule } of allRules()) {
      if (rule.include?.startsWith('#')) assert.ok(grammar.repository[rule.include.slice(1)], `${where}: ${rule.include}`);
      for (const source of [rule.match, rule.begin, rule.end]) {
        if (source !== undefined) assert.doesNotThrow(() => toJsRegExp(source), `${where}: ${source}`);
      }
      if (rule.name) assert.match(rule.name, /\.pacs-coercion$/, `${where}: scope ${rule.name}`);
    }
  });

  it('scopes every region to end with its line, since rules never wrap', () => {
    for (const { where, rule } of allRules()) {
      if (rule.begin && rule.begin !== '"') assert.match(rule.end!, /\|\$$/, where);
    }
    assert.equal(ruleWithScope('string.quoted.double.pacs-coercion').end, '(")|$');
  });

  it('names exactly the catalogue functions as eRAD and extension functions', () => {
    const namesIn = (scope: string) => {
      const begin = allRules().find(({ rule }) => JSON.stringify(rule).includes(scope) && rule.begin)!.rule.begin!;
      return /\(\?i:\(([^)]*)\)\)/.exec(begin)![1].split('|').sort();
    };
    const byDialect = (d: string) => FUNCTIONS.filter((f) => f.dialect === d).map((f) => f.name).sort();
    assert.deepEqual(namesIn('support.function.erad'), byDialect('erad'));
    assert.deepEqual(namesIn('support.function.extension'), byDialect('extension'));
  });

  it('recognises comments only at the start of a line', () => {
    const re = toJsRegExp(ruleWithScope('comment.line.number-sign.pacs-coercion').match!);
    assert.ok(re.test('# swap the IDs'));
    assert.equal(re.exec('(0010,0010)=ABC # not a comment'), null);
  });

  it('reads tags, with group and element captured', () => {
    const m = matchWhole(ruleWithScope('constant.numeric.tag.pacs-coercion'), '(7fe0,0010)');
    assert.ok(m);
    assert.equal(m[2], '7fe0');
    assert.equal(m[4], '0010');
    assert.equal(matchWhole(ruleWithScope('constant.numeric.tag.pacs-coercion'), '(0010,001)'), null);
  });

  it('tells control variables from temporary ones', () => {
    const control = ruleWithScope('variable.language.control.pacs-coercion');
    const temporary = ruleWithScope('variable.other.temporary.pacs-coercion');
    assert.ok(matchWhole(control, '$(@PROCESS)'));
    assert.ok(matchWhole(control, '$(@STUDYLEVELCOMMANDS)'));
    assert.equal(matchWhole(control, '$(@OTHER)'), null);
    assert.ok(matchWhole(ruleWithScope('variable.other.control.unknown.pacs-coercion'), '$(@OTHER)'));
    assert.ok(matchWhole(temporary, '$(tmp)'));
    assert.equal(matchWhole(temporary, '$(@PROCESS)'), null);
  });

  it('reads SEQ and USER forms', () => {
    assert.ok(toJsRegExp(ruleWithScope('meta.seq.pacs-coercion').begin!).test('SEQ(0008,1110,0,0008,1150)'));
    const m = matchWhole(ruleWithScope('meta.user-field.pacs-coercion'), 'USER(referringDept)');
    assert.equal(m?.[3], 'referringDept');
  });

  it('tells known functions, whatever their case, from unknown ones', () => {
    const erad = toJsRegExp(grammar.repository['erad-function-call'].begin);
    const extension = toJsRegExp(grammar.repository['extension-function-call'].begin);
    assert.equal(erad.exec('concat(')?.[1], 'concat');
    assert.equal(erad.exec('IF (')?.[1], 'IF');
    assert.equal(erad.exec('concatenate('), null);
    assert.equal(extension.exec('upper(')?.[1], 'upper');
    assert.equal(erad.exec('upper('), null);
    assert.equal(toJsRegExp(grammar.repository['unknown-function-call'].begin).exec('frobnicate(')?.[1], 'frobnicate');
  });

  it('reads the three escapes in quoted strings and flags others', () => {
    const [escape, invalid] = grammar.repository['string-quoted'].patterns as Rule[];
    for (const e of ['\\n', '\\\\', '\\"']) assert.ok(matchWhole(escape, e), e);
    assert.equal(matchWhole(escape, '\\t'), null);
    assert.ok(matchWhole(invalid, '\\t'));
  });

  it('reads unquoted strings and numbers but not function names', () => {
    const unquoted = toJsRegExp(ruleWithScope('string.unquoted.pacs-coercion').match!);
    const number = toJsRegExp(ruleWithScope('constant.numeric.integer.pacs-coercion').match!);
    assert.equal(unquoted.exec('=ABC123')?.[0], 'ABC123');
    assert.equal(unquoted.exec('if('), null);
    assert.equal(number.exec(',3)')?.[0], '3');
    assert.equal(number.exec('=ABC123'), null);
  });

  it('is tokenised by vscode-textmate as expected', async function () {
    // The versions VS Code 1.139 bundles (devDependencies), so scopes match what users see.
    const textmate = require('vscode-textmate');
    const oniguruma = require('vscode-oniguruma');
    const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const grammarPath = path.join(root, grammarContribution.path);
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName: string) => scopeName === grammar.scopeName
        ? textmate.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
        : null,
    });
    const tm = await registry.loadGrammar(grammar.scopeName);
    const line = DOCUMENTED_EXAMPLES[2] + '';
    const { tokens } = tm.tokenizeLine(line, textmate.INITIAL);
    const scopesAt = (needle: string) => {
      const offset = line.indexOf(needle);
      const token = tokens.find((t: { startIndex: number; endIndex: number }) => t.startIndex <= offset && offset < t.endIndex);
      return (token?.scopes ?? []).join(' ');
    };
    assert.match(scopesAt('$(@PROCESS)'), /variable\.language\.control\.pacs-coercion/);
    assert.match(scopesAt('equals'), /support\.function\.erad\.pacs-coercion/);
    assert.match(scopesAt('0016'), /constant\.numeric\.tag/);
    assert.match(scopesAt('1.2.840'), /string\.quoted\.double\.pacs-coercion/);
    assert.match(scopesAt('='), /keyword\.operator\.assignment\.pacs-coercion/);
    const comment = tm.tokenizeLine('# note', textmate.INITIAL);
    assert.match(comment.tokens[0].scopes.join(' '), /comment\.line\.number-sign\.pacs-coercion/);
    // An unterminated string must not leak into the next line.
    const broken = tm.tokenizeLine('(0010,0010)="open', textmate.INITIAL);
    const next = tm.tokenizeLine('(0010,0020)=ABC', broken.ruleStack);
    assert.doesNotMatch(next.tokens.map((t: { scopes: string[] }) => t.scopes.join(' ')).join('|'), /string\.quoted/);
    // Nor an unclosed call: the comment on the next line is still a comment.
    const unclosed = tm.tokenizeLine('(0010,0010)=if(a,b', textmate.INITIAL);
    const after = tm.tokenizeLine('# still a comment', unclosed.ruleStack);
    assert.deepEqual(after.tokens[0].scopes, [grammar.scopeName, 'comment.line.number-sign.pacs-coercion',
      'punctuation.definition.comment.pacs-coercion']);
    const seq = tm.tokenizeLine('SEQ(0008,1110,0,0008,1150)=USER(dept)', textmate.INITIAL);
    const seqScopes = seq.tokens.map((t: { scopes: string[] }) => t.scopes[t.scopes.length - 1]);
    assert.ok(seqScopes.includes('keyword.other.seq.pacs-coercion'));
    assert.ok(seqScopes.includes('constant.numeric.integer.item.pacs-coercion'));
    assert.ok(seqScopes.includes('variable.other.user-field.pacs-coercion'));
  });
});

describe('editor assets: language configuration', () => {
  it('declares # comments, parentheses and quote pairs', () => {
    assert.equal(languageConfiguration.comments.lineComment, '#');
    assert.deepEqual(languageConfiguration.brackets, [['(', ')']]);
    const opens = languageConfiguration.autoClosingPairs.map((p: { open: string; close: string }) => p.open + p.close);
    assert.ok(opens.includes('()'));
    assert.ok(opens.includes('""'));
    assert.deepEqual(languageConfiguration.surroundingPairs, [['(', ')'], ['"', '"']]);
  });

  it('keeps tags and variables together as one word', () => {
    const word = new RegExp(languageConfiguration.wordPattern, 'g');
    assert.deepEqual('(0010,0010)=concat($(@PROCESS),$(tmp),ABC)'.match(word),
      ['(0010,0010)', 'concat', '$(@PROCESS)', '$(tmp)', 'ABC']);
  });
});

describe('editor assets: snippets', () => {
  const entries = Object.entries(snippets);

  it('each has prefixes, a body and a description', () => {
    assert.ok(entries.length >= 6);
    for (const [name, s] of entries) {
      const prefixes = Array.isArray(s.prefix) ? s.prefix : [s.prefix];
      assert.ok(prefixes.length > 0 && prefixes.every((p) => /^[a-z][a-z-]*$/.test(p)), name);
      assert.ok(Array.isArray(s.body) && s.body.length > 0, name);
      assert.ok(s.description.length > 20, name);
    }
  });

  it('expands, with default placeholders, to valid rule lines', () => {
    for (const [name, s] of entries) {
      for (const line of expandSnippet(s.body as string[]).split('\n')) {
        assert.deepEqual(syntaxErrors(line), [], `${name}: ${line}`);
      }
    }
  });

  it('expands to the documented eRAD examples exactly', () => {
    const expanded = entries.map(([, s]) => expandSnippet(s.body as string[]));
    for (const example of DOCUMENTED_EXAMPLES) assert.ok(expanded.includes(example), example);
  });

  it('swaps through a variable in three rules', () => {
    const swap = expandSnippet(snippets['Swap two attributes'].body as string[]);
    assert.equal(swap, '$(swap)=(0010,0020)\n(0010,0020)=(0010,1000)\n(0010,1000)=$(swap)');
  });

  it('checks them with the parser, which rejects broken lines', () => {
    // The check above is only worth something if it can fail.
    for (const bad of ['(0010,0010)', '(0010,0010)=concat("a",', '=ABC', '(0010,0010)=a b', '(0010,0010)="open']) {
      assert.notDeepEqual(syntaxErrors(bad), [], bad);
    }
    for (const good of DOCUMENTED_EXAMPLES) assert.deepEqual(syntaxErrors(good), [], good);
  });

  it('expands to rules the validator finds clean (strict dialect)', () => {
    for (const [name, s] of entries) {
      const text = expandSnippet(s.body as string[]);
      assert.deepEqual(validateRuleText(text, { dialect: 'strict' }), [], name);
    }
  });
});
