// Runs the project's benchmarks and ends with a summary. Usage:
//   node scripts/run-bench.mjs              build, compile, then every benchmark
//   node scripts/run-bench.mjs coercion     only benchmarks whose file name contains "coercion"
//   node scripts/run-bench.mjs --quick      fewer runs: passed on to the benchmarks whose source
//                                          mentions `--quick` (others take positional numbers)
// A benchmark is a bench/**/*.bench.mjs driver, or a compiled out/bench/**/*.bench.js that has
// no driver of the same name (a driver such as activation.bench.mjs loads its .js into VS Code
// itself). Each runs in its own Node process. Summary lines are the benchmark's `BENCH {json}`
// lines, or else its last line of output. Exits non-zero when a benchmark failed or missed a target.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const passOn = args.filter((a) => a.startsWith('--'));
const filters = args.filter((a) => !a.startsWith('--'));

console.log('== build (npm run build)');
if (spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' }).status !== 0) {
  console.error('build failed; no benchmark was run');
  process.exit(1);
}
console.log('== compile (tsc -p .)');
// tsc still emits when another part of the tree has type errors; benchmarks of intact parts run.
if (spawnSync('npx', ['--no-install', 'tsc', '-p', '.'], { cwd: repo, stdio: 'inherit' }).status !== 0) {
  console.log('   (tsc reported errors; running what was emitted)');
}

const find = (dir, suffix) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(suffix)).map((f) => path.join(dir, f))
    : [];
const drivers = find(path.join(repo, 'bench'), '.bench.mjs');
const driverNames = new Set(drivers.map((f) => path.basename(f, '.mjs')));
const compiled = find(path.join(repo, 'out', 'bench'), '.bench.js').filter((f) => !driverNames.has(path.basename(f, '.js')));
const benches = [...drivers, ...compiled]
  .filter((f) => filters.length === 0 || filters.some((w) => path.basename(f).includes(w)))
  .sort();

if (benches.length === 0) {
  console.error(`no benchmark found${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}

const summary = [];
for (const file of benches) {
  const name = path.relative(repo, file);
  console.log(`\n== ${name}`);
  const { status, lines } = await run(file);
  const results = lines.filter((l) => l.startsWith('BENCH ')).map((l) => JSON.parse(l.slice(6)));
  const last = lines.filter((l) => l.trim()).at(-1) ?? '';
  summary.push({ name, status, results, last });
}

console.log('\n== summary');
let failed = false;
for (const s of summary) {
  console.log(`${s.name}: ${s.status === 0 ? 'ok' : `exit ${s.status}`}`);
  if (s.status !== 0) failed = true;
  if (s.results.length === 0) console.log(`  ${s.last}`);
  for (const r of s.results) {
    const target = r.target ? ` [target ${r.target}: ${r.met ? 'met' : 'MISSED'}]` : '';
    console.log(`  ${r.name}: median ${r.medianMs} ms, p95 ${r.p95Ms} ms${target}`);
    if (r.met === false) failed = true;
  }
}
process.exitCode = failed ? 1 : 0;

function run(file) {
  return new Promise((resolve) => {
    const source = readFileSync(file, 'utf8');
    const flags = passOn.filter((flag) => source.includes(flag));
    const child = spawn(process.execPath, [file, ...flags], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code, signal) => resolve({ status: code ?? signal, lines: output.split('\n') }));
  });
}
