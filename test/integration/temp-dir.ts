/** Temporary folders for the integration tests, under the system temp folder. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pacsw-${prefix}-`));
}

/**
 * A temp folder for one `describe` block: made before its first test and removed after its
 * last. Call it in the block's body; the returned function gives the folder inside tests.
 */
export function suiteTempDir(prefix: string): () => string {
  let dir: string | undefined;
  before(() => {
    dir = tempDir(prefix);
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error(`suiteTempDir('${prefix}') is read outside a test of its describe block`);
    return dir;
  };
}
