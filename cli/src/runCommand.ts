/**
 * Running one command's module: the errors a user causes become their message and exit status,
 * anything else is a bug of ours (status 70). Shared by the whole CLI (pacsw.ts) and the bundles
 * of single commands (applyEntry.ts), so that both answer alike.
 */
import { UsageError } from './args';
import { RuleFileError } from './rules';
import { DicomFileError } from '../../core/src/dicom/files';

export interface CommandModule {
  run(args: string[]): Promise<number>;
}

export async function runCommand(name: string, load: () => Promise<CommandModule>, args: string[]): Promise<number> {
  try {
    return await (await load()).run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`pacsw ${name}: ${error.message}\n(pacsw ${name} --help shows the usage)`);
      return 2;
    }
    if (error instanceof RuleFileError) {
      console.error(`pacsw ${name}: ${error.message}`);
      return 2;
    }
    if (error instanceof DicomFileError) {
      console.error(`pacsw ${name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Runs a command line with `main` and sets the process's exit status (70 for a bug of ours). */
export function runWithExitCode(main: (argv: string[]) => Promise<number>, argv: string[]): Promise<void> {
  return main(argv).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      console.error(`pacsw: internal error: ${error instanceof Error ? error.stack : String(error)}`);
      process.exitCode = 70;
    },
  );
}
