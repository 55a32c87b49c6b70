/**
 * Read-only documents (scheme `pacs-deploy`) beside the editor: the plan in VS Code's diff
 * editor (what the targets hold now against what the workspace would make them, one entry a
 * line), and after a run the report as markdown (outcome, rollback and snapshot details).
 */
import * as vscode from 'vscode';
import type { DeployReport, TargetPlan } from '../../../../core/src/deploy/deploy';
import { formatDeployReport, planCounts, planSides } from '../../../../core/src/deploy/report';
import { ReadOnlyDocuments } from '../readOnlyDocuments';

export const PLAN_SCHEME = 'pacs-deploy';

export class PlanDocuments extends ReadOnlyDocuments {
  constructor() {
    super(PLAN_SCHEME);
  }

  /** Shows `lines` under a title in the document for `file` (one document per .pacs file). */
  async show(file: string, title: string, lines: string[]): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${file.replace(/^.*[\\/]/, '')}.deploy.md` });
    this.setText(uri, [`# ${title}`, '', '```text', ...lines, '```', ''].join('\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  }

  /** The plan as a diff: left what the targets hold now, right what the deploy makes them. */
  async showPlans(file: string, plans: TargetPlan[]): Promise<void> {
    const name = file.replace(/^.*[\\/]/, '');
    const { current, desired } = planSides(plans);
    const notes = plans.flatMap((p) => p.notes.map((n) => `# note (${p.kind}): ${n}`));
    const left = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${name} (server now).txt` });
    const right = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${name} (after deploy).txt` });
    this.setText(left, [...current, ''].join('\n'));
    this.setText(right, [...desired, ...notes, ''].join('\n'));
    // Not a preview tab: the report, opened next in the same group, must not replace it.
    await vscode.commands.executeCommand('vscode.diff', left, right, `Deploy plan ${name}: ${planCounts(plans)}`, { preview: false, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  }

  async showReport(report: DeployReport): Promise<void> {
    await this.show(report.file, `Deploy ${report.dryRun ? 'dry run' : 'report'}: ${report.file.replace(/^.*[\\/]/, '')}`, formatDeployReport(report));
  }
}
