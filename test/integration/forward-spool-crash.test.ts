/**
 * Crash safety of the forward spool (issue 12, durability): a child process enqueues and
 * delivers in a loop and is killed with SIGKILL at random moments, again and again. After
 * every kill: each entry on disk is whole and names an object that exists and is that SOP
 * Instance; every object the child acknowledged is, for each destination, delivered or still
 * queued. At the end a drain delivers everything: every acknowledged object reached both
 * destinations, and the spool is empty (no object left behind).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePart10Meta } from '../../core/src/dicom/part10';
import { tempDir } from './peers';

const CHILD = path.join(__dirname, 'forward', 'spool-crash-child.js');
const DESTS = ['A', 'B'];
const ROUNDS = Number(process.env.PACSW_CRASH_ROUNDS ?? 12);

function lines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  // A line cut by the kill has no newline yet: it was never acknowledged.
  return text.split('\n').slice(0, -1).filter(Boolean);
}

function runChild(args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    let timer: NodeJS.Timeout | undefined;
    if (killAfterMs !== undefined) {
      const started = path.join(args[2], 'started');
      const poll = setInterval(() => {
        if (fs.existsSync(started)) {
          clearInterval(poll);
          fs.rmSync(started);
          timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        }
      }, 5);
      child.once('exit', () => clearInterval(poll));
    }
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** What is on disk right now, read without the spool's code (so its bugs cannot hide). */
function inspect(spoolDir: string): { entries: Map<string, Set<string>>; problems: string[]; objects: number } {
  const problems: string[] = [];
  const entries = new Map<string, Set<string>>(DESTS.map((d) => [d, new Set<string>()]));
  for (const dest of DESTS) {
    for (const state of ['pending', 'failed']) {
      const dir = path.join(spoolDir, 'dest', dest, state);
      if (!fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir)) {
        const file = path.join(dir, name);
        let entry: { key: string; sopInstanceUid: string; destination: string };
        try {
          entry = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (e) {
          problems.push(`${dest}/${state}/${name} is not whole: ${(e as Error).message}`);
          continue;
        }
        if (`${entry.key}.json` !== name || entry.destination !== dest) problems.push(`${dest}/${state}/${name} names key ${entry.key} / ${entry.destination}`);
        const object = path.join(spoolDir, 'objects', `${entry.key}.dcm`);
        if (!fs.existsSync(object)) {
          problems.push(`${dest}/${state}/${name}: its object is missing`);
          continue;
        }
        const uid = parsePart10Meta(fs.readFileSync(object)).text(0x00020003);
        if (uid !== entry.sopInstanceUid) problems.push(`${dest}/${state}/${name}: object is ${uid}, entry says ${entry.sopInstanceUid}`);
        entries.get(dest)!.add(entry.sopInstanceUid);
      }
    }
  }
  const objects = fs.readdirSync(path.join(spoolDir, 'objects')).length;
  return { entries, problems, objects };
}

describe('forward spool survives kill -9 at any point', function () {
  this.timeout(180000);
  let root: string;
  before(() => {
    root = tempDir('spool-crash');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it(`keeps every acknowledged object, whole and the same SOP Instance, over ${ROUNDS} kills`, async () => {
    const spoolDir = path.join(root, 'spool');
    const store = path.join(root, 'store');
    const logs = path.join(root, 'logs');
    fs.mkdirSync(store);
    fs.mkdirSync(logs);
    for (let round = 0; round < ROUNDS; round++) {
      const r = await runChild([spoolDir, store, logs, 'work'], 30 + Math.floor(Math.random() * 400));
      assert.equal(r.signal, 'SIGKILL', `round ${round}: the child ended by itself (${r.code}): ${r.output}`);
      assert.equal(lines(path.join(logs, 'violations.log')).length, 0, 'a spooled copy was a different object');
      const seen = inspect(spoolDir);
      assert.deepEqual(seen.problems, [], `round ${round}: entries damaged by the crash`);
      const acked = lines(path.join(logs, 'acked.log'));
      for (const dest of DESTS) {
        const delivered = new Set(lines(path.join(logs, `delivered-${dest}.log`)));
        const lost = acked.filter((uid) => !delivered.has(uid) && !seen.entries.get(dest)!.has(uid));
        assert.deepEqual(lost, [], `round ${round}: acknowledged objects neither delivered to ${dest} nor queued`);
      }
    }
    const acked = lines(path.join(logs, 'acked.log'));
    assert.ok(acked.length > ROUNDS, `only ${acked.length} objects were acknowledged over the rounds: the test did too little`);

    const drain = await runChild([spoolDir, store, logs, 'drain']);
    assert.equal(drain.code, 0, drain.output);
    for (const dest of DESTS) {
      const delivered = new Set(lines(path.join(logs, `delivered-${dest}.log`)));
      assert.deepEqual(acked.filter((uid) => !delivered.has(uid)), [], `acknowledged objects never delivered to ${dest}`);
    }
    const end = inspect(spoolDir);
    assert.deepEqual([...end.entries.values()].map((s) => s.size), [0, 0], 'entries left after the drain');
    assert.equal(end.objects, 0, 'objects left in the spool after every entry was delivered');
    assert.deepEqual(fs.readdirSync(path.join(spoolDir, 'tmp')), [], 'temporary names left after recovery');
  });
});
