/**
 * The durable forward queue on disk: a spool folder in the manner of a mail queue. Design and
 * the reasons for it: docs/forwarding.md. Layout:
 *
 *   <dir>/VERSION                         format marker
 *   <dir>/lock                            pid of the process that forwards (one at a time)
 *   <dir>/objects/<key>.dcm               the spool's own name for the stored Part 10 file (hard link)
 *   <dir>/dest/<dest>/pending/<key>.json  one entry per destination per object, waiting
 *   <dir>/dest/<dest>/failed/<key>.json   permanently failed, with the reason
 *   <dir>/dest/<dest>/state.json          last error and next retry (for `pacsw queue`)
 *   <dir>/tmp/                            names being written; emptied on open
 *   <dir>/corrupt/                        entries that could not be read (never deleted silently)
 *
 * Every name appears by rename or link of a complete file, and the folders are fsynced before
 * `enqueue` resolves. A killed process leaves each entry whole or absent, and never an entry
 * without its object (the object is linked first). A pending entry's contents are not fsynced:
 * after a power loss one may be cut, and is then made again from its object, whose file meta
 * has everything the sender needs (docs/forwarding.md says why: one fsync less per object).
 * Removing names needs no fsync: a removal lost in a crash only means a delivery repeated
 * (at-least-once), of the same object.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../dicom/files';
import { freeBytes, linkOrCopy, syncDir, syncDirSync, writeFileDurable, writeFileNow } from './durable';
import { parsePart10Meta } from '../dicom/part10';
import type { StoredObject } from '../receiver/types';

/** What the receiver hands over for each stored object: its StoredObject, one shape for both. */
export type SpoolObject = StoredObject;

export interface EntryFailure {
  reason: string;
  /** DIMSE status of the refusal, when the destination answered one. */
  status?: number;
  at: string;
}

export interface QueueEntry extends Omit<SpoolObject, 'file'> {
  v: 1;
  key: string;
  destination: string;
  enqueuedAt: string;
  /** Where the receiver stored it (for people; the spool sends its own copy). */
  source: string;
  /** Set in failed/ entries, and kept on an entry retried from failed/. */
  failure?: EntryFailure;
}

export type EntryState = 'pending' | 'failed';

/** What `pacsw queue` and the Traffic view show per destination between runs. */
export interface DestinationState {
  lastError?: string;
  lastErrorAt?: string;
  nextRetryAt?: string;
  consecutiveFailures?: number;
  lastDeliveredAt?: string;
}

/** Refusal to take a new object: disk (nearly) full. `code` is ENOSPC like the system's own. */
export class SpoolFullError extends Error {
  readonly code = 'ENOSPC';
  constructor(message: string) {
    super(message);
    this.name = 'SpoolFullError';
  }
}

