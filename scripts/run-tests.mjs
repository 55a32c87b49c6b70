// Runs the project's test suites in order and ends with one summary line, `N passed, N failed`
// (plus `, N skipped` when any were). Usage:
//   node scripts/run-tests.mjs            build, lint, type-check, then unit, lsp, integration, e2e
//   node scripts/run-tests.mjs unit lsp   the same, but only the named suites
//   node scripts/run-tests.mjs desktop    e2e suite in a locally installed desktop VS Code
// Exits non-zero when a test failed, a suite could not run, or no test ran at all.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MOCHA_SUITES = ['unit', 'lsp', 'integration'];
const ALL_SUITES = [...MOCHA_SUITES, 'e2e'];
// Bounds for one suite, so CI fails with a reason instead of hanging (override in minutes).
const SUITE_TIMEOUT_MS = Number(process.env.PACSW_SUITE_TIMEOUT_MIN || 20) * 60_000;

// Suites run in their own process groups; Ctrl+C must end them too (via the 'exit' handlers).
const childGroups = new Set();
process.on('exit', () => {
  for (const pid of childGroups) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => ![...ALL_SUITES, 'desktop'].includes(name));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; choose from ${[...ALL_SUITES, 'desktop'].join(', ')}`);
  process.exit(2);
}
const suites = requested.length ? requested : ALL_SUITES;
const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

step('build', 'npm', ['run', '--silent', 'build']);
// The whole suite (npm test) lints first; a run of named suites skips it to stay quick.
if (requested.length === 0) step('lint (layers, ESLint)', process.execPath, ['scripts/lint.mjs', '--no-typecheck']);
step('type check (tsc -p .)', 'npx', ['--no-install', 'tsc', '-p', '.']);

for (const suite of suites) {
  if (MOCHA_SUITES.includes(suite)) await runMochaSuite(suite);
  else if (suite === 'e2e') await runE2ESuite();
  else if (suite === 'desktop') await runDesktopSuite();
}

if (problems.length) console.log(`\nproblems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
const ran = totals.passed + totals.failed;
if (ran === 0) console.log('\nno tests ran');
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exitCode = totals.failed > 0 || problems.length > 0 || ran === 0 ? 1 : 0;

/** Runs a preparation step; if it fails, nothing after it can be trusted, so stop here. */
function step(title, command, args) {
  console.log(`\n== ${title}`);
  const result = spawnSync(command, args, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`\n${title} failed (exit ${result.status ?? result.signal}); no tests were run`);
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/**
 * Mocha as a child process (so one suite's leftovers cannot disturb the next, and .mocharc
 * files apply), with its spec output shown as it comes and its summary lines counted.
 */
async function runMochaSuite(suite) {
  const files = testFiles(path.join(repo, 'out', 'test', suite));
  console.log(`\n== ${suite} (${files.length} file${files.length === 1 ? '' : 's'})`);
  if (files.length === 0) {
    console.log(`   skipped: no out/test/${suite}/**/*.test.js yet`);
    return;
  }
  const mocha = path.join(repo, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const child = spawn(process.execPath, [mocha, '--reporter', 'spec', '--no-color', ...files], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Own process group, so a hung suite can be ended with every DICOM peer it started.
    detached: true,
  });
  childGroups.add(child.pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }, SUITE_TIMEOUT_MS);
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  const status = await new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  clearTimeout(timer);
  childGroups.delete(child.pid);
  if (timedOut) {
    problems.push(`${suite}: stopped after ${SUITE_TIMEOUT_MS / 60_000} minutes (a test or a handle it left open hangs)`);
    totals.failed += 1;
  }
  const count = (word) => {
    const all = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : 0;
  };
  const result = { passed: count('passing'), failed: count('failing'), skipped: count('pending') };
  add(suite, result);
  if (status !== 0 && result.failed === 0 && !timedOut) {
    // Mocha stopped before its summary, e.g. a test file failed to load.
    problems.push(`${suite}: mocha exited with ${status} without reporting a failing test`);
    totals.failed += 1;
  }
}

async function runE2ESuite() {
  const { runE2E } = await import('../test/e2e/runner.mjs');
  // The main suite with workspace trust off, then test/e2e/untrusted in restricted mode, then
  // test/e2e/fresh in an empty workspace (activation by a command).
  const runs = [
    { name: 'e2e', title: 'e2e (VS Code in code-server, driven by headless Chromium)', options: {} },
    { name: 'e2e untrusted', title: 'e2e untrusted (the same, in a workspace VS Code does not trust)', options: { suiteDir: 'untrusted', trusted: false } },
    { name: 'e2e fresh', title: 'e2e fresh (the same, in an empty workspace: activation by a command)', options: { suiteDir: 'fresh', workspace: 'empty' } },
  ];
  for (const { name, title, options } of runs) {
    console.log(`\n== ${title}`);
    try {
      const result = await runE2E({ ...options, timeoutMs: Number(process.env.PACSW_E2E_TIMEOUT_MIN || 5) * 60_000 });
      add(name, result);
      if (result.passed + result.failed === 0) problems.push(`${name}: no test ran`);
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
      totals.failed += 1;
    }
  }
}

async function runDesktopSuite() {
  console.log('\n== e2e in desktop VS Code (@vscode/test-electron, local `code` only)');
  const code = findOnPath('code');
  if (!code) {
    problems.push('desktop: no `code` on PATH; this path needs a local VS Code (offline machines use the e2e suite)');
    return;
  }
  const { runTests } = await import('@vscode/test-electron');
  try {
    await runTests({
      vscodeExecutablePath: desktopExecutable(code),
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(repo, 'out', 'test', 'e2e', 'suite', 'index.js'),
      launchArgs: [path.join(repo, 'examples', 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
    });
    // test-electron only reports success or failure; the suite's own output has the counts.
    totals.passed += 1;
  } catch (error) {
    problems.push(`desktop: ${error.message ?? error}`);
    totals.failed += 1;
  }
}

/**
 * `code` on the PATH is usually the CLI script; test-electron wants the program itself. On
 * Linux the script is <install>/bin/code and the program <install>/code.
 */
function desktopExecutable(cli) {
  const script = realpathSync(cli);
  const program = path.join(path.dirname(script), '..', 'code');
  return path.basename(path.dirname(script)) === 'bin' && existsSync(program) ? program : script;
}

function add(suite, { passed, failed, skipped = 0 }) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  console.log(`   ${suite}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}

function findOnPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}
