/**
 * The `pacsw` executable (dist/pacsw.js). It runs the CLI bundle (dist/pacsw-cli.js) with the V8
 * code cache that the build made by running it (dist/pacsw-cli.codecache), so that a command
 * does not first compile the functions it needs: about 20 ms of pacsw's 140 ms start on the
 * development machine (docs/rule-engine.md, Benchmark). The cache is only a shortcut: when it is
 * missing, belongs to another build, or this Node's V8 rejects it, the bundle compiles as usual.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';

export const CLI_BUNDLE = path.join(__dirname, 'pacsw-cli.js');
export const CODE_CACHE = path.join(__dirname, 'pacsw-cli.codecache');

interface CliModule {
  main(argv: string[]): Promise<number>;
  run(argv: string[]): Promise<void>;
  /** In a thread started by `pacsw apply` (cli/src/applyPool.ts). */
  runWorker(): void;
}

export interface LoadedCli {
  cli: CliModule;
  /** For the build's training run: `script.createCachedData()` after running commands. */
  script: vm.Script;
  /** The build the bundle says it is (first line), which the cache file must name too. */
  buildId: string;
  cacheAccepted: boolean;
}

/**
 * The bundle's first line is `// pacsw-build <id>` (esbuild.mjs), the cache's `<id>\n`; a watch
 * build says `none`, as its bundle changes under the same id.
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

/** `cacheFile: null` compiles without a cache (the training run); another file is for tests. */
export function loadCli(options: { cacheFile?: string | null } = {}): LoadedCli {
  const source = fs.readFileSync(CLI_BUNDLE, 'utf8');
  const buildId = buildIdOf(source);
  const cacheFile = options.cacheFile === undefined ? CODE_CACHE : options.cacheFile;
  const cachedData = cacheFile === null ? undefined : cachedDataFor(buildId, cacheFile);
  const script = new vm.Script(Module.wrap(source), { filename: CLI_BUNDLE, cachedData });
  const cliModule = new Module(CLI_BUNDLE, module);
  cliModule.filename = CLI_BUNDLE;
  cliModule.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(cliModule.exports, cliModule.exports, Module.createRequire(CLI_BUNDLE), cliModule, CLI_BUNDLE, __dirname);
  cliModule.loaded = true;
  return { cli: cliModule.exports as CliModule, script, buildId, cacheAccepted: cachedData !== undefined && !script.cachedDataRejected };
}

export function writeCodeCache(loaded: LoadedCli): number {
  if (!loaded.buildId) throw new Error(`${CLI_BUNDLE} has no build id, so a cache could not be matched to it`);
  const data = Buffer.concat([Buffer.from(`${loaded.buildId}\n`, 'latin1'), loaded.script.createCachedData()]);
  const temp = `${CODE_CACHE}.${process.pid}.tmp`;
  fs.writeFileSync(temp, data);
  fs.renameSync(temp, CODE_CACHE);
  return data.length;
}

if (require.main === module) {
  const { cli } = loadCli();
  if (isMainThread) void cli.run(process.argv.slice(2));
  else cli.runWorker();
}
