/**
 * Pure helpers of "Add Samples...": the globs an added file or folder becomes, and the URIs of
 * a drop on the panel (a `text/uri-list`).
 */

/** Globs for one added path relative to its workspace folder ('' is the folder itself). */
export function globsFor(relative: string, isFolder: boolean): string[] {
  const clean = relative.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  if (!isFolder) return [clean];
  const base = clean === '' ? '' : `${clean}/`;
  return [`${base}**/*.dcm`, `${base}**/*.json`];
}

/** URIs from a drop: `text/uri-list` lines (comments start with #), blank lines ignored. */
export function parseUriList(list: string): string[] {
  return list.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}
