/**
 * A received object as the rule preview renders a sample (preview/model.ts `SamplePreview`):
 * before is the object as it arrived, after is what was stored, the changes are the ones the
 * receiving node reported with the rule that last made each. No vscode here.
 */
import { pathToFileURL } from 'node:url';
import type { DumpAttribute } from '../../../../core/src/dicom/dump';
import { clip, keywordOfTag, mergeAttributes, type SamplePreview } from '../preview/model';
import { pathSteps } from '../preview/render';
import type { ObjectEvent } from './trafficModel';

/** `CT_LAB 1.2.3…`: how the panel and the tree name a received object. */
export const receivedName = (e: ObjectEvent): string => `${e.device ?? e.callingAe} ${e.sopInstanceUid}`;

/** A file path as the URI string the preview's rule links carry. */
const fileUri = (file: string): string => pathToFileURL(file).href;

export function receivedSample(e: ObjectEvent, attributes?: { before: DumpAttribute[]; after: DumpAttribute[] }): SamplePreview {
  const sample: SamplePreview = {
    name: receivedName(e),
    uri: fileUri(e.original ?? e.file ?? e.sopInstanceUid),
    status: e.status === 'failed' ? 'failed' : e.status === 'stopped' ? 'stopped' : e.changes.length ? 'changed' : 'unchanged',
    changes: e.changes.map((c) => {
      const change = { ruleSet: c.ruleSet, line: c.line - 1, path: c.path, keyword: keywordOfTag(pathSteps(c.path).tag), before: clip(c.before), after: clip(c.after) };
      return c.uri === undefined ? change : { ...change, uri: fileUri(c.uri) };
    }),
    trace: [],
    errors: 0,
  };
  if (e.status === 'failed') sample.error = `failed (status 0x${e.dimseStatus.toString(16).padStart(4, '0')}): ${e.reason ?? 'no reason given'}`;
  else if (e.status === 'stopped') sample.error = `stopped: ${e.reason ?? '$(@PROCESS) is NULL'}; answered with success and not stored.`;
  if (attributes) sample.attributes = mergeAttributes(attributes.before, attributes.after);
  return sample;
}
