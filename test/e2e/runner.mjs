// End-to-end test runner: runs the mocha suite in out/test/e2e/suite inside a real VS Code
// (code-server + headless Chromium), the same contract as @vscode/test-electron's runTests:
// the workbench loads our extension for development and calls the tests module's run().
// Usage: node test/e2e/runner.mjs [--untrusted | --fresh]   (after `npm run build` and `tsc -p .`)
import { cpSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, freePort, startCodeServer, workbenchUrl } from './codeServer.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What the suite prints (test/e2e/mochaInHost.ts); keep the two in step. */
const OUTPUT_PREFIX = '[pacsw-e2e] ';
const RESULT_LINE = /PACSW_E2E_RESULT passed=(\d+) failed=(\d+) pending=(\d+)/;

/**
 * Runs an e2e suite once: out/test/e2e/<suiteDir>. `trusted: false` leaves workspace trust on,
 * so the workspace opens in restricted mode (the suite in test/e2e/untrusted); `workspace:
 * 'empty'` opens an empty folder instead of a copy of the example workspace, so that nothing
 * activates the extension (the suite in test/e2e/fresh). Resolves to { passed, failed, skipped,
 * exitCode }; never leaves code-server or Chromium running, whatever happens.
 */
export async function runE2E({ suiteDir = 'suite', trusted = true, workspace = 'examples', timeoutMs = 5 * 60_000, verbose = !!process.env.PACSW_E2E_VERBOSE, print = (line) => console.log(line) } = {}) {
  let result;
  const emptyFolder = workspace === 'empty' ? mkdtempSync(path.join(os.tmpdir(), 'pacsw-e2e-empty-')) : undefined;
  const exitCode = await runInVSCode({
    testsModule: path.join(repo, 'out', 'test', 'e2e', suiteDir, 'index.js'),
    trusted,
    // Tests edit and create files, so they get a copy of the example workspace.
    workspaceSource: emptyFolder ?? path.join(repo, 'examples', 'workspace'),
    timeoutMs,
    verbose,
    print,
    onLog: (text) => {
      const match = RESULT_LINE.exec(text);
      if (match) result = { passed: +match[1], failed: +match[2], skipped: +match[3] };
      // Only the test output is of interest; the workbench's own logging is noise unless asked for.
      if (verbose) print(text.replace(/\s+$/, ''));
      else if (text.includes(OUTPUT_PREFIX) && !match) print(testOutput(text));
    },
  }).finally(() => emptyFolder && rmSync(emptyFolder, { recursive: true, force: true }));
  if (!result) {
    // The suite never reached its summary (e.g. run() threw while loading): count that as a failure.
    print(`e2e: the suite ended with exit code ${exitCode} without reporting results`);
    result = { passed: 0, failed: 1, skipped: 0 };
  }
  return { ...result, exitCode };
}

/**
 * Opens a copy of `workspaceSource` in a fresh code-server with this repository loaded as the
 * extension under development, lets VS Code run `testsModule`'s run(), and resolves to the exit
 * code VS Code reports. `onLog` sees every log message the workbench hands out.
 */
export async function runInVSCode({ testsModule, workspaceSource, trusted = true, timeoutMs, verbose, print, onLog }) {
  if (!existsSync(testsModule)) throw new Error(`${testsModule} is missing: run tsc -p . first`);
  if (!existsSync(path.join(repo, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');

  const temp = mkdtempSync(path.join(os.tmpdir(), 'pacsw-e2e-'));
  const removeTemp = () => process.env.PACSW_E2E_KEEP || rmSync(temp, { recursive: true, force: true });
  process.on('exit', removeTemp); // also when interrupted
  const workspace = path.join(temp, 'workspace');
  cpSync(workspaceSource, workspace, { recursive: true });

  const serverLog = [];
  let server;
  let browser;
  let timer;
  try {
    const port = await freePort();
    server = await startCodeServer({
      port,
      stateDir: path.join(temp, 'code-server'),
      smokeTestDriver: true,
      workspaceTrust: !trusted,
      log: (text) => serverLog.push(text),
    });
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();

    let exited;
    const finished = new Promise((resolve, reject) => {
      exited = resolve;
      timer = setTimeout(() => reject(new Error(`VS Code did not finish the tests within ${timeoutMs / 1000} s`)), timeoutMs);
      server.exited.then(({ code, signal }) => reject(new Error(`code-server exited early (code ${code}, signal ${signal})`)));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      onLog((Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
    await page.exposeFunction('codeAutomationExit', (code) => exited(code));
    page.on('pageerror', (error) => verbose && print(`[page error] ${error.message}`));

    // Playwright's default of 30 s for the page's load event is short on a loaded 2-core machine.
    await page.goto(workbenchUrl({ url: server.url, port, folder: workspace, extensionPath: repo, extensionTestsPath: testsModule }), { timeout: 120_000 });
    return await finished;
  } catch (error) {
    if (serverLog.length && !verbose) print(`--- code-server output ---\n${serverLog.join('').slice(-4000)}`);
    throw error;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    process.off('exit', removeTemp);
    removeTemp();
  }
}

/** The suite's lines without their prefix (and without any workbench decoration before it). */
function testOutput(text) {
  return text
    .split('\n')
    .filter((line) => line.includes(OUTPUT_PREFIX))
    .map((line) => line.slice(line.indexOf(OUTPUT_PREFIX) + OUTPUT_PREFIX.length).replace(/\s+$/, ''))
    .join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Exiting runs the 'exit' handlers that end code-server's process group.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  // `--untrusted` runs the restricted-mode suite (test/e2e/untrusted) instead, `--fresh` the
  // one in an empty workspace (test/e2e/fresh).
  const options = process.argv.includes('--untrusted') ? { suiteDir: 'untrusted', trusted: false }
    : process.argv.includes('--fresh') ? { suiteDir: 'fresh', workspace: 'empty' } : {};
  runE2E(options)
    .then(({ passed, failed, skipped }) => {
      console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
      process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
    })
    .catch((error) => {
      console.error(`e2e: ${error.message}`);
      process.exitCode = 1;
    });
}
