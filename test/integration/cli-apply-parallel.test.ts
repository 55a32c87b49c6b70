import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { PARALLEL_MIN_FILES, runApplyJobs } from '../../cli/src/applyPool';
import { loadRuleSets } from '../../cli/src/rules';
import { generate, pacsw, PACSW, suiteTempDir, writeRules } from './dicom-helpers';

/** Every file under `dir` with its bytes, by relative path. */
function tree(dir: string): Map<string, Buffer> {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
  return new Map(files.map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

describe('pacsw apply on several threads (--jobs)', function () {
  this.timeout(120_000);
  const dir = suiteTempDir('cli-apply-jobs');
  let inputs: string;
  let rules: string;
  const FILES = 160;
  before(() => {
    inputs = path.join(dir(), 'in');
    const sources = path.join(dir(), 'sources');
    fs.mkdirSync(sources);
    const samples = [
      generate('ct-with-sequences', sources),
      generate('ct-with-sequences', sources, ['+ti'], 'implicit.dcm'),
      generate('mammo-for-processing', sources),
      generate('utf8-names', sources),
    ];
    for (let i = 0; i < FILES; i++) {
      const sub = path.join(inputs, `series-${i % 3}`);
      fs.mkdirSync(sub, { recursive: true });
      fs.copyFileSync(samples[i % samples.length], path.join(sub, `f${String(i).padStart(3, '0')}.dcm`));
    }
    fs.writeFileSync(path.join(inputs, `series-${77 % 3}`, 'f077.dcm'), Buffer.alloc(300, 1)); // broken
    rules = writeRules(dir(), 'device.coerce', [
      '(0010,0010)="ANON^PATIENT"',
      '(0008,0050)=NULL()',
      '$(@PROCESS)=if(equals((0008,0060),"MG"),NULL(),$(@PROCESS))',
    ].join('\n'));
  });

  it('writes the same files and prints the same results, in input order, as one thread', () => {
    const one = pacsw(['apply', '--jobs', '1', '--json', '--rules', rules, '--out', path.join(dir(), 'one'), inputs]);
    const three = pacsw(['apply', '--jobs', '3', '--json', '--rules', rules, '--out', path.join(dir(), 'three'), inputs]);
    assert.equal(one.status, 1, one.stderr);
    assert.equal(three.status, 1, three.stderr);
    const lines = (r: { stdout: string }, out: string) => r.stdout.trim().split('\n').map((l) => l.split(path.join(dir(), out)).join('OUT'));
    assert.deepEqual(lines(three, 'three'), lines(one, 'one'));
    const summary = JSON.parse(lines(three, 'three').at(-1)!) as { summary: Record<string, number> };
    assert.deepEqual(summary.summary, { files: FILES, changed: 119, unchanged: 0, stopped: 40, failed: 1, skipped: 0 });
    const a = tree(path.join(dir(), 'one'));
    const b = tree(path.join(dir(), 'three'));
    assert.equal(a.size, 119);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [file, bytes] of a) assert.ok(bytes.equals(b.get(file)!), `${file} differs`);
  });

  it('a worker started on dist/pacsw.js takes jobs from the shared counter and reports each', async () => {
    // What runApplyJobs does for each worker, without a main thread taking jobs too.
    const out = path.join(dir(), 'worker');
    const jobs = Array.from({ length: 12 }, (_, i) => ({
      input: path.join(inputs, `series-${i % 3}`, `f${String(i).padStart(3, '0')}.dcm`),
      output: path.join(out, `f${i}.dcm`),
    }));
    const state = new SharedArrayBuffer(8);
    const worker = new Worker(PACSW, { workerData: { pacswApplyWorker: true, jobs, ruleOptions: [['rules', rules]], state } });
    const reported: Array<[number, { status: string }]> = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: { results?: Array<[number, { status: string }]>; done?: true }) => {
        if (m.results) reported.push(...m.results);
        if (m.done) resolve();
      });
      worker.on('error', reject);
    });
    await worker.terminate();
    assert.deepEqual(reported.map(([i]) => i).sort((x, y) => x - y), jobs.map((_, i) => i));
    assert.deepEqual(reported.map(([, r]) => r.status), jobs.map((_, i) => (i % 4 === 2 ? 'stopped' : 'changed')));
    assert.equal(new Int32Array(state)[0], jobs.length + 1, 'the counter went past the last job once');
    assert.equal(fs.readdirSync(out).length, 9);
  });

  it('Ctrl+C: finishes the files in hand, writes no partial file, says how many were not processed, exits 130', async () => {
    const many = path.join(dir(), 'many');
    fs.mkdirSync(many);
    const sample = fs.readFileSync(path.join(inputs, 'series-0', 'f000.dcm'));
    for (let i = 0; i < 1500; i++) fs.writeFileSync(path.join(many, `m${String(i).padStart(4, '0')}.dcm`), sample);
    const out = path.join(dir(), 'interrupted');
    const child = spawn(process.execPath, [PACSW, 'apply', '--jobs', '2', '--json', '--rules', rules, '--out', out, many]);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout === '') child.kill('SIGINT'); // as soon as the first result is out
      stdout += chunk.toString('utf8');
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 130);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { status?: string; summary?: { files: number; changed: number; interrupted: number } });
    const summary = lines.at(-1)!.summary!;
    assert.ok(summary.interrupted > 0 && summary.interrupted < 1500, JSON.stringify(summary));
    assert.equal(summary.changed + summary.interrupted, 1500);
    const written = fs.readdirSync(out);
    assert.deepEqual(written.filter((f) => !f.endsWith('.dcm')), [], 'no temporary file is left');
    assert.equal(written.length, summary.changed);
    assert.equal(pacsw(['apply', '--jobs', '1', '--rules', rules, '--out', path.join(dir(), 'single'), path.join(many, 'm0000.dcm')]).status, 0);
    const expected = fs.readFileSync(path.join(dir(), 'single', 'm0000.dcm'));
    for (const f of written) assert.ok(fs.readFileSync(path.join(out, f)).equals(expected), `${f} is complete`);
  });

  it('a worker that fails (here: it cannot read the rules) is reported, and the main thread does its files', async () => {
    const jobs = Array.from({ length: PARALLEL_MIN_FILES }, (_, i) => ({
      input: path.join(inputs, `series-${i % 3}`, `f${String(i).padStart(3, '0')}.dcm`),
      output: path.join(dir(), 'fallback', `f${i}.dcm`),
    }));
    const errors: string[] = [];
    const statuses: string[] = [];
    const finished = await runApplyJobs({
      ruleSets: loadRuleSets(new Map([['rules', rules]])),
      ruleOptions: new Map([['rules', path.join(dir(), 'no-such-rules.coerce')]]),
      jobs,
      threads: 2,
      signal: new AbortController().signal,
      onResult: (_, result) => statuses.push(result.status),
      onWorkerError: (message) => errors.push(message),
    });
    assert.equal(finished, jobs.length);
    assert.equal(statuses.length, jobs.length);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /no-such-rules\.coerce: cannot read rule file \(ENOENT\)/);
  });

  it('refuses a --jobs that is not a whole number of at least 1', () => {
    const r = pacsw(['apply', '--jobs', '0', '--rules', rules, '--out', path.join(dir(), 'x'), inputs]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--jobs takes a whole number of at least 1, not "0"/);
    assert.equal(fs.existsSync(path.join(dir(), 'x')), false);
  });
});
