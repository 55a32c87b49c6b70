/**
 * `npm run fuzz -- [--seed N] [--seconds S] [--target lsp,check,apply,serve] [--inputs N] [--out DIR]`
 * runs a campaign and prints its figures and findings; `npm run fuzz -- --replay FILE` runs one
 * reproducer again. Exit status: 1 when there were findings (or the replay still fails), 0 otherwise.
 */
import { replay, runCampaign, TARGET_NAMES, type TargetName } from './campaign';

const USAGE = `usage: npm run fuzz -- [--seed N] [--seconds S] [--target ${TARGET_NAMES.join(',')}] [--inputs N] [--out DIR]
       npm run fuzz -- --replay FILE
--seed     the campaign's seed (default 1); the same seed gives the same inputs
--seconds  time budget (default 60)
--target   which targets, comma-separated (default all: ${TARGET_NAMES.join(', ')})
--inputs   stop after this many inputs in all
--out      folder for reproducers and summary.json (default: a new folder under the OS temp dir)
--replay   run one reproducer file through its target (named by the file's prefix)`;

function parse(argv: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') values.set('help', '');
    else if (['--seed', '--seconds', '--target', '--inputs', '--out', '--replay'].includes(a) && i + 1 < argv.length) values.set(a.slice(2), argv[++i]);
    else throw new Error(`unexpected argument "${a}"\n${USAGE}`);
  }
  return values;
}

function number(values: Map<string, string>, name: string, fallback: number): number {
  const v = values.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} takes a number, not "${v}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const replayFile = values.get('replay');
  if (replayFile !== undefined) {
    const { target, problem } = await replay(replayFile);
    console.log(problem ? `${target}: ${problem.kind}: ${problem.detail}` : `${target}: no problem with this input now`);
    return problem ? 1 : 0;
  }
  const targets = (values.get('target') ?? TARGET_NAMES.join(',')).split(',').filter(Boolean);
  const unknown = targets.filter((t) => !(TARGET_NAMES as readonly string[]).includes(t));
  if (unknown.length) throw new Error(`unknown target "${unknown[0]}": the targets are ${TARGET_NAMES.join(', ')}`);
  const result = await runCampaign({
    seed: number(values, 'seed', 1),
    seconds: number(values, 'seconds', 60),
    targets: targets as TargetName[],
    maxInputs: values.has('inputs') ? number(values, 'inputs', 0) : undefined,
    outDir: values.get('out'),
    log: (line) => console.log(line),
  });
  console.log(`\nseed ${result.seed}, ${Math.round(result.seconds)} s, ${result.inputs} inputs; load average ${result.loadAverage.join(' ')}`);
  console.log('target   inputs   inputs/s  findings  peak RSS MB');
  for (const [name, s] of Object.entries(result.targets)) {
    console.log(`${name.padEnd(8)} ${String(s.inputs).padStart(7)} ${String(s.inputsPerSecond).padStart(10)} ${String(s.findings).padStart(9)} ${String(s.peakRssMb).padStart(12)}`);
  }
  console.log(`harness peak RSS ${result.harnessPeakRssMb} MB (check and apply run in its threads: their figure is the thread's heap)`);
  for (const f of result.findings) {
    console.log(`\n${f.target} ${f.kind} x${f.occurrences} (input ${f.input}, ${f.mutations.join(' ')}): ${f.detail.slice(0, 500)}`);
    if (f.replay) console.log(`  replay: ${f.replay}`);
  }
  console.log(`\n${result.findings.length} distinct findings; reproducers and summary.json in ${result.outDir}`);
  return result.findings.length ? 1 : 0;
}

// A dead child's pipe can reject a write nobody awaits any more (the target has restarted it):
// say so, and go on, rather than lose the campaign.
process.on('unhandledRejection', (reason) => console.error(`fuzz: harness warning: ${String(reason)}`));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fuzz: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
