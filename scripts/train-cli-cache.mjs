// Build step (esbuild.mjs): runs each pacsw CLI bundle on the examples (check, apply, trace; no
// network) in this process, then writes V8's code cache of everything that was compiled to
// dist/<bundle>.codecache, which dist/pacsw.js hands to V8 on every start (cli/src/launcher.ts).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { loadCli, writeCodeCache, cacheFileOf } = require(path.join(repo, 'dist', 'pacsw.js'));

const examples = path.join(repo, 'examples', 'workspace');
const rules = path.join(examples, 'devices', 'rules');
const samples = path.join(examples, 'samples');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsw-train-'));
const applyCommands = [
  ['apply', '--before', path.join(rules, 'preceding.coerce'), '--rules', path.join(examples, 'teaching-file-anonymise.coerce'),
    '--after', path.join(rules, 'trailing.coerce'), '--out', out, samples],
  ['apply', '--json', '--rules', path.join(examples, 'documented-examples.coerce'), '--out', path.join(out, 'json'), samples],
];
/** What each bundle runs before its cache is taken: the commands it is started for. */
const training = {
  apply: applyCommands,
  cli: [
    ['check', ...fs.readdirSync(examples).filter((f) => f.endsWith('.coerce')).map((f) => path.join(examples, f)),
      path.join(examples, 'devices', 'hospital.pacs')],
    ['trace', '--rules', path.join(examples, 'documented-examples.coerce'), path.join(samples, 'ct-outside.dcm')],
  ],
};

// The commands print their results; the build log does not need them.
const write = process.stdout.write;
const errorWrite = process.stderr.write;
const sizes = [];
try {
  for (const [bundle, commands] of Object.entries(training)) {
    const loaded = loadCli({ bundle, cacheFile: null });
    process.stdout.write = () => true;
    process.stderr.write = () => true;
    try {
      for (const argv of commands) await loaded.cli.main(argv);
    } finally {
      process.stdout.write = write;
      process.stderr.write = errorWrite;
    }
    sizes.push(`${path.relative(repo, cacheFileOf(bundle))} ${(writeCodeCache(loaded) / 1024).toFixed(0)} KiB`);
  }
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
console.error(`pacsw code caches: ${sizes.join(', ')}`);
