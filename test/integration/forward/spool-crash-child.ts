/**
 * A process that uses the forward spool as `pacsw serve` does, as fast as it can, until it is
 * killed: stores objects (durably, as the receiver does), enqueues each for destinations A and
 * B and only then logs it as acknowledged; at the same time takes entries, checks that the
 * spooled copy is the entry's SOP Instance, logs the delivery and completes it (or fails one
 * in ten, and retries failed ones now and then). spool-crash.test.ts kills it with SIGKILL at
 * random points and checks the invariants. `drain` mode only delivers, until nothing is left.
 *
 * usage: node spool-crash-child.js SPOOL STORE LOGS work|drain
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForwardSpool } from '../../../core/src/forward/spool';
import { parsePart10Meta } from '../../../core/src/dicom/part10';
import { makePart10, uniqueUid, SECONDARY_CAPTURE } from './part10-maker';

const [spoolDir, storeDir, logDir, mode] = process.argv.slice(2);
const DESTS = ['A', 'B'];

function appendDurable(file: string, line: string): void {
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, line + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function storeDurable(uid: string): string {
  const file = path.join(storeDir, `${uid}.dcm`);
  const temp = file + '.tmp';
  const fd = fs.openSync(temp, 'w');
  fs.writeSync(fd, makePart10({ sopInstanceUid: uid, payloadBytes: 200 + Math.floor(Math.random() * 2000) }));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(temp, file);
  return file;
}

async function produce(spool: ForwardSpool): Promise<void> {
  for (;;) {
    const uid = uniqueUid();
    const file = storeDurable(uid);
    await spool.enqueue({ file, sopClassUid: SECONDARY_CAPTURE, sopInstanceUid: uid, transferSyntaxUid: '1.2.840.10008.1.2.1', callingAe: 'MOD', receivedAt: new Date().toISOString() }, DESTS);
    appendDurable(path.join(logDir, 'acked.log'), uid);
  }
}

async function consume(spool: ForwardSpool, dest: string, drain: boolean): Promise<void> {
  let round = 0;
  for (;;) {
    round++;
    if (drain && round === 1) spool.retry(dest);
    else if (!drain && round % 7 === 0) spool.retry(dest);
    const keys = spool.keys(dest, 'pending');
    if (keys.length === 0) {
      if (drain) return;
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    for (const key of keys.slice(0, 20)) {
      const entry = await spool.read(dest, 'pending', key);
      if (!entry) continue;
      const bytes = fs.readFileSync(spool.objectPath(key));
      const uid = parsePart10Meta(bytes).text(0x00020003);
      if (uid !== entry.sopInstanceUid) {
        appendDurable(path.join(logDir, 'violations.log'), `${dest} ${key}: entry ${entry.sopInstanceUid}, object ${uid}`);
        process.exit(3);
      }
      if (!drain && Math.random() < 0.1) {
        await spool.fail(entry, { reason: 'test failure' });
        continue;
      }
      appendDurable(path.join(logDir, `delivered-${dest}.log`), entry.sopInstanceUid);
      await spool.complete(dest, key);
    }
  }
}

async function main(): Promise<void> {
  const spool = ForwardSpool.open(spoolDir, { lock: true, minFreeBytes: 0 });
  if (mode === 'drain') {
    await Promise.all(DESTS.map((d) => consume(spool, d, true)));
    spool.rebuildRefs(true);
    process.stdout.write(`drained; objects left: ${spool.objectCount()}\n`);
    return;
  }
  fs.writeFileSync(path.join(logDir, 'started'), String(process.pid));
  await Promise.all([produce(spool), ...DESTS.map((d) => consume(spool, d, false))]);
}

main().catch((error: unknown) => {
  process.stderr.write(`spool-crash-child: ${(error as Error).stack}\n`);
  process.exit(2);
});
