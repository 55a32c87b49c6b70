/**
 * The client's features. activate() registers the eager ones below in this order; the others
 * are in their own bundle (lazyEntry.ts, loaded through lazy.ts). To add a feature, write
 * client/src/features/<name>/ exporting a `Feature` and list it in lazyEntry.ts; only what must
 * work before that bundle is loaded belongs here.
 */
import type { Feature } from './feature';
import { dialectStatus } from './dialectStatus';
import { insertSnippetFeature } from './insertSnippet';

export const features: readonly Feature[] = [dialectStatus, insertSnippetFeature];
