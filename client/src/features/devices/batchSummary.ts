/**
 * What the user is told after Echo All / Ping All: a notification with *Show Output*, and a
 * status-bar item that keeps the last batch's count in sight (click: the PACS Devices output).
 * The last summary is kept for the test hook, since notifications cannot be read back.
 */
import * as vscode from 'vscode';
import { clock } from './checkResults';
import type { CheckKind } from './deviceChecks';
import { COMMANDS, NAMESPACE } from '../../../../core/src/contributes';

export const SHOW_OUTPUT_COMMAND = COMMANDS.devices.showOutput;
export const SHOW_OUTPUT = 'Show Output';

export interface BatchOutcome {
  id: string;
  ok: boolean;
  outcome: string;
}

export interface BatchSummaryState {
  notification: string;
  statusText: string;
  statusTooltip: string;
}

export class BatchSummary implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(`${NAMESPACE}.devices.lastBatch`, vscode.StatusBarAlignment.Left, 10);
  private last: BatchSummaryState | undefined;

  constructor(private readonly showOutput: () => void) {
    this.item.name = 'PACS Devices: last Echo All / Ping All';
    this.item.command = SHOW_OUTPUT_COMMAND;
  }

  /** `scope`: the server name for a server row, undefined for the whole view. */
  report(kind: CheckKind, scope: string | undefined, out: BatchOutcome[], skipped: string[]): BatchSummaryState {
    const verb = kind === 'echo' ? 'Echo' : 'Ping';
    const ok = out.filter((r) => r.ok).length;
    const cancelled = out.filter((r) => r.outcome === 'cancelled');
    const failed = out.filter((r) => !r.ok && r.outcome !== 'cancelled');
    const where = scope ? ` (${scope})` : '';
    const parts = [`${ok} of ${out.length} ok`];
    if (failed.length) parts.push(`${failed.length} failed: ${failed.map((r) => `${r.id} ${r.outcome}`).join(', ')}`);
    if (cancelled.length) parts.push(`${cancelled.length} cancelled`);
    if (skipped.length) parts.push(`${skipped.length} disabled skipped`);
    const notification = `${verb} all${where}: ${parts.join('; ')}.`;
    const icon = failed.length ? '$(error)' : cancelled.length ? '$(circle-slash)' : '$(pass)';
    const statusText = `${icon} ${verb} ${ok}/${out.length}`;
    const statusTooltip = `Last ${verb} All${where} at ${clock(new Date())}: ${parts.join('; ')}. Click for the PACS Devices output.`;
    this.item.text = statusText;
    this.item.tooltip = statusTooltip;
    this.item.backgroundColor = failed.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    this.last = { notification, statusText, statusTooltip };
    const show = failed.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(notification, SHOW_OUTPUT).then((choice) => choice === SHOW_OUTPUT && this.showOutput());
    return this.last;
  }

  state(): BatchSummaryState | undefined {
    return this.last;
  }

  dispose(): void {
    this.item.dispose();
  }
}
