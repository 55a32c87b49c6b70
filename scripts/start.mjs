// `npm start`: builds the extension and opens it, for development, on a workspace
// (default examples/workspace; another folder can be given as the first argument).
// - With a desktop VS Code (`code` on PATH): code --extensionDevelopmentPath=<repo> <folder>
// - Otherwise: code-server on http://127.0.0.1:$PORT (default 8080) with the extension loaded;
//   open the printed URL in a browser. Ctrl+C stops it. Installs code-server first if needed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCodeServerInstalled, linkExtension, startCodeServer } from '../test/e2e/codeServer.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const folder = path.resolve(process.argv[2] ?? path.join(repo, 'examples', 'workspace'));
if (!existsSync(folder)) fail(`no such folder: ${folder}`);

run('npm', ['run', '--silent', 'build']);

const code = process.env.PACSW_NO_DESKTOP ? undefined : findOnPath('code');
if (code) {
  console.log(`opening ${folder} in VS Code (${code}) with the extension under development`);
  run(code, [`--extensionDevelopmentPath=${repo}`, folder]);
} else {
  await startInCodeServer();
}

async function startInCodeServer() {
  if (!isCodeServerInstalled()) {
    console.log('code-server is not installed yet; installing it (a few minutes, once)');
    run('bash', [path.join(repo, 'scripts', 'install-code-server.sh')]);
  }
  const port = Number(process.env.PORT || 8080);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`PORT must be a port number, got ${process.env.PORT}`);
  // Kept between runs (git-ignored), so open editors and settings survive a restart.
  const stateDir = process.env.PACSW_START_STATE_DIR || path.join(repo, '.e2e', 'start');
  linkExtension(stateDir, repo);
  writeDefaultUserSettings(path.join(stateDir, 'user-data', 'User', 'settings.json'));
  let server;
  try {
    server = await startCodeServer({
      port,
      stateDir,
      log: (text) => process.env.PACSW_VERBOSE && process.stdout.write(text),
    });
  } catch (error) {
    fail(`${error.message}\n(is port ${port} taken? choose another with PORT=8081 npm start)`);
  }
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.exited.then(({ code: exitCode }) => {
    if (stopping) return;
    console.error(`code-server stopped (exit ${exitCode})`);
    process.exit(1);
  });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  console.log(`PACS Workbench is running in code-server (VS Code in the browser).\nOpen this URL:\n\n  ${url}\n\nCtrl+C stops it.`);
}

/** First start only: a quiet workbench that shows the extension rather than the AI chat. */
function writeDefaultUserSettings(file) {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
  };
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

function findOnPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}
