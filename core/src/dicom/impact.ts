/**
 * Change impact over a corpus: every object through the old rule chain and through the new one,
 * reporting only what differs (core/src/ruletest/impact.ts). Used by `pacsw impact` and by
 * *Compare Rule Effect with HEAD* in VS Code. Nothing is written.
 */
import * as fs from 'node:fs';
import { evaluateRules, type RuleSetInput } from '../coercion/evaluate';
import { compareEffects, type ObjectImpact } from '../ruletest/impact';
import { skipsAsNotDicom } from './coerceFile';
import { DicomFileError, loadDatasetBytes } from './files';

/** One device (or rule file): its rule sets as they were and as they are. */
export interface ImpactChain {
  name: string;
  old: RuleSetInput[];
  new: RuleSetInput[];
}

export interface ObjectImpactReport {
  file: string;
  chain: string;
  impact: ObjectImpact;
}

export interface ImpactSummary {
  chain: string;
  objects: number;
  /** Objects with at least one attribute whose result differs. */
  changed: number;
  newlyStopped: number;
  noLongerStopped: number;
  newlyFailing: number;
  noLongerFailing: number;
  /** The old and new rules are the same: no object was evaluated. */
  rulesUnchanged: boolean;
}

export interface ImpactReport {
  objects: ObjectImpactReport[];
  summary: ImpactSummary[];
  unreadable: Array<{ file: string; reason: string }>;
  /** Found in a folder and not DICOM (a README, a text dump): not evaluated, not an error. */
  skipped: string[];
}

/** The impact of one chain on one object given as bytes; undefined when nothing differs. */
export function impactOnBytes(chain: ImpactChain, bytes: Uint8Array, name: string): ObjectImpact | undefined {
  // Two parses: each evaluation changes its own copy of the object.
  const oldResult = evaluateRules(chain.old, loadDatasetBytes(bytes, name).access);
  const newResult = evaluateRules(chain.new, loadDatasetBytes(bytes, name).access);
  return compareEffects(oldResult, newResult);
}

/** Whether two rule chains are the same text for text (then no object can differ). */
function sameRules(a: RuleSetInput[], b: RuleSetInput[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((s, i) => s.file === b[i].file || (s.uri === b[i].uri && JSON.stringify(s.file.lines) === JSON.stringify(b[i].file.lines)));
}

/** `found`: the file was found by walking a folder, so one that is not DICOM is skipped (as `pacsw apply` does). */
export function impactOnFiles(chains: ImpactChain[], files: ReadonlyArray<{ file: string; found?: boolean }>, onObject?: (done: number) => void): ImpactReport {
  const report: ImpactReport = { objects: [], summary: [], unreadable: [], skipped: [] };
  const live = chains.filter((c) => !sameRules(c.old, c.new));
  const summaries = new Map(chains.map((c) => [c.name, { chain: c.name, objects: 0, changed: 0, newlyStopped: 0, noLongerStopped: 0, newlyFailing: 0, noLongerFailing: 0, rulesUnchanged: !live.includes(c) }]));
  files.forEach(({ file, found }, index) => {
    if (live.length === 0) return;
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      report.unreadable.push({ file, reason: `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
      return;
    }
    try {
      for (const chain of chains) {
        const s = summaries.get(chain.name)!;
        if (!live.includes(chain)) continue;
        const impact = impactOnBytes(chain, bytes, file);
        if (!impact) continue;
        report.objects.push({ file, chain: chain.name, impact });
        if (impact.attributes.length) s.changed++;
        if (impact.stop === 'newly stopped') s.newlyStopped++;
        if (impact.stop === 'no longer stopped') s.noLongerStopped++;
        if (impact.failure === 'newly failing') s.newlyFailing++;
        if (impact.failure === 'no longer failing') s.noLongerFailing++;
      }
    } catch (error) {
      if (!(error instanceof DicomFileError)) throw error;
      if (skipsAsNotDicom(error, file, found)) report.skipped.push(file);
      else report.unreadable.push({ file, reason: error.reason });
    }
    onObject?.(index + 1);
  });
  for (const s of summaries.values()) s.objects = files.length - report.unreadable.length - report.skipped.length;
  report.summary = [...summaries.values()];
  return report;
}
