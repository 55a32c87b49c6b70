/**
 * Snapshots: what a case's rules changed, recorded by `pacsw test --update` in `NAME.coerce-test.snap`
 * next to the test. The text is made to diff well: one attribute per line, cases in file order.
 */
import { formatRef } from '../coercion/datasetAccess';
import type { EvaluationResult } from '../coercion/evaluate';
import { getDictionary } from '../dictionary';

const show = (v: string | null): string => (v === null ? 'absent' : JSON.stringify(v));

/** The changes of one evaluation as snapshot lines (without indentation). */
export function snapshotOf(result: EvaluationResult): string {
  const lines = result.changes.map((c) => {
    const keyword = c.ref.sequence.length === 0 ? getDictionary().byTag(c.ref.group, c.ref.element)?.keyword : undefined;
    return `${formatRef(c.ref)}${keyword ? ` ${keyword}` : ''}: ${show(c.before)} -> ${show(c.after)}`;
  });
  if (result.stoppedBy) lines.push(`stopped by the ${result.stoppedBy.ruleSet} rules, line ${result.stoppedBy.line + 1}`);
  if (lines.length === 0) lines.push('no change');
  return lines.join('\n');
}

/** The whole .snap file: a header, then per case `case "NAME"` and its lines indented. */
export function formatSnapshots(testFileName: string, snapshots: ReadonlyMap<string, string>): string {
  const out = [
    `# Snapshots of ${testFileName}: what the rules changed in each case with \`expect snapshot\`.`,
    '# Written by `pacsw test --update` (or Update Snapshots in VS Code); review changes like code.',
  ];
  for (const [name, text] of snapshots) {
    out.push('', `case ${JSON.stringify(name)}`, ...text.split('\n').map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}

/** Reads a .snap file back; lines it does not understand are ignored (a hand edit cannot crash a run). */
export function parseSnapshots(text: string): Map<string, string> {
  const snapshots = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^case (".*")\s*$/.exec(line);
    if (header) {
      let name: unknown;
      try {
        name = JSON.parse(header[1]);
      } catch {
        name = undefined;
      }
      current = typeof name === 'string' ? [] : undefined;
      if (typeof name === 'string') snapshots.set(name, current!);
    } else if (current && line.startsWith('  ')) current.push(line.slice(2));
    else current = undefined;
  }
  return new Map([...snapshots].map(([k, v]) => [k, v.join('\n')]));
}
