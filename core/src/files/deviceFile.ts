/** A .pacs file read from disk, with its references, and validated: the CLI's entry point. */
import type { CoreDiagnostic } from '../diagnostics';
import type { DeviceTable } from '../devices/model';
import type { PathPolicy } from '../devices/references';
import { validateDeviceText, type DeviceValidateOptions } from '../devices/validate';
import { cliPathPolicy, diskReferences, readNamedTextFile } from './referencedFiles';

export interface LoadedDeviceFile {
  path: string;
  text: string;
  table: DeviceTable;
  diagnostics: CoreDiagnostic[];
}

/** Reads, parses and validates a .pacs file from disk (the CLI's entry point). */
export function loadDeviceFile(file: string, options: Omit<DeviceValidateOptions, 'readFile' | 'checkPath'> = {}, policy: PathPolicy = cliPathPolicy(file)): LoadedDeviceFile {
  const text = readNamedTextFile(file);
  const { table, diagnostics } = validateDeviceText(text, { ...options, ...diskReferences(file, policy) }, file);
  return { path: file, text, table, diagnostics };
}
