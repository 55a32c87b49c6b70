/**
 * What `pacsw echo` and `pacsw ping` share: options, loading the device selection, checking
 * devices a bounded number at a time with Ctrl+C cancelling, and the one-line-per-device output.
 */
import { selectDevices } from '../../core/src/devices/resolve';
import { loadDeviceFile, type LoadedDeviceFile } from '../../core/src/files/deviceFile';
import type { DeviceModel } from '../../core/src/devices/model';
import { runBounded } from '../../core/src/net/echoAll';
import type { NetResult } from '../../core/src/net/outcome';
import { UsageError } from './args';

/** Options every device command takes (parseArgs form); each command adds its own. */
export const DEVICE_COMMAND_OPTIONS = {
  devices: { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One row of output. */
export interface DeviceResultRow extends NetResult {
  id: string;
  host?: string;
  port?: number;
  calledAet?: string;
}

export interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export const processOut: Out = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

export function parsePositiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`${name} needs a positive whole number, not "${v}"`);
  return Number(v);
}

/** Loads the table and picks the devices; usage errors for a missing file or unknown IDs. */
export function loadSelection(file: string | undefined, ids: string[], out: Out): { loaded: LoadedDeviceFile; devices: DeviceModel[] } {
  if (!file) throw new UsageError('--devices FILE is required');
  let loaded: LoadedDeviceFile;
  try {
    loaded = loadDeviceFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    // Go on with what could be read, but say what is wrong in the file.
    for (const d of errors.slice(0, 10)) out.stderr(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: error ${d.code}: ${d.message}\n`);
    if (errors.length > 10) out.stderr(`${file}: ${errors.length - 10} more errors\n`);
  }
  const { devices, unknown } = selectDevices(loaded.table, ids);
  if (unknown.length) throw new UsageError(`no device with ID ${unknown.join(', ')} in ${file}`);
  return { loaded, devices };
}

/** `CT1  ok  3.2 ms  CT_SCANNER@127.0.0.1:104  C-ECHO succeeded` with aligned columns. */
export function formatRows(rows: DeviceResultRow[]): string[] {
  const idW = Math.max(2, ...rows.map((r) => r.id.length));
  const outW = Math.max(...rows.map((r) => r.outcome.length));
  const msText = rows.map((r) => `${r.ms.toFixed(1)} ms`);
  const msW = Math.max(...msText.map((s) => s.length));
  return rows.map((r, i) => {
    const where = r.host !== undefined ? `${r.calledAet ? r.calledAet + '@' : ''}${r.host}${r.port !== undefined ? ':' + r.port : ''}  ` : '';
    return `${r.id.padEnd(idW)}  ${r.outcome.padEnd(outW)}  ${msText[i].padStart(msW)}  ${where}${r.reason}`;
  });
}

export function printRows(rows: DeviceResultRow[], json: boolean, out: Out): number {
  if (json) out.stdout(JSON.stringify(rows, null, 2) + '\n');
  else if (rows.length === 0) out.stdout('no devices to check (no enabled devices in the file)\n');
  else out.stdout(formatRows(rows).join('\n') + '\n');
  return rows.every((r) => r.ok) ? 0 : 1;
}

/**
 * Checks `devices`, `concurrency` at a time; Ctrl+C cancels the checks in flight (they end as
 * `cancelled`) and those not started. Prints the rows and returns the exit status.
 */
export async function checkDevices(
  devices: DeviceModel[],
  concurrency: number,
  check: (device: DeviceModel, signal: AbortSignal) => Promise<DeviceResultRow>,
  json: boolean,
  out: Out,
): Promise<number> {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const rows = await runBounded(devices, concurrency, (d) => check(d, ac.signal), ac.signal,
      (d): DeviceResultRow => ({ id: d.id, ok: false, ms: 0, outcome: 'cancelled', reason: 'cancelled' }));
    return printRows(rows, json, out);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export function usageFailure(e: unknown, usage: string, out: Out): number {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    out.stderr(`pacsw: ${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  if (e instanceof Error && /cannot read TLS/.test(e.message)) {
    out.stderr(`pacsw: ${e.message}\n`);
    return 2;
  }
  throw e;
}
