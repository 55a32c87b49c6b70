/**
 * The `pacsw` executable (dist/pacsw.js). It picks the bundle of the command being run —
 * dist/pacsw-apply.js for `pacsw apply` and its worker threads, dist/pacsw-cli.js (every
 * command) otherwise — and runs it with the V8 code cache the build made by running it
 * (dist/<bundle>.codecache), so that a command does not first compile the functions it needs.
 * Measured on a 1-file apply: about 60 ms less CPU per start than the whole CLI with its cache
 * (docs/rule-engine.md, Benchmark). Loading: core/src/files/bundle.ts.
 */
import * as path from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import { loadBundle, writeCodeCache as writeCache, type LoadedBundle } from '../../core/src/files/bundle';

interface CliModule {
  main(argv: string[]): Promise<number>;
  run(argv: string[]): Promise<void>;
  /** In a thread started by `pacsw apply` (cli/src/applyPool.ts). */
  runWorker(): void;
}

/** The CLI bundles the build makes (esbuild.mjs), each with its code cache beside it. */
export const BUNDLES = {
  /** Every command (pacsw.ts). */
  cli: 'pacsw-cli',
  /** `pacsw apply` alone (applyEntry.ts). */
  apply: 'pacsw-apply',
} as const;
export type BundleName = keyof typeof BUNDLES;

export const bundleFile = (bundle: BundleName): string => path.join(__dirname, `${BUNDLES[bundle]}.js`);
export const cacheFileOf = (bundle: BundleName): string => path.join(__dirname, `${BUNDLES[bundle]}.codecache`);

/** Which bundle runs this command line (or, in a worker thread, this worker). */
export function bundleFor(argv: readonly string[], worker: boolean): BundleName {
  if (worker) return (workerData as { pacswApplyWorker?: boolean } | undefined)?.pacswApplyWorker ? 'apply' : 'cli';
  return argv[0] === 'apply' ? 'apply' : 'cli';
}

export interface LoadedCli extends LoadedBundle<CliModule> {
  cli: CliModule;
  bundle: BundleName;
}

/** `cacheFile: null` compiles without a cache (the training run); another file is for tests. */
export function loadCli(options: { bundle?: BundleName; cacheFile?: string | null } = {}): LoadedCli {
  const bundle = options.bundle ?? 'cli';
  const loaded = loadBundle<CliModule>(bundleFile(bundle), module, options.cacheFile === undefined ? cacheFileOf(bundle) : options.cacheFile);
  return { ...loaded, cli: loaded.exports, bundle };
}

export function writeCodeCache(loaded: LoadedCli): number {
  return writeCache(loaded, bundleFile(loaded.bundle), cacheFileOf(loaded.bundle));
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const { cli } = loadCli({ bundle: bundleFor(argv, !isMainThread) });
  if (isMainThread) void cli.run(argv);
  else cli.runWorker();
}