/** Another live process forwards from this spool. */
export class SpoolLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the forward queue ${dir} is in use by process ${pid} (a running pacsw serve); stop it first, or leave the forwarding to it`);
    this.name = 'SpoolLockedError';
  }
}

export interface SpoolOptions {
  /** Refuse new objects when fewer bytes than this are free (default 64 MiB). */
  minFreeBytes?: number;
  /** Told about entries moved to corrupt/ and other things an operator should see. */
  log?: (message: string) => void;
}

const VERSION_TEXT = 'pacsw forward spool 1\n';
const KEY_RE = /^[0-9a-z]{9}-[0-9a-z]{6}-[0-9a-f]{8}$/;
const DEFAULT_MIN_FREE = 64 * 1024 * 1024;
const NOT_JSON = 'not valid JSON';
/** Entries kept in memory for the forwarder (about 500 bytes each). */
const MAX_WRITTEN = 20000;
/** Objects up to this size are read synchronously (microseconds from the page cache). */
const SYNC_READ_MAX = 1024 * 1024;

/** When a key was made (ms since 1970): its first part. */
export function keyTime(key: string): number {
  return parseInt(key.slice(0, 9), 36);
}

/** Destination folder name for a device ID: readable, and never `.`, `..` or a path. */
export function destinationDirName(id: string): string {
  const enc = id.replace(/[^A-Za-z0-9_-]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  return enc.length ? enc : '%';
}

function destinationIdOf(dirName: string): string | undefined {
  try {
    return dirName === '%' ? '' : decodeURIComponent(dirName);
  } catch {
    return undefined;
  }
}

export class ForwardSpool {
  readonly dir: string;
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  private readonly destRoot: string;
  private readonly minFreeBytes: number;
  private readonly log: (message: string) => void;
  private seq = 0;
  /** key → destinations with a pending or failed entry, for removing objects no one needs. */
  private readonly refs = new Map<string, Set<string>>();
  /** Keys whose enqueue has not finished: never collected as orphans. */
  private readonly inFlight = new Set<string>();
  private readonly madeDest = new Set<string>();
  private readonly destDirs = new Map<string, string>();
  /**
   * Entries this process wrote and has not settled (`<destination>/<key>` → entry), so that the
   * forwarder does not read back what it has just written; bounded, a miss reads the file.
   */
  private readonly written = new Map<string, QueueEntry>();
  private randomPool = Buffer.alloc(0);
  private randomAt = 0;
  private unlock?: () => void;
  private maybeWrittenElsewhere: (key: string) => boolean = () => false;

  private constructor(dir: string, options: SpoolOptions) {
    this.dir = path.resolve(dir);
    this.objectsDir = path.join(this.dir, 'objects');
    this.tmpDir = path.join(this.dir, 'tmp');
    this.destRoot = path.join(this.dir, 'dest');
    this.minFreeBytes = options.minFreeBytes ?? DEFAULT_MIN_FREE;
    this.log = options.log ?? (() => undefined);
  }

  /**
   * Opens (creating if needed) the spool in `dir`. With `lock` (the forwarding process, or a
   * command while none runs) this process becomes its one forwarder — SpoolLockedError when a
   * live process already is — and recovery runs: tmp/ is emptied, entries left in both pending/
   * and failed/ by a crash are settled, and objects no entry refers to are removed.
   */
  static open(dir: string, options: SpoolOptions & { lock?: boolean } = {}): ForwardSpool {
    const spool = new ForwardSpool(dir, options);
    spool.create();
    if (options.lock) {
      const got = spool.acquireLock();
      if ('heldBy' in got) throw new SpoolLockedError(spool.dir, got.heldBy);
      spool.unlock = got.release;
    }
    spool.rebuildRefs(!!options.lock);
    return spool;
  }

  /** Gives up the lock (the spool stays usable for reading). */
  close(): void {
    this.unlock?.();
    this.unlock = undefined;
  }

  /** True when `dir` already holds a spool (commands that only read must not create one). */
  static exists(dir: string): boolean {
    return fs.existsSync(path.join(dir, 'VERSION'));
  }

  private create(): void {
    const versionFile = path.join(this.dir, 'VERSION');
    if (fs.existsSync(versionFile)) {
      const text = fs.readFileSync(versionFile, 'utf8');
      if (text !== VERSION_TEXT) throw new Error(`${this.dir} is not a forward spool of this version (VERSION says ${JSON.stringify(text.trim())})`);
    }
    for (const d of [this.dir, this.objectsDir, this.tmpDir, this.destRoot, path.join(this.dir, 'corrupt')]) fs.mkdirSync(d, { recursive: true });
    if (!fs.existsSync(versionFile)) {
      writeFileAtomic(versionFile, Buffer.from(VERSION_TEXT));
      syncDirSync(this.dir);
    }
  }

  /**
   * Makes this process the spool's one forwarder (the `lock` file holds its pid). Returns a
   * release function, or the pid of the live process that holds it. A lock left by a dead
   * process (kill -9, a crash) is taken over.
   */
  private acquireLock(): { release: () => void } | { heldBy: number } {
    const file = path.join(this.dir, 'lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        return { release: () => fs.rmSync(file, { force: true }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid > 0 && pid !== process.pid && processAlive(pid)) return { heldBy: pid };
      fs.rmSync(file, { force: true });
    }
    throw new Error(`cannot take the lock ${file}`);
  }

  // ---- taking objects in ------------------------------------------------------------------

  /**
   * Queues `obj` for each of `destinations`; durable when it resolves. Throws SpoolFullError
   * (before writing anything) when the disk is nearly full; any other failure leaves no entry
   * of this object behind.
   */
  async enqueue(obj: SpoolObject, destinations: string[]): Promise<string | undefined> {
    if (destinations.length === 0) return undefined;
    const key = this.newKey();
    this.inFlight.add(key);
    try {
      this.adopt(key, await this.writeEntries(key, obj, destinations));
      return key;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /**
   * The disk half of `enqueue` under a key from `newKey`: the object's link and one entry per
   * destination, durable when it resolves; nothing of the object is left behind when it throws.
   * Keeps no bookkeeping, so that another thread's spool (the sending thread, sendThread.ts)
   * can `adopt` the entries.
   */
  async writeEntries(key: string, obj: SpoolObject, destinations: string[]): Promise<QueueEntry[]> {
    this.checkSpace();
    const objectFile = this.objectPath(key);
    const created: string[] = [];
    const entries: QueueEntry[] = [];
    try {
      // The object first: a killed process never leaves an entry without its object.
      await linkOrCopy(obj.file, objectFile, path.join(this.tmpDir, `${key}.dcm`));
      created.push(objectFile);
      const enqueuedAt = new Date().toISOString();
      const dirs = new Set<string>([this.objectsDir]);
      for (const destination of destinations) {
        const entry: QueueEntry = {
          v: 1, key, destination,
          sopClassUid: obj.sopClassUid, sopInstanceUid: obj.sopInstanceUid, transferSyntaxUid: obj.transferSyntaxUid,
          callingAe: obj.callingAe, deviceId: obj.deviceId, receivedAt: obj.receivedAt, enqueuedAt, source: obj.file,
        };
        const pendingDir = this.ensureDest(destination, 'pending');
        const file = path.join(pendingDir, `${key}.json`);
        writeFileNow(path.join(this.tmpDir, `${key}.${destinationDirName(destination)}.json`), file, JSON.stringify(entry) + '\n');
        created.push(file);
        dirs.add(pendingDir);
        entries.push(entry);
      }
      // One group of folder fsyncs makes the object's name and its entries' names durable together.
      await Promise.all([...dirs].map((d) => syncDir(d)));
      return entries;
    } catch (error) {
      // Entries first, so that no entry outlives its object.
      for (const f of created.reverse()) await fsp.rm(f, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** Entries of one object are durable (writeEntries): the spool needs the object until each is settled. */
  adopt(key: string, entries: QueueEntry[]): void {
    this.refs.set(key, new Set(entries.map((e) => e.destination)));
    for (const e of entries) if (this.written.size < MAX_WRITTEN) this.written.set(`${e.destination}/${key}`, e);
  }

  /**
   * Tells which keys found on disk another thread (sendThread.ts) may still be writing: they
   * are not this spool's to send before they are adopted.
   */
  othersWriting(maybe: (key: string) => boolean): void {
    this.maybeWrittenElsewhere = maybe;
  }

  /** Forgets which objects are needed (a spool whose entries another thread sends and settles). */
  forgetRefs(): void {
    this.refs.clear();
  }

  private checkSpace(): void {
    if (this.minFreeBytes <= 0) return;
    let free: number;
    try {
      free = freeBytes(this.dir);
    } catch {
      return; // no statfs here: the writes themselves will say ENOSPC
    }
    if (free < this.minFreeBytes) {
      throw new SpoolFullError(
        `forward queue ${this.dir}: only ${mib(free)} free, at least ${mib(this.minFreeBytes)} needed; ` +
          'new objects are refused until space is freed (deliver or drop queued objects, or free the disk)',
      );
    }
  }

  /** A new key: later keys sort after earlier ones, and none repeats. */
  newKey(): string {
    this.seq = (this.seq + 1) % 36 ** 6;
    // Random bits from a pool refilled every 1,024 keys: one randomBytes call per key was a visible cost.
    if (this.randomAt + 4 > this.randomPool.length) {
      this.randomPool = randomBytes(4096);
      this.randomAt = 0;
    }
    const random = this.randomPool.toString('hex', this.randomAt, (this.randomAt += 4));
    return `${Date.now().toString(36).padStart(9, '0')}-${this.seq.toString(36).padStart(6, '0')}-${random}`;
  }

  /** `dest/<destination>/<state>`, joined once per destination (it is on every enqueue's path). */
  private destDir(destination: string, state: EntryState): string {
    const id = `${state}/${destination}`;
    let d = this.destDirs.get(id);
    if (d === undefined) this.destDirs.set(id, (d = path.join(this.destRoot, destinationDirName(destination), state)));
    return d;
  }

  private ensureDest(destination: string, state: EntryState): string {
    const d = this.destDir(destination, state);
    if (!this.madeDest.has(d)) {
      fs.mkdirSync(d, { recursive: true });
      this.madeDest.add(d);
    }
    return d;
  }

  // ---- reading ----------------------------------------------------------------------------

  /**
   * True while `enqueue` of `key` has not finished: some of its entries may already be in their
   * folders, but the object is not the forwarder's to send (nor to remove) before it resolves.
   */
  isEnqueuing(key: string): boolean {
    return this.inFlight.has(key) || this.maybeWrittenElsewhere(key);
  }

  objectPath(key: string): string {
    return path.join(this.objectsDir, `${key}.dcm`);
  }

  private entryPath(destination: string, state: EntryState, key: string): string {
    return path.join(this.destDir(destination, state), `${key}.json`);
  }

  /** Destinations with a folder in the spool (some may no longer be in the device table). */
  destinations(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.destRoot);
    } catch {
      return [];
    }
    return names.map(destinationIdOf).filter((n): n is string => n !== undefined).sort();
  }

  /** Keys of `destination` in `state`, oldest first. */
  keys(destination: string, state: EntryState): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(this.destRoot, destinationDirName(destination), state));
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith('.json') && KEY_RE.test(n.slice(0, -5))).map((n) => n.slice(0, -5)).sort();
  }

  /**
   * Reads one entry; undefined when it is gone (delivered, dropped or retried meanwhile). An
   * entry that cannot be read is moved to corrupt/ and reported, never guessed at.
   */
  async read(destination: string, state: EntryState, key: string): Promise<QueueEntry | undefined> {
    const file = this.entryPath(destination, state, key);
    const known = state === 'pending' ? this.written.get(`${destination}/${key}`) : undefined;
    // Still there? (`pacsw queue drop` in another process may have removed it.)
    if (known) {
      if (fs.existsSync(file)) return known;
      this.written.delete(`${destination}/${key}`);
      return undefined;
    }
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const entry = parseEntry(text, key, destination);
    if (typeof entry !== 'string') return entry;
    const again = entry.startsWith(NOT_JSON) ? this.rebuild(destination, state, key) : undefined;
    if (!again) {
      this.quarantine(file, `${destination}/${state}/${key}.json: ${entry}`);
      return undefined;
    }
    await writeFileDurable(path.join(this.tmpDir, `${key}.${destinationDirName(destination)}.rebuilt.json`), file, JSON.stringify(again) + '\n');
    await syncDir(path.dirname(file));
    this.log(`forward queue: ${destination}/${state}/${key}.json was cut (${entry}; a power loss?); made again from its object ${again.sopInstanceUid}`);
    return again;
  }

  /**
   * An entry made again from its object's file meta (SOP class and instance, transfer syntax,
   * the sender's AE) and its key (the time): what a power loss may leave of a pending entry,
   * whose contents enqueue does not fsync. Undefined when the object cannot tell.
   */
  private rebuild(destination: string, state: EntryState, key: string): QueueEntry | undefined {
    let meta;
    try {
      meta = parsePart10Meta(fs.readFileSync(this.objectPath(key)));
    } catch {
      return undefined;
    }
    const sopClassUid = meta.text(0x00020002);
    const sopInstanceUid = meta.text(0x00020003);
    if (!sopClassUid || !sopInstanceUid) return undefined;
    const at = new Date(keyTime(key)).toISOString();
    return {
      v: 1, key, destination, sopClassUid, sopInstanceUid, transferSyntaxUid: meta.transferSyntax,
      callingAe: meta.text(0x00020016) ?? '', receivedAt: at, enqueuedAt: at, source: '',
      ...(state === 'failed' ? { failure: { reason: 'the reason was lost: the entry was made again from its object after a crash', at } } : {}),
    };
  }

  readSync(destination: string, state: EntryState, key: string): QueueEntry | undefined {
    const file = this.entryPath(destination, state, key);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const entry = parseEntry(text, key, destination);
    if (typeof entry !== 'string') return entry;
    // Only the forwarding process (read) writes the entry again; this one only shows it.
    return entry.startsWith(NOT_JSON) ? this.rebuild(destination, state, key) : undefined;
  }

  private quarantine(file: string, why: string): void {
    const target = path.join(this.dir, 'corrupt', `${path.basename(path.dirname(path.dirname(file)))}.${path.basename(file)}`);
    try {
      fs.renameSync(file, target);
      this.log(`forward queue: unreadable entry moved to ${target} (${why})`);
    } catch (error) {
      this.log(`forward queue: unreadable entry ${file} (${why}); could not move it: ${(error as Error).message}`);
    }
  }

  // ---- outcomes ---------------------------------------------------------------------------

  /**
   * The spool's copy of an object. Small objects (the spool has just written them: in the page
   * cache) are read at once, larger ones in the thread pool so that the event loop goes on.
   */
  async readObject(key: string): Promise<Buffer> {
    const fd = fs.openSync(this.objectPath(key), 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const bytes = Buffer.allocUnsafe(size);
      let at = 0;
      while (at < size) {
        const n = size <= SYNC_READ_MAX ? fs.readSync(fd, bytes, at, size - at, at) : await readInPool(fd, bytes, at);
        if (n === 0) throw new Error(`${this.objectPath(key)} became shorter while it was read`);
        at += n;
      }
      return bytes;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The destination has the object: its entry goes, and the object when no one needs it. */
  async complete(destination: string, key: string): Promise<void> {
    this.written.delete(`${destination}/${key}`);
    unlinkIfThere(this.entryPath(destination, 'pending', key));
    this.release(destination, key);
  }

  /** Moves a pending entry to failed/ with the reason (the failed entry is durable first). */
  async fail(entry: QueueEntry, failure: Omit<EntryFailure, 'at'>): Promise<void> {
    const failed: QueueEntry = { ...entry, failure: { ...failure, at: new Date().toISOString() } };
    const failedDir = this.ensureDest(entry.destination, 'failed');
    await writeFileDurable(
      path.join(this.tmpDir, `${entry.key}.${destinationDirName(entry.destination)}.failed.json`),
      path.join(failedDir, `${entry.key}.json`),
      JSON.stringify(failed) + '\n',
    );
    await syncDir(failedDir);
    this.written.delete(`${entry.destination}/${entry.key}`);
    unlinkIfThere(this.entryPath(entry.destination, 'pending', entry.key));
  }

  /** Failed entries of `destination` (all, or those of `keys`) back to pending; returns how many. */
  retry(destination: string, keys?: string[]): number {
    const pendingDir = this.ensureDest(destination, 'pending');
    let n = 0;
    for (const key of keys ?? this.keys(destination, 'failed')) {
      try {
        fs.renameSync(this.entryPath(destination, 'failed', key), path.join(pendingDir, `${key}.json`));
        n++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    if (n) syncDirSync(pendingDir);
    return n;
  }

  /** Removes entries of `destination` in `states` (all, or those of `keys`); returns how many. */
  drop(destination: string, states: EntryState[], keys?: string[]): number {
    return this.dropKeys(destination, states, keys).length;
  }

  /** `drop`, returning the keys removed. */
  dropKeys(destination: string, states: EntryState[], keys?: string[]): string[] {
    const dropped: string[] = [];
    for (const state of states) {
      for (const key of keys ?? this.keys(destination, state)) {
        try {
          fs.unlinkSync(this.entryPath(destination, state, key));
          dropped.push(key);
          this.forget(destination, key);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
    return dropped;
  }

  /** The entry of `key` for `destination` is gone (dropped, here or by another thread). */
  forget(destination: string, key: string): void {
    this.written.delete(`${destination}/${key}`);
    this.release(destination, key);
  }

  private release(destination: string, key: string): void {
    const holders = this.refs.get(key);
    holders?.delete(destination);
    if (holders && holders.size === 0 && !this.inFlight.has(key)) {
      this.refs.delete(key);
      unlinkIfThere(this.objectPath(key));
    }
  }

  // ---- state per destination ----------------------------------------------------------------

  readState(destination: string): DestinationState {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.destRoot, destinationDirName(destination), 'state.json'), 'utf8')) as DestinationState;
    } catch {
      return {};
    }
  }

  /** Advisory (not needed for delivery), so written atomically but without a folder fsync. */
  async writeState(destination: string, state: DestinationState): Promise<void> {
    this.ensureDest(destination, 'pending');
    await writeFileDurable(
      path.join(this.tmpDir, `state.${destinationDirName(destination)}.${randomBytes(3).toString('hex')}.json`),
      path.join(this.destRoot, destinationDirName(destination), 'state.json'),
      JSON.stringify(state) + '\n',
    );
  }

  // ---- recovery ---------------------------------------------------------------------------

  /**
   * Rebuilds which destinations need which object from the folders (after a start, or when
   * another process such as `pacsw queue drop` changed them). With `collect`, also finishes
   * what a crash interrupted and removes objects no entry refers to.
   */
  rebuildRefs(collect: boolean): void {
    this.refs.clear();
    if (collect) {
      for (const name of fs.readdirSync(this.tmpDir)) fs.rmSync(path.join(this.tmpDir, name), { force: true, recursive: true });
    }
    const objects = collect ? new Set(fs.readdirSync(this.objectsDir)) : undefined;
    for (const destination of this.destinations()) {
      const failed = new Set(this.keys(destination, 'failed'));
      for (const key of failed) this.addRef(key, destination);
      for (const key of this.keys(destination, 'pending')) {
        if (failed.has(key)) {
          // A crash between writing the failed entry and removing the pending one: the failure stands.
          if (collect) fs.rmSync(this.entryPath(destination, 'pending', key), { force: true });
          continue;
        }
        if (objects && !objects.has(`${key}.dcm`) && !this.inFlight.has(key)) {
          // Only a power loss before its enqueue resolved leaves this: never acknowledged, the sender sends it again.
          fs.rmSync(this.entryPath(destination, 'pending', key), { force: true });
          this.log(`forward queue: ${destination}/pending/${key}.json had no object (cut off by a crash before it was acknowledged); removed`);
          continue;
        }
        this.addRef(key, destination);
      }
    }
    if (!collect) return;
    for (const name of objects!) {
      const key = name.endsWith('.dcm') ? name.slice(0, -4) : '';
      if (!this.refs.has(key) && !this.inFlight.has(key)) fs.rmSync(path.join(this.objectsDir, name), { force: true });
    }
  }

  private addRef(key: string, destination: string): void {
    let s = this.refs.get(key);
    if (!s) this.refs.set(key, (s = new Set()));
    s.add(destination);
  }

  /** Number of objects the spool holds (for tests and `pacsw queue`). */
  objectCount(): number {
    return fs.readdirSync(this.objectsDir).filter((n) => n.endsWith('.dcm')).length;
  }
}

/** Removing a name needs no fsync (see the header); one already gone is fine. */
function unlinkIfThere(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function readInPool(fd: number, into: Buffer, at: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, into, at, into.length - at, at, (error, n) => (error ? reject(error) : resolve(n))));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where the spool of a store lives: beside the received objects (the receiver never makes dot folders). */
export function spoolDirOf(storeDir: string): string {
  return path.join(path.resolve(storeDir), '.forward');
}

function parseEntry(text: string, key: string, destination: string): QueueEntry | string {
  let e: QueueEntry;
  try {
    e = JSON.parse(text) as QueueEntry;
  } catch (error) {
    return `${NOT_JSON} (${(error as Error).message})`;
  }
  if (!e || e.v !== 1) return 'not a version 1 queue entry';
  if (e.key !== key) return `names key ${JSON.stringify(e.key)}, not its file name`;
  if (e.destination !== destination) return `is for destination ${JSON.stringify(e.destination)}, not ${JSON.stringify(destination)}`;
  for (const f of ['sopClassUid', 'sopInstanceUid', 'transferSyntaxUid'] as const) {
    if (typeof e[f] !== 'string' || !e[f]) return `has no ${f}`;
  }
  return e;
}

function mib(n: number): string {
  // One decimal: near the threshold "64 MiB free, at least 64 MiB needed" would say nothing.
  return `${(n / 1048576).toFixed(1)} MiB`;
}
