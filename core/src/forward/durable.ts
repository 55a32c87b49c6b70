/**
 * The few file-system steps the forward spool is built from, each durable when it resolves:
 * a file written through a temporary name, fsync and rename; a hard link (or a fsynced copy
 * where links are impossible); and the fsync of a folder, which makes a rename, link or new
 * name survive a crash. Folder syncs are coalesced: callers that arrive while one is running
 * share the next one (group commit), so a burst of enqueues costs a few fsyncs, not one each.
 */
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncFolder, fsyncFor, onMemoryFileSystem } from '../dicom/files';

// The steps that only touch the page cache (open, write, close, rename, link, unlink) are
// synchronous; only the fsyncs, which wait for the disk, go to the thread pool. Each thread-pool
// round trip costs a wake-up of another thread and of the event loop, which on a busy machine
// cost the receiving node more per object than the work itself (docs/forwarding.md, Benchmark).

/** Writes `data` to `file` via `temp` (same file system): all or nothing after a crash. */
export async function writeFileDurable(temp: string, file: string, data: string | Uint8Array): Promise<void> {
  const fd = writeTemp(temp, data);
  try {
    await fsyncFor(path.dirname(temp), fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  closeAndRename(fd, temp, file);
}

/**
 * Writes `data` to `file` via `temp` without a fsync: whole or absent after the process is
 * killed, but after a power loss the name may survive with its contents cut. For what can be
 * made again without them (the spool's pending entries, from their object).
 */
export function writeFileNow(temp: string, file: string, data: string | Uint8Array): void {
  closeAndRename(writeTemp(temp, data), temp, file);
}

function writeTemp(temp: string, data: string | Uint8Array): number {
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(fd, data);
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

function closeAndRename(fd: number, temp: string, file: string): void {
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Gives `target` the content of `source`: a hard link (the stored file is already durable, and
 * the spool keeps its own name for it, so the store may replace or delete its file), or a
 * fsynced copy when the two are on different file systems or links are not allowed.
 */
export async function linkOrCopy(source: string, target: string, temp: string): Promise<'link' | 'copy'> {
  try {
    fs.linkSync(source, target);
    return 'link';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  }
  await fsp.copyFile(source, temp);
  try {
    const handle = await fsp.open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, target);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
  return 'copy';
}

interface DirSyncState {
  running?: Promise<void>;
  next?: Promise<void>;
}
const dirSyncs = new Map<string, DirSyncState>();

/**
 * fsync of a folder; concurrent callers share syncs (each waits for one that began after it
 * asked). None on a memory file system (tmpfs, ramfs), whose fsync is a no-op in the kernel: there
 * the thread pool's two hand-offs were the whole cost, about 0.35 ms of the node's CPU per object
 * under load, and the folder's open and close four more system calls per object.
 */
export function syncDir(dir: string): Promise<void> {
  if (onMemoryFileSystem(dir)) return Promise.resolve(); // nothing to group (fsyncFolder would skip it too)
  let state = dirSyncs.get(dir);
  if (!state) dirSyncs.set(dir, (state = {}));
  const s = state;
  if (!s.running) {
    s.running = fsyncFolder(dir).finally(() => {
      s.running = undefined;
    });
    return s.running;
  }
  if (!s.next) {
    s.next = s.running.catch(() => undefined).then(() => {
      s.next = undefined;
      return syncDir(dir);
    });
  }
  return s.next;
}

/** Synchronous fsync of a folder (start-up recovery, CLI operations). */
export function syncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Free bytes for unprivileged users on the file system of `dir`. */
export function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}
