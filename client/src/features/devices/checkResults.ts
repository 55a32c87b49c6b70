/**
 * The last echo and ping result of each device, with the time it was taken, for the tree's
 * descriptions and tooltips. Kept in memory only: a result is a fact about one moment.
 */
import * as vscode from 'vscode';
import type { NetResult } from '../../../../core/src/net';

export interface EchoRecord extends NetResult {
  /** When the result arrived. */
  at: Date;
  /** What was called, e.g. `CT_SCANNER@127.0.0.1:104 (TLS)`. */
  target: string;
}

export interface PingRecord {
  at: Date;
  /** TCP connect to the DICOM port; undefined when the device has none. */
  tcp?: NetResult;
  icmp: NetResult;
  /** Reachable when either check answered. */
  ok: boolean;
}

export interface DeviceResults {
  echo?: EchoRecord;
  ping?: PingRecord;
}

export class CheckResults implements vscode.Disposable {
  private readonly results = new Map<string, DeviceResults>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  get(uri: vscode.Uri | string, id: string): DeviceResults {
    return this.results.get(key(uri, id)) ?? {};
  }

  setEcho(uri: vscode.Uri | string, id: string, record: EchoRecord): void {
    this.results.set(key(uri, id), { ...this.get(uri, id), echo: record });
    this.changed.fire();
  }

  setPing(uri: vscode.Uri | string, id: string, record: PingRecord): void {
    this.results.set(key(uri, id), { ...this.get(uri, id), ping: record });
    this.changed.fire();
  }

  /** Every result, keyed `uri#id` (for the test hook). */
  entries(): Array<[string, DeviceResults]> {
    return [...this.results.entries()];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function key(uri: vscode.Uri | string, id: string): string {
  return `${typeof uri === 'string' ? uri : uri.toString()}#${id}`;
}

/** `ok 3.2 ms`, `refused 1 ms`, `timeout 5000 ms`. */
export function shortResult(r: NetResult): string {
  return `${r.outcome} ${formatMs(r.ms)}`;
}

export function formatMs(ms: number): string {
  return `${ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** Local clock time of a result, e.g. `14:03:12`. */
export function clock(at: Date): string {
  return at.toLocaleTimeString(undefined, { hour12: false });
}
