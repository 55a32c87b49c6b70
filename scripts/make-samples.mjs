// Writes the sample DICOM objects of the example workspace (examples/workspace/samples) from
// the DCMTK dump text committed beside them (samples/dump/*.txt), with DCMTK's dump2dcm:
//   dump/<name>.txt       → samples/<name>.dcm   (Part 10)
//   dump/<name>.json.txt  → samples/<name>.json  (DICOM JSON, via dump2dcm then dcm2json)
// The outputs are committed, so the example workspace and the tests work without DCMTK; run
// this script (`node scripts/make-samples.mjs`) after editing a dump, and commit both.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const samples = path.join(repo, 'examples', 'workspace', 'samples');
const dumps = path.join(samples, 'dump');

function run(tool, args) {
  try {
    return execFileSync(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error(`${tool} not found: install DCMTK (Debian package dcmtk)`);
    throw new Error(`${tool} ${args.join(' ')} failed:\n${error.stderr?.toString() ?? error.message}`);
  }
}

const temp = mkdtempSync(path.join(os.tmpdir(), 'pacsw-samples-'));
try {
  for (const name of readdirSync(dumps).filter((n) => n.endsWith('.txt')).sort()) {
    const json = name.endsWith('.json.txt');
    const base = name.slice(0, -(json ? '.json.txt' : '.txt').length);
    const part10 = path.join(temp, `${base}.dcm`);
    run('dump2dcm', [path.join(dumps, name), part10]);
    const output = json ? run('dcm2json', ['--formatted-code', part10]) : readFileSync(part10);
    const target = path.join(samples, `${base}${json ? '.json' : '.dcm'}`);
    writeFileSync(target, output);
    console.log(`wrote ${path.relative(repo, target)} (${output.length} bytes)`);
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
