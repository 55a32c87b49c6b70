/**
 * Reachability checks: a TCP connect to a port (what "can the server reach the DICOM port"
 * means) and an ICMP ping through the system `ping` command (no raw sockets needed here).
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { classifySocketError, type NetResult } from './outcome';

export function tcpPing(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<NetResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const finish = (r: Omit<NetResult, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...r, ms: Math.round((performance.now() - start) * 100) / 100 });
    };
    const onAbort = () => finish({ ok: false, outcome: 'cancelled', reason: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish({ ok: false, outcome: 'timeout', reason: `no TCP answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => finish({ ok: true, outcome: 'ok', reason: `TCP port ${port} open` }));
    socket.once('error', (err: Error & { code?: string }) => {
      const c = classifySocketError(err, err.message);
      finish({ ok: false, outcome: c.outcome, reason: c.reason });
    });
    if (signal?.aborted) onAbort();
  });
}

/**
 * One ICMP echo via `ping -c 1 -W s -n host`. Reports `unavailable` when the system has no
 * ping command (or may not use it), rather than pretending the host is down.
 */
export function icmpPing(host: string, timeoutMs: number, signal?: AbortSignal): Promise<NetResult> {
  const start = performance.now();
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return new Promise((resolve) => {
    let settled = false;
    let out = '';
    let child: ReturnType<typeof spawn>;
    const finish = (r: Omit<NetResult, 'ms'>, ms?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve({ ...r, ms: Math.round((ms ?? performance.now() - start) * 100) / 100 });
    };
    // `--` keeps a host name starting with `-` from being read as an option.
    child = spawn('ping', ['-c', '1', '-W', String(seconds), '-n', '--', host], { stdio: ['ignore', 'pipe', 'pipe'] });
    const onAbort = () => finish({ ok: false, outcome: 'cancelled', reason: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    // Safety net: ping honours -W, but never let a stuck child hold us.
    const timer = setTimeout(() => finish({ ok: false, outcome: 'timeout', reason: `no ICMP reply within ${timeoutMs} ms` }), timeoutMs + 1000);
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.once('error', (err: Error & { code?: string }) => {
      if (err.code === 'ENOENT') finish({ ok: false, outcome: 'unavailable', reason: 'ICMP ping unavailable: this system has no `ping` command' });
      else finish({ ok: false, outcome: 'error', reason: `cannot run ping: ${err.message}` });
    });
    child.once('close', (code) => {
      const time = /time[=<]([\d.]+)\s*ms/.exec(out);
      if (code === 0) return finish({ ok: true, outcome: 'ok', reason: 'ICMP echo reply' }, time ? Number(time[1]) : undefined);
      if (/Name or service not known|Temporary failure in name resolution|unknown host|No address associated/i.test(out)) {
        return finish({ ok: false, outcome: 'unresolved', reason: 'host name could not be resolved' });
      }
      if (/Operation not permitted|permission denied/i.test(out)) {
        return finish({ ok: false, outcome: 'unavailable', reason: `ICMP ping not permitted here: ${lastLine(out)}` });
      }
      if (code === 1) return finish({ ok: false, outcome: 'timeout', reason: `no ICMP reply within ${seconds} s` });
      finish({ ok: false, outcome: 'error', reason: lastLine(out) || `ping exited with ${code}` });
    });
    if (signal?.aborted) onAbort();
  });
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop()?.trim() ?? '';
}
