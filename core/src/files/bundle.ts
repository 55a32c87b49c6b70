/**
 * Loads one of our own esbuild bundles (dist/*.js) as a CommonJS module, faster than `require`:
 *
 * - The text is read as one buffer and, when it is ASCII (esbuild escapes non-ASCII characters
 *   in code; only comments can hold any), taken as one-byte text. Node's loader reads a module
 *   with `readFileSync(file, 'utf8')`, which costs 20-25 ms of CPU for a 2 MB bundle here
 *   against about 1 ms this way (Node 20.20 and 24.21, docs/benchmarks.md "Start-up").
 * - A V8 code cache, when one is given and belongs to this build, saves compiling the functions
 *   it holds (the CLI's caches are made by the build, scripts/train-cli-cache.mjs).
 *
 * The cache is only a shortcut: when it is missing, belongs to another build, or this Node's V8
 * rejects it, the bundle compiles as usual.
 */
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

export interface LoadedBundle<T> {
  exports: T;
  /** For a training run: `script.createCachedData()` after running what should be cached. */
  script: vm.Script;
  /** The build the bundle says it is (its first line, `// pacsw-build <id>`), or '' for none. */
  buildId: string;
  cacheAccepted: boolean;
}

/**
 * The first line of a cached bundle is `// pacsw-build <id>` (esbuild.mjs), the cache's `<id>\n`;
 * a watch build says `none`, as its bundle changes under the same id.
 */
function buildIdOf(source: string): string {
  const id = /^\/\/ pacsw-build (\S+)/.exec(source)?.[1] ?? '';
  return id === 'none' ? '' : id;
}

function cachedDataFor(buildId: string, cacheFile: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const header = Buffer.from(`${buildId}\n`, 'latin1');
  if (!buildId || data.length <= header.length || !data.subarray(0, header.length).equals(header)) return undefined;
  return data.subarray(header.length);
}

function readSource(file: string): string {
  const bytes = fs.readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/**
 * Runs `file` as a CommonJS module whose parent is `parent` (its `require` resolves from the
 * bundle's folder, as Node's own loader would) and returns its exports. `cacheFile`: a code
 * cache written by writeCodeCache for this build, or null for none.
 */
export function loadBundle<T>(file: string, parent: NodeJS.Module | undefined, cacheFile: string | null = null): LoadedBundle<T> {
  const source = readSource(file);
  const buildId = buildIdOf(source);
  const cachedData = cacheFile === null ? undefined : cachedDataFor(buildId, cacheFile);
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const bundleModule = new Module(file, parent);
  bundleModule.filename = file;
  bundleModule.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(bundleModule.exports, bundleModule.exports, Module.createRequire(file), bundleModule, file, path.dirname(file));
  bundleModule.loaded = true;
  return { exports: bundleModule.exports as T, script, buildId, cacheAccepted: cachedData !== undefined && !script.cachedDataRejected };
}

/** Writes V8's code cache of a loaded bundle (atomically), tagged with its build id; returns its size. */
export function writeCodeCache(loaded: LoadedBundle<unknown>, file: string, cacheFile: string): number {
  if (!loaded.buildId) throw new Error(`${file} has no build id, so a cache could not be matched to it`);
  const data = Buffer.concat([Buffer.from(`${loaded.buildId}\n`, 'latin1'), loaded.script.createCachedData()]);
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, cacheFile);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  return data.length;
}

/**
 * A code cache the running program makes for itself, beside the bundle, for the next start: the
 * language server and the extension run on the Node of VS Code's extension host (Electron, or
 * code-server's Node), whose V8 would reject a cache the build made with another one. The name
 * carries the V8 version, so that two runtimes sharing one dist/ keep their own.
 */
export function selfCacheFile(file: string): string {
  return `${file.replace(/\.js$/, '')}.v8-${process.versions.v8}.codecache`;
}

/**
 * Loads `file` with its own cache (selfCacheFile) and, when there was none that V8 accepted,
 * writes one `afterMs` later (once the start-up work has compiled what it needs). Writing is
 * best effort: a read-only install simply starts without a cache every time.
 */
export function loadBundleWithSelfCache<T>(file: string, parent: NodeJS.Module | undefined, afterMs: number): T {
  const cacheFile = selfCacheFile(file);
  const loaded = loadBundle<T>(file, parent, cacheFile);
  if (!loaded.cacheAccepted && loaded.buildId) {
    setTimeout(() => {
      try {
        writeCodeCache(loaded, file, cacheFile);
      } catch {
        // No cache this time; the next start tries again.
      }
    }, afterMs).unref();
  }
  return loaded.exports;
}
