/**
 * `pacsw ping --devices FILE [ID...]`: network reachability of the devices of a .pacs file
 * (all enabled devices when no ID is given). ICMP through the system `ping` by default, like
 * the Ping button of the eRAD device table; `--tcp` connects to each device's DICOM port instead.
 * Exit status 0 when every device answered, 1 when any did not, 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_NETWORK_TIMEOUT_MS } from '../../../core/src/net/defaults';
import { checkEndpoint } from '../../../core/src/devices/model';
import { icmpPing, tcpPing } from '../../../core/src/net/ping';
import { checkDevices, DEVICE_COMMAND_OPTIONS, loadSelection, parsePositiveInt, processOut, usageFailure, type DeviceResultRow, type Out } from '../deviceCommand';

export const PING_USAGE = `usage: pacsw ping --devices FILE [ID...] [options]
  Ping every named device (all enabled devices when no ID is given).
  --devices FILE      the .pacs device table
  --tcp               connect to the device's DICOM port instead of ICMP ping
  --timeout MS        limit per device (default ${DEFAULT_NETWORK_TIMEOUT_MS}, as in the editor; ICMP rounds up to whole seconds)
  --concurrency N     devices pinged at once (default 8)
  --json              print a JSON array instead of lines
exit status: 0 all answered, 1 any did not, 2 usage error`;

export async function run(args: string[], out: Out = processOut): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...DEVICE_COMMAND_OPTIONS, tcp: { type: 'boolean' } },
    });
    if (values.help) {
      out.stdout(PING_USAGE + '\n');
      return 0;
    }
    const timeoutMs = parsePositiveInt('--timeout', values.timeout, DEFAULT_NETWORK_TIMEOUT_MS);
    const concurrency = parsePositiveInt('--concurrency', values.concurrency, 8);
    const { devices } = loadSelection(values.devices, positionals, out);
    return await checkDevices(devices, concurrency, async (d, signal): Promise<DeviceResultRow> => {
      if (!d.host) return { id: d.id, ok: false, ms: 0, outcome: 'error', reason: 'cannot ping: no host' };
      if (values.tcp) {
        const ep = checkEndpoint(d);
        if (!ep) return { id: d.id, host: d.host, ok: false, ms: 0, outcome: 'error', reason: 'cannot ping: no DICOM port' };
        return { id: d.id, host: d.host, port: ep.port, ...(await tcpPing(d.host, ep.port, timeoutMs, signal)) };
      }
      return { id: d.id, host: d.host, ...(await icmpPing(d.host, timeoutMs, signal)) };
    }, !!values.json, out);
  } catch (e) {
    return usageFailure(e, PING_USAGE, out);
  }
}
