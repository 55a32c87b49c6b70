import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACSW, pacsw, REPO, suiteTempDir } from './dicom-helpers';

const CACHE = path.join(REPO, 'dist', 'pacsw-cli.codecache');
const APPLY_CACHE = path.join(REPO, 'dist', 'pacsw-apply.codecache');
const EXAMPLES = path.join(REPO, 'examples', 'workspace');

/** Loads a CLI bundle the way dist/pacsw.js does, with the given cache file, and runs one command. */
function launch(cacheFile: string | null, argv: string[], bundle = 'cli'): { accepted: boolean; output: string; status: number | null } {
  const script = `const l = require(${JSON.stringify(PACSW)}).loadCli({ bundle: ${JSON.stringify(bundle)}, cacheFile: ${JSON.stringify(cacheFile)} });
process.stderr.write(JSON.stringify({ accepted: l.cacheAccepted }) + '\\n');
l.cli.run(${JSON.stringify(argv)});`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const [first, ...rest] = r.stderr.split('\n');
  return { accepted: (JSON.parse(first) as { accepted: boolean }).accepted, output: r.stdout + rest.join('\n'), status: r.status };
}

describe('pacsw launcher and its code cache', function () {
  this.timeout(30_000);
  const dir = suiteTempDir('cli-launcher');

  it('uses the code cache that the build made for this bundle', () => {
    assert.ok(fs.existsSync(CACHE), 'npm run build writes dist/pacsw-cli.codecache');
    const r = launch(CACHE, ['--version']);
    assert.equal(r.accepted, true);
    assert.equal(r.output.trim(), 'pacsw 0.1.0');
  });

  it('ignores a cache made for another build and still runs the command', () => {
    const bytes = fs.readFileSync(CACHE);
    const other = path.join(dir(), 'other-build.codecache');
    const newline = bytes.indexOf(0x0a);
    fs.writeFileSync(other, Buffer.concat([Buffer.from('another-build-id'), bytes.subarray(newline)]));
    const r = launch(other, ['--version']);
    assert.equal(r.accepted, false);
    assert.equal(r.output.trim(), 'pacsw 0.1.0');
  });

  it('runs when V8 rejects the cache (damaged data under the right build id)', () => {
    const bytes = fs.readFileSync(CACHE);
    const damaged = path.join(dir(), 'damaged.codecache');
    const newline = bytes.indexOf(0x0a);
    fs.writeFileSync(damaged, Buffer.concat([bytes.subarray(0, newline + 1), Buffer.alloc(4096, 0x5a)]));
    const r = launch(damaged, ['check', path.join(REPO, 'examples', 'workspace', 'documented-examples.coerce')]);
    assert.equal(r.accepted, false);
    assert.equal(r.status, 0, r.output);
  });

  it('runs without any cache file, with the same exit status for a usage error', () => {
    const r = launch(path.join(dir(), 'absent.codecache'), ['apply']);
    assert.equal(r.accepted, false);
    assert.equal(r.status, 2);
    assert.match(r.output, /pacsw apply needs --rules FILE/);
    assert.equal(pacsw(['apply']).status, 2, 'the bin gives the same status');
  });

  it('runs pacsw apply from its own bundle, with its own cache, and answers as the whole CLI does', () => {
    const { bundleFor } = require(PACSW) as { bundleFor(argv: string[], worker: boolean): string };
    assert.equal(bundleFor(['apply', '--rules', 'x'], false), 'apply');
    assert.equal(bundleFor(['check', 'x.coerce'], false), 'cli');
    assert.equal(bundleFor([], false), 'cli');
    // esbuild names each lazily initialised module after its path; the other commands' usage texts.
    const otherCommands = /core\/src\/deploy\/|core\/src\/net\/|core\/src\/receiver\/|usage: pacsw (check|deploy|serve|test)/;
    assert.match(fs.readFileSync(path.join(REPO, 'dist', 'pacsw-cli.js'), 'latin1'), otherCommands);
    assert.doesNotMatch(fs.readFileSync(path.join(REPO, 'dist', 'pacsw-apply.js'), 'latin1'), otherCommands, 'the apply bundle holds no other command');
    assert.ok(fs.existsSync(APPLY_CACHE), 'npm run build writes dist/pacsw-apply.codecache');

    const args = (out: string) => ['apply', '--json', '--rules', path.join(EXAMPLES, 'documented-examples.coerce'), '--out', path.join(dir(), out), path.join(EXAMPLES, 'samples')];
    const own = launch(APPLY_CACHE, args('own'), 'apply');
    const whole = launch(CACHE, args('whole'));
    assert.equal(own.accepted, true);
    assert.equal(own.status, whole.status);
    assert.equal(own.output.split(path.join(dir(), 'own')).join('OUT'), whole.output.split(path.join(dir(), 'whole')).join('OUT'));
    assert.match(own.output, /"summary":\{"files":\d+/);
    // The errors a user causes: the same message and status from both bundles.
    for (const bad of [['apply'], ['apply', '--rules', path.join(dir(), 'absent.coerce'), '--out', path.join(dir(), 'x'), dir()]]) {
      const a = launch(APPLY_CACHE, bad, 'apply');
      const b = launch(CACHE, bad);
      assert.deepEqual([a.status, a.output], [b.status, b.output]);
      assert.equal(a.status, 2);
    }
    assert.equal(pacsw(['apply', '--help']).status, 0);
  });
});
