/** A small command-line option parser: `--name value`, `--name=value`, flags, positionals. */
import { closestWord } from '../../core/src/text/editDistance';

export class UsageError extends Error {}

export interface OptionSpec {
  /** Options that take a value. */
  values?: string[];
  /** Options that are on or off. */
  flags?: string[];
}

export interface ParsedArgs {
  values: Map<string, string>;
  flags: Set<string>;
  positionals: string[];
}

export function parseArgs(args: string[], spec: OptionSpec): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  const valueNames = new Set(spec.values ?? []);
  const flagNames = new Set([...(spec.flags ?? []), 'help']);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (flagNames.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
    } else if (valueNames.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      if (values.has(name)) throw new UsageError(`--${name} given twice`);
      values.set(name, value);
    } else {
      const names = [...valueNames, ...flagNames];
      const meant = closestWord(name, names);
      const known = names.map((n) => `--${n}`).join(', ');
      throw new UsageError(`unknown option --${name}${meant ? `: did you mean --${meant}?` : ''} (known: ${known})`);
    }
  }
  return { values, flags, positionals };
}
