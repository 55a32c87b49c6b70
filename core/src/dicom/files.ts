/**
 * Reading an input file (Part 10 or DICOM JSON) into something the evaluator can change, and
 * writing the result without ever leaving a half-written file behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DicomParseError, looksLikeDicom, parsePart10 } from './part10';
import { Part10Dataset } from './part10Dataset';
import { bufferOf } from './charset';
import { checkJsonDataset, JsonDatasetAccess, JsonDatasetError, serializeJsonDataset, type JsonDataset } from './jsonDataset';
import type { DatasetAccess } from '../coercion/datasetAccess';

/** A file that cannot be read as DICOM; the message names the file and where it went wrong. */
export class DicomFileError extends Error {
  /** `notDicom`: the file is not a DICOM object at all (a README in a folder of samples). */
  constructor(readonly file: string, readonly reason: string, readonly notDicom = false) {
    super(`${file}: ${reason}`);
    this.name = 'DicomFileError';
  }
}

export interface LoadedDataset {
  format: 'part10' | 'json';
  access: DatasetAccess;
  /** True when a rule changed something (set or delete went through). */
  readonly changed: boolean;
  /** The bytes to write: the input itself when nothing changed. */
  serialize(): Uint8Array;
  /** The same bytes as consecutive pieces (cheaper to write than one joined buffer). */
  serializeChunks(): Uint8Array[];
  /** Part 10 only: the transfer syntax UID. */
  transferSyntax?: string;
  /** What the reader had to infer about the file (a missing Transfer Syntax UID), for the user. */
  warnings: string[];
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length && i < 64; i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xef || c === 0xbb || c === 0xbf) continue;
    return c === 0x7b || c === 0x5b; // { or [
  }
  return false;
}

/** Parses bytes already in memory; `name` is used in error messages. */
export function loadDatasetBytes(bytes: Uint8Array, name: string): LoadedDataset {
  if (looksLikeJson(bytes)) return loadJson(bytes, name);
  let file;
  try {
    // zlib is loaded for deflated files only (loading it costs every other run a few ms).
    file = parsePart10(bytes, (d) => inflateBounded(d));
  } catch (error) {
    // Whether it is damaged DICOM or not DICOM at all decides if a folder walk skips it.
    if (error instanceof DicomParseError) throw new DicomFileError(name, error.message, !looksLikeDicom(bytes));
    throw error;
  }
  return new LoadedPart10(new Part10Dataset(file, { deflate: deflateDataset }), file.transferSyntax, file.warnings);
}

/*
 * The loaded file is an instance of a class, not an object literal with `get changed()`: V8
 * makes such a literal (whose getter is a new closure each time) a dictionary-mode object, and
 * with it 15-20 % of all that a batch allocated survived the young-generation collections and
 * was promoted, to be collected only by full collections (`--trace-gc-nvp`); as a class, 0.1 %
 * (docs/rule-engine.md, Benchmark).
 */
class LoadedPart10 implements LoadedDataset {
  readonly format = 'part10';
  constructor(readonly access: Part10Dataset, readonly transferSyntax: string, readonly warnings: string[]) {}
  get changed(): boolean { return this.access.hasEdits; }
  serialize(): Uint8Array { return this.access.serialize(); }
  serializeChunks(): Uint8Array[] { return this.access.serializeChunks(); }
}

class LoadedJson implements LoadedDataset {
  readonly format = 'json';
  readonly warnings: string[] = [];
  /** `wrapped`: the file held the data set in a one-element array; `indent`: the file's own. */
  constructor(readonly access: JsonDatasetAccess, private readonly root: JsonDataset, private readonly wrapped: boolean, private readonly indent: number, private readonly bytes: Uint8Array) {}
  get changed(): boolean { return this.access.hasEdits; }
  serialize(): Uint8Array {
    return this.access.hasEdits ? Buffer.from(serializeJsonDataset(this.wrapped ? [this.root] : this.root, this.indent), 'utf8') : this.bytes;
  }
  serializeChunks(): Uint8Array[] { return [this.serialize()]; }
}

