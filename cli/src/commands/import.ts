/**
 * `pacsw import --url URL --out FILE`: write a device file (.pacs) from the modalities a running
 * Orthanc holds. Deploying that file back to the same Orthanc changes nothing.
 */
import * as fs from 'node:fs';
import { importFromOrthanc } from '../../../core/src/deploy/import';
import { writeFileAtomic } from '../../../core/src/deploy/exportFolder';
import { parseArgs, UsageError } from '../args';
import { credentialsFromEnv, readCa } from './deploy';

export const summary = 'write a device table (.pacs) from what a running Orthanc holds';
export const usage = `usage: pacsw import --url URL --out FILE [--server NAME] [--force] [--ca FILE] [--timeout MS]

--url URL       Orthanc's REST API, e.g. http://127.0.0.1:8042 (no credentials in it)
--out FILE      the .pacs file to write (an existing file is kept unless --force)
--server NAME   name of the server block (default: Orthanc's AE title); also selects the
                PACSW_<SERVER>_USERNAME / _PASSWORD credentials (else PACSW_USERNAME / PACSW_PASSWORD)
--ca FILE       PEM file of a private CA to trust for https
--json          print {file, server, devices} as JSON
Exit status: 0 written, 1 failed, 2 usage error.`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['url', 'out', 'server', 'ca', 'timeout'], flags: ['force', 'json'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  const url = parsed.values.get('url');
  const out = parsed.values.get('out');
  if (!url) throw new UsageError('--url URL is required');
  if (!out) throw new UsageError('--out FILE is required');
  if (fs.existsSync(out) && !parsed.flags.has('force')) throw new UsageError(`${out} exists; give --force to replace it`);
  const t = parsed.values.get('timeout');
  if (t !== undefined && !/^\d+$/.test(t)) throw new UsageError(`--timeout needs a number of milliseconds, not "${t}"`);
  const server = parsed.values.get('server');
  const creds = credentialsFromEnv(server);
  let result;
  try {
    result = await importFromOrthanc({
      url, serverName: server, username: creds?.username, password: creds?.password,
      ca: readCa(parsed.values.get('ca')), timeoutMs: t === undefined ? undefined : Number(t),
    });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    console.error(`pacsw import: ${(e as Error).message}`);
    return 1;
  }
  writeFileAtomic(out, result.text);
  if (parsed.flags.has('json')) console.log(JSON.stringify({ file: out, server: result.server, devices: result.devices }, null, 2));
  else console.log(`${out}: server ${result.server}, ${result.devices} device${result.devices === 1 ? '' : 's'} imported from ${url}`);
  return 0;
}
