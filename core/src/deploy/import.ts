/**
 * Import: a device file (.pacs text) from what a running Orthanc holds. The server block gets
 * Orthanc's AE title and DICOM port and a `deploy orthanc` line pointing back at it; each
 * modality becomes a `dicom` device (orthancMapping.ts, deviceOfModality). Deploying the result
 * to the same Orthanc changes nothing, and importing after a deploy gives back the modalities'
 * part of the deployed table.
 */
import { formatDevice, formatWord, quote } from '../devices/format';
import { deviceOfModality } from './orthancMapping';
import { OrthancClient, type OrthancConnection } from './orthancClient';

export interface ImportResult {
  text: string;
  server: string;
  devices: number;
}

export async function importFromOrthanc(connection: OrthancConnection & { serverName?: string }, signal?: AbortSignal): Promise<ImportResult> {
  const client = new OrthancClient(connection);
  const system = await client.system(signal);
  const modalities = await client.modalities(signal);
  const server = connection.serverName ?? system.DicomAet ?? system.Name ?? 'ORTHANC';
  const host = new URL(client.url).hostname;
  const lines = [
    `# Imported from ${client.url} (Orthanc ${system.Version ?? '?'}) on ${new Date().toISOString()}.`,
    '# Orthanc holds AE title, host, port, TLS and the U-column services of each modality;',
    '# type, category, timers, limits and rules are not stored there.',
    '',
    `server ${formatWord(server)} {`,
  ];
  if (system.DicomAet) lines.push(`  ae ${quote(system.DicomAet)}`);
  lines.push(`  host ${formatWord(host)}`);
  if (typeof system.DicomPort === 'number') lines.push(`  tcp-port ${system.DicomPort}`);
  lines.push(`  deploy orthanc ${quote(client.url)}`, '}');
  const names = Object.keys(modalities).sort();
  for (const name of names) lines.push('', formatDevice(deviceOfModality(name, modalities[name])));
  return { text: lines.join('\n') + '\n', server, devices: names.length };
}
