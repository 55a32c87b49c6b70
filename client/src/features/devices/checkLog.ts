/**
 * The "PACS Devices" output channel: one line per check with its time, target, timing and a
 * plain reason. The last lines are also kept in memory for the test hook, since an output
 * channel cannot be read back through the API.
 */
import * as vscode from 'vscode';
import { formatMs } from './checkResults';
import type { NetResult } from '../../../../core/src/net';

const KEPT_LINES = 500;

export class CheckLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('PACS Devices');
  private readonly lines: string[] = [];
  /** Checks aborted at deactivation still report; by then the channel may be gone. */
  private disposed = false;

  line(text: string): void {
    const stamped = `[${new Date().toLocaleTimeString(undefined, { hour12: false })}] ${text}`;
    if (!this.disposed) this.channel.appendLine(stamped);
    this.lines.push(stamped);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
  }

  /** `echo CT1 (CT_SCANNER@host:104 from PACS_MAIN): refused after 0.4 ms — connection refused ...` */
  result(action: string, id: string, target: string, r: NetResult): void {
    const how = r.ok ? `${r.outcome} in ${formatMs(r.ms)}` : `${r.outcome} after ${formatMs(r.ms)}`;
    this.line(`${action} ${id} (${target}): ${how} — ${r.reason}`);
  }

  show(): void {
    if (!this.disposed) this.channel.show(true);
  }

  recent(): string[] {
    return [...this.lines];
  }

  dispose(): void {
    this.disposed = true;
    this.channel.dispose();
  }
}