/** A deflated data set may inflate to at most this many times its compressed size, plus INFLATE_SLACK. */
export const INFLATE_RATIO = 32;
export const INFLATE_SLACK = 16 * 1024 * 1024;
/** And never to more than this: with --jobs 4, at most 1 GiB of inflated data is held at once. */
export const INFLATE_CEILING = 256 * 1024 * 1024;

/** The most that `compressed` bytes may inflate to: related to the input, so a 1 MB "deflate bomb" costs 48 MiB, not 1 GiB. */
export function inflateLimit(compressed: number): number {
  return Math.min(INFLATE_CEILING, INFLATE_SLACK + INFLATE_RATIO * compressed);
}

function inflateBounded(deflated: Uint8Array): Uint8Array {
  const limit = inflateLimit(deflated.length);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zlib = require('node:zlib') as typeof import('node:zlib');
  try {
    return zlib.inflateRawSync(deflated, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new Error(`it inflates to more than ${limit} bytes, the limit for ${deflated.length} compressed bytes (${INFLATE_RATIO} times the compressed size plus ${INFLATE_SLACK / 1048576} MiB, at most ${INFLATE_CEILING / 1048576} MiB): refused as a likely deflate bomb`);
    }
    throw error;
  }
}

/** Compresses a coerced data set again (Deflated Explicit VR LE, PS3.5 A.5: raw deflate). */
function deflateDataset(dataset: Uint8Array): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:zlib') as typeof import('node:zlib')).deflateRawSync(dataset);
}

function loadJson(bytes: Uint8Array, name: string): LoadedDataset {
  const text = bufferOf(bytes).toString('utf8').replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DicomFileError(name, `not valid JSON (${(error as Error).message})`);
  }
  const wrapped = Array.isArray(parsed);
  if (Array.isArray(parsed)) {
    if (parsed.length !== 1) throw new DicomFileError(name, `holds ${parsed.length} DICOM JSON data sets; rules apply to one object per file, so split it first`);
    parsed = parsed[0] as unknown;
  }
  try {
    checkJsonDataset(parsed);
  } catch (error) {
    if (error instanceof JsonDatasetError) throw new DicomFileError(name, `not DICOM: JSON, but not a DICOM JSON data set (${error.message})`, true);
    throw error;
  }
  const root = parsed as JsonDataset;
  const access = new JsonDatasetAccess(root);
  const indent = /^\s*[[{]\s*\n(\s*)/.exec(text)?.[1].length ?? 0;
  return new LoadedJson(access, root, wrapped, indent, bytes);
}

let scratch = Buffer.alloc(0);

/** Reads into one buffer reused from call to call: a batch then allocates (and collects) nothing. */
function readIntoScratch(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, Math.floor(scratch.length * 1.5)));
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, scratch, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return scratch.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads and walks a file. With `reuseBuffer`, the bytes live in a buffer that the next call
 * overwrites: the caller must be done with the result (write it out) before reading another.
 */
