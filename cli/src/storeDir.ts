/** Where `pacsw serve` keeps received objects when no --store is given (and `pacsw queue` looks). */
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_STORE_HINT = '$XDG_STATE_HOME/pacs-workbench/received/<file name>';

function stateHome(): string {
  return process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
}

/** A folder name from a file's base name: no separators, no dot folders. */
function safeName(name: string): string {
  const safe = name.trim().replace(/[^A-Za-z0-9._-]/g, '_');
  return !safe || safe.startsWith('.') ? `_${safe}` : safe;
}

export function defaultStoreDir(devicesFile: string): string {
  return path.join(stateHome(), 'pacs-workbench', 'received', safeName(path.basename(devicesFile, path.extname(devicesFile))));
}
