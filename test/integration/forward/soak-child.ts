/**
 * A forwarding process for the soak test: enqueues N small objects (written as the receiver
 * stores them) for one destination, `inFlight` at a time, while the forwarder sends them; prints
 * one JSON line with RSS, the JS heap in use (after a full GC) and reserved, external memory and
 * open file descriptors at the start, after each tenth, once the first half is delivered, and
 * once everything is delivered and the association released.
 *
 * usage: node soak-child.js SPOOL STORE PORT AE N
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeForwarder, storeObjects, tableText } from './peers';

const [spoolDir, store, port, ae, count] = process.argv.slice(2);
const N = Number(count);

function sample(phase: string, extra: Record<string, unknown> = {}): number {
  const names = fs.readdirSync('/proc/self/fd');
  const what = names.map((n) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${n}`);
    } catch {
      return '?';
    }
  });
  const memory = process.memoryUsage();
  process.stdout.write(JSON.stringify({ phase, rss: memory.rss, heap: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, fds: names.length, what, ...extra }) + '\n');
  return names.length;
}

const openDescriptors = (): number => fs.readdirSync('/proc/self/fd').length;

async function drained(forwarder: ReturnType<typeof makeForwarder>['forwarder'], n: number): Promise<void> {
  while (forwarder.status()[0].deliveredSinceStart < n || forwarder.status()[0].associations > 0) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (global.gc) global.gc();
}

async function main(): Promise<void> {
  const { forwarder } = makeForwarder(spoolDir, tableText([{ id: 'SINK', ae, port: Number(port) }]), { lingerMs: 200 });
  let next = 0;
  const run = async (total: number, every: number) => {
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const [o] = storeObjects(path.join(store, String(i % 100)), 1, { payloadBytes: 512 });
        await forwarder.enqueue(o);
        if ((i + 1) % every === 0) {
          if (global.gc) global.gc();
          sample('enqueued', { n: i + 1, delivered: forwarder.status()[0].deliveredSinceStart });
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  };
  // Warm-up: a first run of 100 (one-time descriptors and buffers), then the baseline.
  await run(100, 1000);
  await drained(forwarder, 100);
  const startFds = sample('start');
  const started = Date.now();
  // Two halves, each drained: the first grows V8's heap to what this load needs, the second
  // may not grow memory further (a leak per object would).
  const half = 100 + Math.floor(N / 2);
  await run(half, Math.ceil(N / 10));
  await drained(forwarder, half);
  sample('half', { n: half - 100 });
  await run(100 + N, Math.ceil(N / 10));
  await drained(forwarder, 100 + N);
  // A released association's socket is closed by libuv a moment after the forwarder counts it
  // gone; give it a second (a leaked descriptor stays, and the test says so).
  for (let i = 0; i < 20 && openDescriptors() > startFds; i++) await new Promise((r) => setTimeout(r, 50));
  sample('done', { n: N, ms: Date.now() - started, status: forwarder.status()[0] });
  await forwarder.stop(true);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak-child: ${(error as Error).stack}\n`);
  process.exit(2);
});
