/**
 * `pacsw`: the PACS Workbench command line. Each command lives in commands/<name>.ts and is
 * loaded only when used (the table below), so `pacsw check` does not pay for the DICOM code and
 * vice versa.
 */
import { isApplyWorker, runApplyWorker } from './applyPool';
import { isSendThread } from '../../core/src/forward/sendThreadMark';
import { runCommand, runWithExitCode, type CommandModule } from './runCommand';
import { closestWord } from '../../core/src/text/editDistance';
import { PACSW_VERSION } from './version';

interface Command {
  name: string;
  summary: string;
  /** Loads the command's module on first use (the bundle keeps each one apart until then). */
  load: () => Promise<CommandModule>;
}

/**
 * The command table, in the order --help lists it. Adding a command: a file commands/<name>.ts
 * exporting run(args), a row here, a section in docs/cli.md.
 */
const COMMANDS: readonly Command[] = [
  { name: 'check', summary: 'report problems in coercion rule files and device tables (as the editor shows them)', load: () => import('./commands/check') },
  { name: 'apply', summary: 'apply rules to DICOM files and folders, writing the results to --out', load: () => import('./commands/apply') },
  { name: 'trace', summary: 'show what each rule does to one data set (nothing is written)', load: () => import('./commands/trace') },
  { name: 'test', summary: 'run rule tests (*.coerce-test): failures as compiler lines, N passed, N failed', load: () => import('./commands/test') },
  { name: 'impact', summary: 'what a rule change does: old rules (git REV or --old FILE) against the current ones on a corpus', load: () => import('./commands/impact') },
  { name: 'queue', summary: 'list what the forward queue of pacsw serve holds per destination; retry or drop entries', load: () => import('./commands/queue') },
  { name: 'echo', summary: 'C-ECHO a device (DICOM verification)', load: () => import('./commands/echo') },
  { name: 'ping', summary: 'check that a device answers (ICMP, or TCP to its DICOM port)', load: () => import('./commands/ping') },
  { name: 'serve', summary: 'run a device table\'s server as a receiving node: admit, coerce and store incoming C-STOREs', load: () => import('./commands/serve') },
  { name: 'deploy', summary: 'deploy a device table to its servers (Orthanc, export folder), showing the difference first', load: () => import('./commands/deploy') },
  { name: 'import', summary: 'write a device table (.pacs) from what a running Orthanc holds', load: () => import('./commands/import') },
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: pacsw <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'pacsw <command> --help shows the options of a command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    console.log(`pacsw ${PACSW_VERSION}`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const meant = closestWord(name, COMMANDS.map((c) => c.name));
    if (meant) console.error(`pacsw: unknown command "${name}": did you mean "${meant}"?\n(pacsw --help lists the commands)`);
    else console.error(`pacsw: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  return runCommand(name, command.load, rest);
}

/** Runs a command line and sets the process's exit status (70 for a bug of ours). */
export function run(argv: string[]): Promise<void> {
  return runWithExitCode(main, argv);
}

/**
 * Entry of a thread that `pacsw apply` started to share the files (cli/src/applyPool.ts), or of
 * the sending thread of `pacsw serve` (core/src/forward/sendThread.ts, loaded only there).
 */
export function runWorker(): void {
  if (isSendThread()) void import('../../core/src/forward/sendThread').then((m) => m.runSendThread());
  else runApplyWorker();
}

// dist/pacsw.js (launcher.ts) loads this bundle and calls run() or runWorker(); the compiled tree
// runs directly.
if (require.main === module) {
  if (isApplyWorker() || isSendThread()) runWorker();
  else void run(process.argv.slice(2));
}
