/**
 * *Compare Rule Effect with HEAD*, computed without VS Code: the preview's samples through the
 * committed rules and through the rules as edited, with the engine of `pacsw impact`
 * (core/src/dicom/impact.ts), reduced to what differs. Plain, JSON-safe data for the renderer
 * (renderImpact.ts) and the test hook.
 */
import type { RuleSetInput } from '../../../../core/src/coercion/evaluate';
import { impactOnBytes } from '../../../../core/src/dicom/impact';
import { DicomFileError } from '../../../../core/src/dicom/files';
import { getDictionary } from '../../../../core/src/dictionary/index';
import type { FailureChange, StopChange } from '../../../../core/src/ruletest/impact';
import { clip, MAX_SAMPLE_BYTES, type SampleInput } from './model';

export interface ImpactRow {
  path: string;
  keyword: string;
  /** What the object arrived with, the committed rules' result, the edited rules' (null: absent). */
  original: string | null;
  old: string | null;
  new: string | null;
}

export interface SampleImpact {
  name: string;
  uri: string;
  attributes: ImpactRow[];
  stop?: StopChange;
  failure?: FailureChange;
  errors?: string[];
  /** The sample could not be read or evaluated: nothing can be said about it. */
  error?: string;
}

export interface ImpactModel {
  document: { uri: string; name: string; version?: number };
  /** What the rules are compared with, e.g. `HEAD`. */
  against: string;
  /** Samples on which the old and new rules differ (or that failed to read). */
  differing: SampleImpact[];
  /** Names of the samples on which both give the same result. */
  same: string[];
  /** The committed and edited rule files are the same text. */
  rulesUnchanged: boolean;
}

function keywordOf(path: string): string {
  // The leaf of a SEQ path is its last two numbers.
  const tag = /([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)$/.exec(path);
  return tag ? getDictionary().byTag(parseInt(tag[1], 16), parseInt(tag[2], 16))?.keyword ?? '' : '';
}

/** The impact of changing `oldSets` into `newSets` on each sample. Never throws for a bad sample. */
export function buildImpact(
  document: ImpactModel['document'],
  against: string,
  oldSets: RuleSetInput[],
  newSets: RuleSetInput[],
  samples: SampleInput[],
): ImpactModel {
  const model: ImpactModel = { document, against, differing: [], same: [], rulesUnchanged: false };
  model.rulesUnchanged = oldSets.length === newSets.length && oldSets.every((s, i) => JSON.stringify(s.file.lines) === JSON.stringify(newSets[i].file.lines));
  const chain = { name: document.name, old: oldSets, new: newSets };
  for (const sample of samples) {
    const base = { name: sample.name, uri: sample.uri, attributes: [] };
    if (sample.bytes === undefined) {
      model.differing.push({ ...base, error: sample.readError ?? 'the file could not be read' });
      continue;
    }
    if (sample.bytes.length > MAX_SAMPLE_BYTES) {
      model.differing.push({ ...base, error: `the file is ${sample.bytes.length} bytes; samples over ${MAX_SAMPLE_BYTES} bytes are not compared` });
      continue;
    }
    if (model.rulesUnchanged) {
      model.same.push(sample.name);
      continue;
    }
    let impact;
    try {
      impact = impactOnBytes(chain, sample.bytes, sample.name);
    } catch (error) {
      const reason = error instanceof DicomFileError ? `not readable as DICOM: ${error.reason}` : `evaluation failed: ${error instanceof Error ? error.message : String(error)}`;
      model.differing.push({ ...base, error: reason });
      continue;
    }
    if (!impact) {
      model.same.push(sample.name);
      continue;
    }
    const entry: SampleImpact = {
      ...base,
      attributes: impact.attributes.map((a) => ({ path: a.path, keyword: keywordOf(a.path), original: clip(a.original), old: clip(a.old), new: clip(a.new) })),
    };
    if (impact.stop) entry.stop = impact.stop;
    if (impact.failure) entry.failure = impact.failure;
    if (impact.errors?.length) entry.errors = impact.errors;
    model.differing.push(entry);
  }
  return model;
}
