/** `pacsw serve` as its own process for the network benchmarks (net, forward). */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from '../test/integration/peers';

const PACSW = path.resolve(__dirname, '../../dist/pacsw.js');

/** Started on a free port, resolved once it prints its `listening` event; `stop` sends Ctrl+C and waits for the exit. */
export async function startServe(table: string, store: string, env: NodeJS.ProcessEnv = {}): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [PACSW, 'serve', '--devices', table, '--store', store, '--port', String(port), '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (/"event":\s*"listening"/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`pacsw serve exited with ${code}: ${err.slice(-500)}`)));
  });
  // Events are not read after start-up: drain them so the pipe never fills and blocks the node.
  child.stdout!.removeAllListeners('data');
  child.stdout!.resume();
  return {
    port, pid: child.pid!,
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGINT')))),
  };
}
