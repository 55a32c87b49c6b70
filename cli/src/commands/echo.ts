/**
 * `pacsw echo --devices FILE [ID...]`: DICOM C-ECHO to the devices of a .pacs file (all enabled
 * devices when no ID is given), one line per device with result and milliseconds, or --json.
 * Exit status 0 when every echo succeeded, 1 when any failed, 2 for a usage error.
 * The shared option handling and output here are used by `pacsw ping` too.
 */
import { parseArgs } from 'node:util';
import { loadDeviceFile, selectDevices, type LoadedDeviceFile } from '../../../core/src/devices/resolve';
import type { DeviceModel } from '../../../core/src/devices/model';
import { echo } from '../../../core/src/net/echo';
import { echoTargetOf, runBounded } from '../../../core/src/net/echo-all';
import type { NetResult } from '../../../core/src/net/outcome';
import { loadTlsOptions, type TlsOptions } from '../../../core/src/net/tls';

export const ECHO_USAGE = `usage: pacsw echo --devices FILE [ID...] [options]
  C-ECHO every named device (all enabled devices when no ID is given).
  --devices FILE      the .pacs device table; the calling AE is its server's AE title
  --timeout MS        limit per device (default 5000)
  --concurrency N     devices echoed at once (default 8)
  --calling-aet AE    call from this AE title instead of the server's
  --tls-ca FILE       trust this CA for devices reached over TLS (tls-port only)
  --tls-cert FILE     client certificate (PEM) for TLS peers that require one
  --tls-key FILE      client key (PEM)
  --tls-insecure      do not verify TLS peer certificates
  --json              print a JSON array instead of lines
exit status: 0 all succeeded, 1 any failed, 2 usage error`;

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

const processOut: Out = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

export class UsageError extends Error {}

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

export async function run(args: string[], out: Out = processOut): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        devices: { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        'calling-aet': { type: 'string' },
        'tls-ca': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-insecure': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      out.stdout(ECHO_USAGE + '\n');
      return 0;
    }
    const timeoutMs = parsePositiveInt('--timeout', values.timeout, 5000);
    const concurrency = parsePositiveInt('--concurrency', values.concurrency, 8);
    const { loaded, devices } = loadSelection(values.devices, positionals, out);
    let tls: TlsOptions | undefined;
    if (values['tls-ca'] || values['tls-cert'] || values['tls-key'] || values['tls-insecure']) {
      tls = loadTlsOptions({ caFile: values['tls-ca'], certFile: values['tls-cert'], keyFile: values['tls-key'], insecure: values['tls-insecure'] });
    }
    const table = loaded.table;
    if (values['calling-aet'] && table.server) table.server.ae = values['calling-aet'];
    else if (values['calling-aet']) table.server = { ...emptyServer(), ae: values['calling-aet'] };

    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      const rows = await runBounded(devices, concurrency, async (d): Promise<DeviceResultRow> => {
        const t = echoTargetOf(d, table, tls);
        if ('problem' in t) return { id: d.id, ok: false, ms: 0, outcome: 'error', reason: `cannot echo: ${t.problem}` };
        const r = await echo({ ...t, timeoutMs, signal: ac.signal });
        return { id: d.id, host: t.host, port: t.port, calledAet: t.calledAet, ...r };
      }, ac.signal, (d): DeviceResultRow => ({ id: d.id, ok: false, ms: 0, outcome: 'cancelled', reason: 'cancelled' }));
      return printRows(rows, !!values.json, out);
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  } catch (e) {
    return usageFailure(e, ECHO_USAGE, out);
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

function emptyServer() {
  return { name: '', nameRange: zero(), range: zero(), timeouts: {}, rules: {}, deploy: [], fieldRanges: {} };
}

function zero() {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
