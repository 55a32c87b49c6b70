/**
 * Entry of dist/extension-features.js, the bundle lazy.ts loads on first use: registers the
 * features that are not on the activation path, in the order activate() used to.
 */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { devicesFeature } from './devices';
import { deployFeature } from './deploy';
import { registerEach, type Feature } from './feature';
import { preview, restorePreviewPanel } from './preview';
import { receiverFeature } from './receiver';
import { ruleTestsFeature } from './ruletests';
import { registerViewer } from './viewer';

/** What lazy.ts's serializer and custom editor provider hand over to. */
export interface Registered {
  restorePreview(panel: vscode.WebviewPanel, state: unknown): Thenable<void>;
  dicomViewer: vscode.CustomReadonlyEditorProvider;
}

const features: readonly Feature[] = [devicesFeature, preview, deployFeature, ruleTestsFeature, receiverFeature];

export function registerFeatures(context: vscode.ExtensionContext, client: LanguageClient, log: (line: string) => void): Registered {
  registerEach(features, context, client, log);
  return { restorePreview: restorePreviewPanel, dicomViewer: registerViewer(context) };
}
