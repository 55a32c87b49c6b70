// `npm run lint`: the static checks, on their own — the layer rules (scripts/layers.mjs), the
// type check, and ESLint (eslint.config.mjs). `--no-typecheck` skips the type check (npm test
// runs tsc itself right after). Exits non-zero when any check fails; runs them all regardless.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const typecheck = !process.argv.includes('--no-typecheck');
const checks = [
  ['layers', process.execPath, ['scripts/layers.mjs']],
  ...(typecheck ? [['type check', 'npx', ['--no-install', 'tsc', '-p', '.', '--noEmit']]] : []),
  // The cache lives in out/ (per checkout, never committed); it makes a second run fast.
  ['eslint', 'npx', ['--no-install', 'eslint', '--cache', '--cache-location', 'out/.eslintcache', '--max-warnings', '0', 'core', 'server', 'client', 'cli', 'test', 'bench']],
];
const failed = [];
for (const [name, command, args] of checks) {
  console.log(`== lint: ${name}`);
  const result = spawnSync(command, args, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`lint failed: ${failed.join(', ')}`);
  process.exitCode = 1;
} else {
  console.log('lint: all checks passed');
}