export function loadDatasetFile(file: string, options: { reuseBuffer?: boolean } = {}): LoadedDataset {
  let bytes: Buffer;
  try {
    bytes = options.reuseBuffer ? readIntoScratch(file) : fs.readFileSync(file);
  } catch (error) {
    throw new DicomFileError(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return loadDatasetBytes(bytes, file);
}

let counter = 0;
/** Folders already created in this process: a batch writes many files into few folders. */
const madeDirs = new Set<string>();

/**
 * Writes via a temporary file in the same folder and a rename, so readers see all or nothing.
 * `data` may be pieces of the file, written in order without joining them first.
 */
export function writeFileAtomic(file: string, data: Uint8Array | Uint8Array[]): void {
  const dir = path.dirname(file);
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++counter}.pacsw-tmp`);
  try {
    const fd = fs.openSync(temp, 'w');
    try {
      writeChunks(fd, Array.isArray(data) ? data : [data]);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') madeDirs.delete(dir);
    throw error;
  }
}

/** Writes `chunks` in order; writev takes at most IOV_MAX (1024) pieces, so a long list goes in batches. */
function writeChunks(fd: number, chunks: Uint8Array[]): void {
  if (chunks.length <= 512) writeAll(fd, chunks);
  else for (let i = 0; i < chunks.length; i += 512) writeAll(fd, chunks.slice(i, i + 512));
}

function writeAll(fd: number, chunks: Uint8Array[]): void {
  let total = 0;
  for (const c of chunks) total += c.length;
  // Almost always one call writes everything; only a short write needs the rest worked out.
  let written = total > 0 ? fs.writevSync(fd, chunks) : 0;
  let pending = chunks;
  while (written < total) {
    pending = unwritten(pending, written);
    total -= written;
    written = fs.writevSync(fd, pending);
  }
}

/** What is left of `chunks` after a (vectored) write took its first `written` bytes. */
function unwritten(chunks: Uint8Array[], written: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  for (const c of chunks) {
    if (written >= c.length) written -= c.length;
    else {
      rest.push(written > 0 ? c.subarray(written) : c);
      written = 0;
    }
  }
  return rest;
}

/** Creates `file` for writing; a folder removed since it was made (an operator cleaned up) is made again. */
function openCreating(file: string, dir: string): number {
  try {
    return fs.openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(dir, { recursive: true });
    return fs.openSync(file, 'wx');
  }
}

/** fsync in the thread pool: the one step of a durable write that waits for the disk. */
function fsyncInPool(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
}

/** statfs f_type of the memory file systems, where fsync has no disk to wait for. */
const MEMORY_FILE_SYSTEMS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */]);
/** Per folder: does it lie on a memory file system? Asked once per folder and process. */
const inMemory = new Map<string, boolean>();

export function onMemoryFileSystem(dir: string): boolean {
  let known = inMemory.get(dir);
  if (known === undefined) {
    try {
      known = MEMORY_FILE_SYSTEMS.has(fs.statfsSync(dir).type);
    } catch {
      known = false;
    }
    inMemory.set(dir, known);
  }
  return known;
}

/**
 * fsync of a file in `dir` where it costs least: none on a memory file system (tmpfs, ramfs:
 * the kernel's fsync there has nothing to flush and returns at once, so the thread pool's two
 * hand-offs would be its whole cost), in the thread pool elsewhere (a disk may take
 * milliseconds, which must not stall the other associations).
 */
export function fsyncFor(dir: string, fd: number): Promise<void> | undefined {
  return onMemoryFileSystem(dir) ? undefined : fsyncInPool(fd);
}

/** fsync of the folder `dir` itself (a rename or new name in it survives a crash); none on a memory file system (fsyncFor). */
export async function fsyncFolder(dir: string): Promise<void> {
  if (onMemoryFileSystem(dir)) return;
  const fd = fs.openSync(dir, 'r');
  try {
    await fsyncInPool(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Like writeFileAtomic, and durable when it resolves: the data is fsynced before the rename and
 * the folder after it, so a crash (or kill -9) leaves either the whole file or none under its
 * name; at most a `*.pacsw-tmp` file, which removeTemporaryFiles() clears. On a disk the two
 * fsyncs run in the thread pool, so one slow disk does not hold up other work of the process
 * (the receiving node's associations), on tmpfs not at all (fsyncFor); the steps that only touch the page cache (open, write, close, rename)
 * are synchronous: as nine thread-pool round trips they cost the receiver more per object than
 * the writing itself (docs/benchmarks.md, DICOM network).
 */
export async function writeFileDurable(file: string, data: Uint8Array[]): Promise<void> {
  const dir = path.dirname(file);
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++counter}.pacsw-tmp`);
  let fd: number | undefined;
  try {
    fd = openCreating(temp, dir);
    writeChunks(fd, data);
    await fsyncFor(dir, fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  await fsyncFolder(dir);
}

/** Removes the temporary files an interrupted writer left under `dir`; returns how many. */
export function removeTemporaryFiles(dir: string): number {
  let removed = 0;
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.pacsw-tmp')) {
        fs.rmSync(full, { force: true });
        removed++;
      }
    }
  };
  walk(dir);
  return removed;
}
