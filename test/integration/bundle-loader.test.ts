/**
 * core/src/files/bundle.ts, which dist/extension.js, dist/server.js and dist/pacsw.js use to load
 * their bundles: ASCII and non-ASCII text, and the code cache a bundle leaves for its next start
 * (each start a fresh Node process, as in use).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, suiteTempDir } from './dicom-helpers';

const BUNDLE_MODULE = path.join(REPO, 'out', 'core', 'src', 'files', 'bundle.js');

/** Loads `file` in a fresh Node with its own cache, written 0 ms later; prints what it saw. */
function start(file: string): { exports: { greeting: string; sum: number }; cacheAccepted: boolean; cacheFile: string } {
  const script = `const b = require(${JSON.stringify(BUNDLE_MODULE)});
const file = ${JSON.stringify(file)};
const before = b.loadBundle(file, module, b.selfCacheFile(file));
const exports = b.loadBundleWithSelfCache(file, module, 0);
setTimeout(() => console.log(JSON.stringify({ exports, cacheAccepted: before.cacheAccepted, cacheFile: b.selfCacheFile(file) })), 50);`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof start>;
}

describe('loading our bundles (core/src/files/bundle.ts)', function () {
  this.timeout(30_000);
  const dir = suiteTempDir('bundle-loader');
  const bundle = (name: string, buildId: string, greeting: string): string => {
    const file = path.join(dir(), name);
    const body = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
    fs.writeFileSync(file, `// pacsw-build ${buildId}\n${body}\nexports.greeting = ${JSON.stringify(greeting)};\nexports.sum = f199(1);\n`);
    return file;
  };

  it('runs an ASCII bundle, leaves a code cache for the next start, and the next start uses it', () => {
    const file = bundle('ascii.js', 'build-1', 'hello');
    const first = start(file);
    assert.deepEqual(first.exports, { greeting: 'hello', sum: 200 });
    assert.equal(first.cacheAccepted, false);
    assert.match(path.basename(first.cacheFile), /^ascii\.v8-.+\.codecache$/);
    assert.ok(fs.existsSync(first.cacheFile), 'the first start wrote a cache');
    const second = start(file);
    assert.deepEqual(second.exports, first.exports);
    assert.equal(second.cacheAccepted, true);
  });

  it('reads a bundle with non-ASCII text as UTF-8', () => {
    const file = bundle('utf8.js', 'build-1', 'Grüße → 東京');
    assert.equal(start(file).exports.greeting, 'Grüße → 東京');
  });

  it('does not use the cache of another build, and replaces it', () => {
    const file = bundle('rebuilt.js', 'build-1', 'old');
    start(file);
    bundle('rebuilt.js', 'build-2', 'new');
    const after = start(file);
    assert.equal(after.cacheAccepted, false);
    assert.equal(after.exports.greeting, 'new');
    assert.equal(start(file).cacheAccepted, true, 'the cache written for build-2 is used');
  });

  it('writes no cache for a bundle without a build id (watch builds), and still runs it', () => {
    const file = bundle('watch.js', 'none', 'watching');
    const r = start(file);
    assert.equal(r.exports.greeting, 'watching');
    assert.equal(fs.existsSync(r.cacheFile), false);
  });

  it('a cache it cannot write costs the cache, not the start', () => {
    const file = bundle('unwritable.js', 'build-1', 'still runs');
    // A directory where the cache file would go: the write fails whoever runs the test.
    const { selfCacheFile } = require(BUNDLE_MODULE) as { selfCacheFile(file: string): string };
    fs.mkdirSync(selfCacheFile(file));
    const r = start(file);
    assert.equal(r.exports.greeting, 'still runs');
    assert.equal(r.cacheAccepted, false);
    assert.ok(fs.statSync(r.cacheFile).isDirectory());
    assert.deepEqual(fs.readdirSync(dir()).filter((f) => f.endsWith('.tmp')), [], 'no half-written cache is left');
  });
});
