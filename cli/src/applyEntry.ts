/**
 * The bundle of `pacsw apply` alone (dist/pacsw-apply.js): the launcher (launcher.ts) runs it
 * for `pacsw apply` and for apply's worker threads instead of the whole CLI (dist/pacsw-cli.js),
 * so that an apply run neither reads nor initialises the other commands (deploy, network,
 * receiving node, rule tests): apply is the command run over thousands of files from scripts,
 * where start-up counts (docs/rule-engine.md, Benchmark).
 */
import { runApplyWorker } from './applyPool';
import { runCommand, runWithExitCode } from './runCommand';
import * as apply from './commands/apply';

/** `argv` as for the whole CLI: `['apply', ...options]`. */
export function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== 'apply') throw new Error(`dist/pacsw-apply.js runs only "pacsw apply", not "${name}"`);
  return runCommand(name, () => Promise.resolve(apply), rest);
}

export function run(argv: string[]): Promise<void> {
  return runWithExitCode(main, argv);
}

export function runWorker(): void {
  runApplyWorker();
}
