/**
 * A code lens on the first line of every coercion-rule file: "Preview on N samples", which
 * opens the preview on that file. N follows the sample globs and the picker.
 */
import * as vscode from 'vscode';
import { COERCION_LANGUAGE } from './previewPanel';
import type { SampleSet } from './samples';
import { COMMANDS, settingId, SETTINGS } from '../../../../core/src/contributes';

export const OPEN_PREVIEW_COMMAND = COMMANDS.preview.open;

export function previewLensTitle(count: number): string {
  return `$(open-preview) Preview on ${count} sample${count === 1 ? '' : 's'}`;
}

export class PreviewCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly samples: SampleSet) {
    this.onDidChangeCodeLenses = samples.onDidChange;
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const count = (await this.samples.current()).length;
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: previewLensTitle(count),
        tooltip: `Show what these rules do to the sample data sets (${settingId(SETTINGS.previewSamples)})`,
        command: OPEN_PREVIEW_COMMAND,
        arguments: [document.uri],
      }),
    ];
  }
}

export function registerPreviewCodeLens(samples: SampleSet): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider({ language: COERCION_LANGUAGE }, new PreviewCodeLensProvider(samples));
}
