// Activation benchmark: starts a fresh VS Code (code-server) several times and reports how
// long activation, language-server start and the first diagnostics take (see
// bench/activation.bench.ts). Usage: node bench/activation.bench.mjs [runs=3]
// after `npm run build` and `tsc -p .`. Writes bench/results/activation.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInVSCode } from '../test/e2e/runner.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 3);
const emptyWorkspace = mkdtempSync(path.join(os.tmpdir(), 'pacsw-bench-'));
const samples = [];
try {
  for (let i = 0; i < runs; i++) {
    let sample;
    const exitCode = await runInVSCode({
      testsModule: path.join(repo, 'out', 'bench', 'activation.bench.js'),
      workspaceSource: emptyWorkspace,
      timeoutMs: 3 * 60_000,
      verbose: false,
      print: (line) => console.log(line),
      onLog: (text) => {
        const match = /PACSW_BENCH (\{.*\})/.exec(text);
        if (match) sample = JSON.parse(match[1]);
      },
    });
    if (exitCode !== 0 || !sample) throw new Error(`run ${i + 1}: VS Code exited with ${exitCode}${sample ? '' : ' and no measurement'}`);
    console.log(`run ${i + 1}: ${JSON.stringify(sample)}`);
    samples.push(sample);
  }
} finally {
  rmSync(emptyWorkspace, { recursive: true, force: true });
}

const median = (key) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const summary = {
  what: 'fresh code-server 4.139.1 (VS Code 1.139.1), headless Chromium; ms, median of runs',
  machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  runs: samples.length,
  activateMs: median('activateMs'),
  activateBodyMs: median('activateBodyMs'),
  serverReadyMs: median('serverReadyMs'),
  firstDiagnosticsMs: median('firstDiagnosticsMs'),
  samples,
};
mkdirSync(path.join(repo, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(repo, 'bench', 'results', 'activation.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`activation: ${summary.activateMs} ms (activate() itself ${summary.activateBodyMs} ms), server ready: ${summary.serverReadyMs} ms, first diagnostics: ${summary.firstDiagnosticsMs} ms (median of ${summary.runs})`);
