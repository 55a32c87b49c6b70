/**
 * Echo and ping of devices: builds the target (device AE called from the server's AE, TLS when
 * the device has a TLS port), runs the core network checks bounded by the timeout setting,
 * records the result for the tree and writes it to the output channel. Every check listens to
 * one session-wide AbortSignal, so deactivating the extension ends all of them at once and no
 * socket outlives it.
 */
import * as vscode from 'vscode';
import type { DeviceModel, DeviceTable } from '../../../../core/src/devices';
import { echo, icmpPing, runBounded, tcpPing, type NetResult, type TlsOptions } from '../../../../core/src/net';
import type { CheckLog } from './checkLog';
import type { CheckResults, EchoRecord, PingRecord } from './checkResults';
import { checkEndpoint } from '../../../../core/src/devices';
import { networkSettings, tlsOptions } from './networkSettings';

export interface DeviceRef {
  uri: vscode.Uri;
  table: DeviceTable;
  device: DeviceModel;
}

export type CheckKind = 'echo' | 'ping';

export class DeviceChecks implements vscode.Disposable {
  private readonly session = new AbortController();

  constructor(
    private readonly results: CheckResults,
    private readonly log: CheckLog,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  /** `signal` defaults to the session's (a batch passes its own, which also follows the session). */
  async echo(ref: DeviceRef, signal?: AbortSignal): Promise<EchoRecord> {
    const { device, table } = ref;
    const ep = checkEndpoint(device);
    const callingAet = table.server?.ae;
    const target = `${device.ae ?? '?'}@${device.host ?? '?'}:${ep?.port ?? '?'}${ep?.tls ? ' over TLS' : ''}, calling ${callingAet ?? '?'}`;
    let result: NetResult;
    const problem = !callingAet
      ? 'the file has no server AE title to call from (server { ae "..." })'
      : !device.host
        ? 'the device has no host'
        : !device.ae
          ? 'the device has no AE title'
          : !ep
            ? 'the device has no DICOM port (port, tcp-port or tls-port)'
            : undefined;
    if (problem) {
      result = { ok: false, ms: 0, outcome: 'error', reason: `not echoed: ${problem}` };
    } else {
      let tls: TlsOptions | undefined;
      let tlsProblem: string | undefined;
      if (ep!.tls) {
        try {
          tls = await tlsOptions(this.secrets);
        } catch (e) {
          tlsProblem = (e as Error).message;
        }
      }
      result = tlsProblem
        ? { ok: false, ms: 0, outcome: 'tls-failure', reason: `TLS failure: ${tlsProblem}` }
        : await echo({
            host: device.host!,
            port: ep!.port,
            calledAet: device.ae!,
            callingAet: callingAet!,
            tls,
            timeoutMs: networkSettings().timeoutMs,
            signal: signal ?? this.session.signal,
          });
    }
    const record: EchoRecord = { ...result, at: new Date(), target };
    this.results.setEcho(ref.uri, device.id, record);
    this.log.result('echo', device.id, target, result);
    return record;
  }

  /** TCP connect to the DICOM port and one ICMP echo, side by side. */
  async ping(ref: DeviceRef, signal?: AbortSignal): Promise<PingRecord> {
    const { device } = ref;
    const { timeoutMs } = networkSettings();
    const both = signal ?? this.session.signal;
    const ep = checkEndpoint(device);
    let record: PingRecord;
    if (!device.host) {
      const none: NetResult = { ok: false, ms: 0, outcome: 'error', reason: 'not pinged: the device has no host' };
      record = { at: new Date(), icmp: none, ok: false };
      this.log.result('ping', device.id, '?', none);
    } else {
      const [tcp, icmp] = await Promise.all([
        ep ? tcpPing(device.host, ep.port, timeoutMs, both) : Promise.resolve(undefined),
        icmpPing(device.host, timeoutMs, both),
      ]);
      record = { at: new Date(), tcp, icmp, ok: !!tcp?.ok || icmp.ok };
      if (tcp) this.log.result('ping TCP', device.id, `${device.host}:${ep!.port}`, tcp);
      else this.log.line(`ping TCP ${device.id}: skipped — the device has no DICOM port`);
      this.log.result('ping ICMP', device.id, device.host, icmp);
    }
    this.results.setPing(ref.uri, device.id, record);
    return record;
  }

  /**
   * Checks many devices, at most `network.concurrency` at once, with a cancellable progress
   * notification. Devices not started when the user cancels are reported as cancelled.
   */
  async many(kind: CheckKind, refs: DeviceRef[]): Promise<Array<{ id: string; ok: boolean; outcome: string }>> {
    const { concurrency } = networkSettings();
    this.log.line(`${kind} all: ${refs.length} device(s), ${concurrency} at a time`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PACS: ${kind} ${refs.length} device(s)`, cancellable: true },
      async (progress, token) => {
        // One signal for the batch: the cancel button or deactivation ends it.
        const cancel = new AbortController();
        const abort = () => cancel.abort();
        const sub = token.onCancellationRequested(abort);
        this.session.signal.addEventListener('abort', abort, { once: true });
        let done = 0;
        let failed = 0;
        try {
          const out = await runBounded(
            refs,
            concurrency,
            async (ref) => {
              const r = kind === 'echo' ? await this.echo(ref, cancel.signal) : await this.ping(ref, cancel.signal);
              done++;
              if (!r.ok) failed++;
              progress.report({ increment: 100 / refs.length, message: `${done}/${refs.length}, ${failed} failed` });
              const outcome = 'outcome' in r ? r.outcome : r.ok ? 'ok' : (r.tcp ?? r.icmp).outcome;
              return { id: ref.device.id, ok: r.ok, outcome };
            },
            cancel.signal,
            (ref) => ({ id: ref.device.id, ok: false, outcome: 'cancelled' }),
          );
          const ok = out.filter((r) => r.ok).length;
          const cancelled = out.filter((r) => r.outcome === 'cancelled').length;
          this.log.line(`${kind} all: ${ok} ok, ${out.length - ok - cancelled} failed${cancelled ? `, ${cancelled} cancelled` : ''}`);
          return out;
        } finally {
          sub.dispose();
          this.session.signal.removeEventListener('abort', abort);
        }
      },
    );
  }

  /** Ends every check in flight: their sockets and ping processes are closed. */
  dispose(): void {
    this.session.abort();
  }
}
