/**
 * `pacsw echo --devices FILE [ID...]`: DICOM C-ECHO to the devices of a .pacs file (all enabled
 * devices when no ID is given), one line per device with result and milliseconds, or --json.
 * Exit status 0 when every echo succeeded, 1 when any failed, 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_NETWORK_TIMEOUT_MS } from '../../../core/src/net/defaults';
import { echo } from '../../../core/src/net/echo';
import { echoTargetOf } from '../../../core/src/net/echoAll';
import { loadTlsOptions, type TlsOptions } from '../../../core/src/net/tls';
import { checkDevices, DEVICE_COMMAND_OPTIONS, loadSelection, parsePositiveInt, processOut, usageFailure, type DeviceResultRow, type Out } from '../deviceCommand';

export const ECHO_USAGE = `usage: pacsw echo --devices FILE [ID...] [options]
  C-ECHO every named device (all enabled devices when no ID is given).
  --devices FILE      the .pacs device table; the calling AE is its server's AE title
  --timeout MS        limit per device (default ${DEFAULT_NETWORK_TIMEOUT_MS}, as in the editor)
  --concurrency N     devices echoed at once (default 8)
  --calling-aet AE    call from this AE title instead of the server's
  --tls-ca FILE       trust this CA for devices reached over TLS (tls-port only)
  --tls-cert FILE     client certificate (PEM) for TLS peers that require one
  --tls-key FILE      client key (PEM)
  --tls-insecure      do not verify TLS peer certificates
  --json              print a JSON array instead of lines
exit status: 0 all succeeded, 1 any failed, 2 usage error`;

export async function run(args: string[], out: Out = processOut): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...DEVICE_COMMAND_OPTIONS,
        'calling-aet': { type: 'string' },
        'tls-ca': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-insecure': { type: 'boolean' },
      },
    });
    if (values.help) {
      out.stdout(ECHO_USAGE + '\n');
      return 0;
    }
    const timeoutMs = parsePositiveInt('--timeout', values.timeout, DEFAULT_NETWORK_TIMEOUT_MS);
    const concurrency = parsePositiveInt('--concurrency', values.concurrency, 8);
    const { loaded, devices } = loadSelection(values.devices, positionals, out);
    let tls: TlsOptions | undefined;
    if (values['tls-ca'] || values['tls-cert'] || values['tls-key'] || values['tls-insecure']) {
      tls = loadTlsOptions({ caFile: values['tls-ca'], certFile: values['tls-cert'], keyFile: values['tls-key'], insecure: values['tls-insecure'] });
    }
    const table = loaded.table;
    if (values['calling-aet'] && table.server) table.server.ae = values['calling-aet'];
    else if (values['calling-aet']) table.server = { ...emptyServer(), ae: values['calling-aet'] };

    return await checkDevices(devices, concurrency, async (d, signal): Promise<DeviceResultRow> => {
      const t = echoTargetOf(d, table, tls);
      if ('problem' in t) return { id: d.id, ok: false, ms: 0, outcome: 'error', reason: `cannot echo: ${t.problem}` };
      const r = await echo({ ...t, timeoutMs, signal });
      return { id: d.id, host: t.host, port: t.port, calledAet: t.calledAet, ...r };
    }, !!values.json, out);
  } catch (e) {
    return usageFailure(e, ECHO_USAGE, out);
  }
}

function emptyServer() {
  return { name: '', nameRange: zero(), range: zero(), timeouts: {}, rules: {}, deploy: [], fieldRanges: {} };
}

function zero() {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
