// `npm run fuzz -- [--seed N] [--seconds S] [--target lsp,check,apply,serve] [--inputs N] [--out DIR]`
// and `npm run fuzz -- --replay FILE` (docs/fuzzing.md): builds the bundles the fuzzer drives
// (dist/server.js, dist/pacsw.js) and the compiled tree (out/, where the harness and the CLI's
// command functions live), then runs out/test/fuzz/main.js with the arguments.
// `--no-build` skips both steps (for a second run on an unchanged tree).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const passOn = args.filter((a) => a !== '--no-build');

if (build) {
  console.log('== build (npm run build) and compile (tsc -p .)');
  if (spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' }).status !== 0) process.exit(2);
  if (spawnSync('npx', ['--no-install', 'tsc', '-p', '.'], { cwd: repo, stdio: 'inherit' }).status !== 0) process.exit(2);
}
const run = spawnSync(process.execPath, [path.join(repo, 'out', 'test', 'fuzz', 'main.js'), ...passOn], { cwd: repo, stdio: 'inherit' });
process.exit(run.status ?? 2);
