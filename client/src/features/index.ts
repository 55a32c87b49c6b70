/**
 * The client's feature modules, registered in this order by activate(). To add a feature
 * (device tree, preview panel, ...), write client/src/features/<name>.ts exporting a `Feature`
 * and list it here.
 */
import type { Feature } from './feature';
import { dialectStatus } from './dialectStatus';
import { devicesFeature } from './devices';
import { preview } from './preview';
import { deployFeature } from './deploy';
import { ruleTestsFeature } from './ruletests';
import { viewerFeature } from './viewer';
import { receiverFeature } from './receiver';
import { insertSnippetFeature } from './insertSnippet';

export const features: readonly Feature[] = [dialectStatus, devicesFeature, preview, deployFeature, ruleTestsFeature, viewerFeature, receiverFeature, insertSnippetFeature];
