/**
 * The read-only document that shows a deploy plan or report (markdown, scheme `pacs-deploy`),
 * opened beside the editor: the difference per target, what Orthanc cannot hold, and after a
 * run the outcome with any rollback and snapshot details.
 */
import * as vscode from 'vscode';
import type { DeployReport, TargetPlan } from '../../../../core/src/deploy/deploy';
import { formatDeployReport, formatPlan } from '../../../../core/src/deploy/report';

export const PLAN_SCHEME = 'pacs-deploy';

export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  /** Shows `lines` under a title in the document for `file` (one document per .pacs file). */
  async show(file: string, title: string, lines: string[]): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${file.replace(/^.*[\\/]/, '')}.deploy.md` });
    this.texts.set(uri.path, [`# ${title}`, '', '```text', ...lines, '```', ''].join('\n'));
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  }

  async showPlans(file: string, plans: TargetPlan[]): Promise<void> {
    await this.show(file, `Deploy plan: ${file.replace(/^.*[\\/]/, '')}`, plans.flatMap((p) => [...formatPlan(p, true), ...p.notes.map((n) => `  note: ${n}`), '']));
  }

  async showReport(report: DeployReport): Promise<void> {
    await this.show(report.file, `Deploy ${report.dryRun ? 'dry run' : 'report'}: ${report.file.replace(/^.*[\\/]/, '')}`, formatDeployReport(report));
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
