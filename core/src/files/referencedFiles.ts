/**
 * Reading the files a .pacs file refers to (rule files, linked .pacs files, deploy folders) and
 * the files named on the command line, from disk, bounded: paths stay inside the policy's roots
 * (symbolic links followed), only regular files are read (never a FIFO or a device), and none
 * larger than MAX_REFERENCED_FILE_BYTES. The CLI, deploy and the language server read through it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { excerptMiddle } from '../text/excerpt';
import { MAX_REFERENCED_FILE_BYTES, outsideRoots, type PathPolicy, type ReferenceRefusal, type ReferenceText } from '../devices/references';
import type { DeviceValidateOptions } from '../devices/validate';

/** The nearest folder above `file` that holds a `.git` (a repository or a worktree), if any. */
export function repositoryOf(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The CLI's policy: the file's repository (else its folder); PACSW_ALLOW_OUTSIDE_PATHS=1 allows any path. */
export function cliPathPolicy(pacsFile: string, env: NodeJS.ProcessEnv = process.env): PathPolicy {
  return {
    roots: [repositoryOf(pacsFile) ?? path.dirname(path.resolve(pacsFile))],
    allowOutside: env.PACSW_ALLOW_OUTSIDE_PATHS === '1',
    allowHint: 'PACSW_ALLOW_OUTSIDE_PATHS=1',
  };
}

/** A path's real location (symlinks followed) when it exists, else that of its nearest existing parent. */
function realLocation(p: string): string {
  let rest = '';
  let at = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(at), rest);
    } catch {
      const up = path.dirname(at);
      if (up === at) return p;
      rest = path.join(path.basename(at), rest);
      at = up;
    }
  }
}

/**
 * Why the path written in the .pacs file may not be used (outside the policy's roots, also
 * through a symbolic link), or undefined. For the validator's `checkPath` and the readers.
 */
export function checkReferencePath(pacsFile: string, written: string, policy: PathPolicy): ReferenceRefusal | undefined {
  const resolved = path.resolve(path.dirname(path.resolve(pacsFile)), written);
  const lexical = outsideRoots(written, resolved, policy);
  if (lexical) return lexical;
  const real = realLocation(resolved);
  // Roots are compared in their real form too (a workspace under a symlinked home).
  const realPolicy = { ...policy, roots: policy.roots.map(realLocation) };
  return real === resolved ? outsideRoots(written, real, realPolicy) : outsideRoots(written, real, realPolicy, real);
}

/**
 * A regular file's text, read without blocking on a FIFO or device (a symlink to /dev/zero or
 * a named pipe) and only up to `limit` bytes. Undefined when it does not exist.
 */
export function readRegularTextFile(file: string, limit = MAX_REFERENCED_FILE_BYTES): ReferenceText {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { code: 'reference-unreadable', refused: `${excerptMiddle(file)} cannot be read (${code ?? (error as Error).message}).` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a folder' : stat.isFIFO() ? 'a named pipe' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
      return { code: 'reference-unreadable', refused: `${excerptMiddle(file)} is ${kind}; only regular files are read.` };
    }
    if (stat.size > limit) {
      return { code: 'reference-unreadable', refused: `${excerptMiddle(file)} has ${stat.size} bytes, more than the ${limit} a referenced file may have.` };
    }
    // Read at most limit + 1 bytes: a file that grows while it is read is still bounded.
    const buffer = Buffer.allocUnsafe(Math.min(limit + 1, stat.size + 1));
    let done = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, done, buffer.length - done, null);
      if (n === 0) break;
      done += n;
      if (done >= buffer.length) {
        if (done > limit) return { code: 'reference-unreadable', refused: `${excerptMiddle(file)} has more than the ${limit} bytes a referenced file may have.` };
        break;
      }
    }
    return buffer.toString('utf8', 0, done);
  } catch (error) {
    return { code: 'reference-unreadable', refused: `${excerptMiddle(file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).` };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A `readFile` callback for the validator that reads paths relative to the .pacs file: only
 * regular files, under a size limit, inside the policy's roots.
 */
export function diskReaderFor(pacsFile: string, policy: PathPolicy = cliPathPolicy(pacsFile)): (p: string) => ReferenceText {
  const dir = path.dirname(path.resolve(pacsFile));
  return (p: string) => {
    if (p === '') return undefined;
    const refused = checkReferencePath(pacsFile, p, policy);
    if (refused) return refused;
    return readRegularTextFile(path.resolve(dir, p));
  };
}

/** Validator options that read and check references on disk under `policy`. */
export function diskReferences(pacsFile: string, policy: PathPolicy = cliPathPolicy(pacsFile)): Pick<DeviceValidateOptions, 'readFile' | 'checkPath'> {
  return { readFile: diskReaderFor(pacsFile, policy), checkPath: (p) => checkReferencePath(pacsFile, p, policy) };
}

/**
 * A file named on the command line, read as text with the same bounds as a reference (a
 * regular file under the size limit); throws an Error with the reason otherwise.
 */
export function readNamedTextFile(file: string): string {
  const text = readRegularTextFile(file);
  if (text === undefined) throw Object.assign(new Error(`${file}: no such file`), { code: 'ENOENT' });
  if (typeof text !== 'string') throw new Error(text.refused);
  return text;
}
