/**
 * Coercion-language benchmarks (docs/benchmarks.md, section "Coercion language"):
 *  (a) parse + validate a generated 10,000-rule file in-process (core API), full and after a
 *      one-character edit through the incremental parser and validator;
 *  (b) over real LSP (node dist/server.js --stdio): one-character didChange → publishDiagnostics
 *      on the 10,000-rule file;
 *  (c) over real LSP: completion latency at a tag position in that file.
 * Run with `npm run bench` (or `node out/bench/coercion.bench.js` after build and tsc).
 * Prints a table and one `BENCH {json}` line per measurement; writes bench/results/coercion.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CompletionRequest, SemanticTokensDeltaRequest, SemanticTokensRequest } from 'vscode-languageserver-protocol/node';
import { createIncrementalParser } from '../core/src/coercion/incrementalParser';
import { parseRuleFile } from '../core/src/coercion/fileParser';
import { createIncrementalValidator } from '../core/src/coercion/incrementalValidator';
import { validateRuleFile } from '../core/src/coercion/validate';
import { LspClient, docUri, repoRoot } from '../test/lsp/client';
import { generateRuleFile } from './generate-rules';

const RULES = 10_000;

interface Measurement {
  suite: 'coercion';
  name: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** What the project promises, e.g. `p95 < 20 ms`. */
  target?: string;
  met?: boolean;
}

function stats(name: string, samples: number[], target?: { metric: 'medianMs' | 'p95Ms'; below: number }): Measurement {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x: number) => Math.round(x * 100) / 100;
  const m: Measurement = {
    suite: 'coercion', name, runs: samples.length, medianMs: round(pick(0.5)), p95Ms: round(pick(0.95)), maxMs: round(sorted[sorted.length - 1]),
  };
  if (target) {
    m.target = `${target.metric === 'p95Ms' ? 'p95' : 'median'} < ${target.below} ms`;
    m.met = m[target.metric] < target.below;
  }
  return m;
}

/** Where a one-character edit goes: inside the string of the n-th `(0008,0080)="Outside Hospital .."` rule. */
function editSpots(text: string): Array<{ line: number; character: number }> {
  const spots: Array<{ line: number; character: number }> = [];
  text.split('\n').forEach((l, line) => {
    if (l.startsWith('(0008,0080)="Outside')) spots.push({ line, character: 14 });
  });
  return spots;
}

function benchInProcess(text: string, runs: number): Measurement[] {
  const full: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    validateRuleFile(parseRuleFile(text), { dialect: 'strict' });
    full.push(performance.now() - t0);
  }
  const spots = editSpots(text);
  const lines = text.split('\n');
  /** The n-th one-character edit: a digit typed inside a string. */
  const edit = (i: number): string => {
    const spot = spots[(i * 37) % spots.length];
    const copy = [...lines];
    copy[spot.line] = copy[spot.line].slice(0, spot.character) + String(i % 10) + copy[spot.line].slice(spot.character);
    return copy.join('\n');
  };
  // Incremental re-parse, then a full validation (what the server did before it validated incrementally).
  const parser = createIncrementalParser();
  parser.parse(text);
  const edited: number[] = [];
  for (let i = 0; i < runs * 4; i++) {
    const changed = edit(i);
    const t0 = performance.now();
    validateRuleFile(parser.parse(changed), { dialect: 'strict' });
    edited.push(performance.now() - t0);
  }
  // What the server does per keystroke: incremental re-parse and incremental validation.
  const parser2 = createIncrementalParser();
  const validator = createIncrementalValidator();
  validator.validate(parser2.parse(text), { dialect: 'strict' });
  const incremental: number[] = [];
  for (let i = 0; i < runs * 4; i++) {
    const changed = edit(i);
    const t0 = performance.now();
    validator.validate(parser2.parse(changed), { dialect: 'strict' });
    incremental.push(performance.now() - t0);
  }
  // A line break typed in the middle of the file: the half of the lines below it move down.
  const moved: number[] = [];
  const middle = Math.floor(lines.length / 2);
  for (let i = 0; i < runs; i++) {
    const copy = [...lines];
    copy.splice(middle + (i % 2), 0, '');
    const changed = copy.join('\n');
    const t0 = performance.now();
    validator.validate(parser2.parse(changed), { dialect: 'strict' });
    moved.push(performance.now() - t0);
    validator.validate(parser2.parse(text), { dialect: 'strict' }); // and back, unmeasured
  }
  const n = RULES.toLocaleString('en');
  return [
    stats(`(a) parse+validate ${n} rules, in-process, from scratch`, full),
    stats(`(a) incremental re-parse + full validation of ${n} rules after a 1-char edit, in-process`, edited),
    stats(`(a) incremental re-parse + incremental validation after a 1-char edit, in-process`, incremental),
    stats(`(a) incremental re-parse + incremental validation after a line break in the middle, in-process`, moved),
  ];
}

async function benchOverLsp(text: string, edits: number, completions: number): Promise<Measurement[]> {
  const client = await LspClient.start();
  try {
    const uri = docUri('bench-10k.coerce');
    // Two half-typed lines at the end give completion a tag position by keyword and by number.
    const withCursorLines = `${text}(0008,1030)=concat(Pat\n(0010,\n`;
    await client.open(uri, withCursorLines);
    const spots = editSpots(text);

    /**
     * One-character edits, alternately inserted and deleted (the file keeps its size). With
     * `alongside`, the semantic-token delta request VS Code sends after an edit goes out right
     * behind the change and competes with validation for the server's one thread.
     */
    let version = 1;
    let tokensResultId: string | undefined;
    const editToDiagnostics = async (count: number, alongside: boolean): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < count; i++) {
        const insert = i % 2 === 0;
        const spot = spots[((insert ? i : i - 1) * 37) % spots.length];
        const end = insert ? spot : { line: spot.line, character: spot.character + 1 };
        version += 1;
        const published = client.nextDiagnostics(uri, version);
        const t0 = performance.now();
        await client.sendChange(uri, version, [{ range: { start: spot, end }, text: insert ? 'x' : '' }]);
        if (alongside) {
          const tokens = tokensResultId
            ? await client.connection.sendRequest(SemanticTokensDeltaRequest.type, { textDocument: { uri }, previousResultId: tokensResultId })
            : await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
          tokensResultId = tokens?.resultId;
        }
        await published;
        samples.push(performance.now() - t0);
      }
      return samples;
    };
    await editToDiagnostics(10, false); // warm-up: the server's JIT has not seen edits yet
    const cpuBefore = serverCpuMs(client);
    const diagnostics = await editToDiagnostics(edits, false);
    const cpuPerEdit = cpuBefore === undefined ? undefined : (serverCpuMs(client)! - cpuBefore) / edits;
    const withTokens = await editToDiagnostics(edits, true);

    const lastLine = withCursorLines.split('\n').length - 2;
    const positions = [
      { line: lastLine - 1, character: '(0008,1030)=concat(Pat'.length },
      { line: lastLine, character: '(0010,'.length },
    ];
    const latency: number[] = [];
    for (let i = 0; i < completions + 20; i++) {
      const t0 = performance.now();
      const list = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positions[i % 2] });
      const ms = performance.now() - t0;
      if (!list || Array.isArray(list) || list.items.length === 0) throw new Error('completion returned nothing');
      if (i >= 20) latency.push(ms); // the first few warm up the dictionary's search keys
    }
    return [
      stats(`(b) LSP: 1-char didChange → publishDiagnostics, ${RULES.toLocaleString('en')} rules`, diagnostics, { metric: 'p95Ms', below: 100 }),
      stats(`(b) same, with a semantic-tokens delta request right behind each edit`, withTokens, { metric: 'p95Ms', below: 100 }),
      // Contention on a shared machine stretches wall times; the server's own CPU time does not.
      ...(cpuPerEdit === undefined ? [] : [stats('(b) server CPU time per edit (average over the plain edits)', [cpuPerEdit])]),
      stats(`(c) LSP: completion at a tag position (keyword / number), ${RULES.toLocaleString('en')}-rule file`, latency, { metric: 'p95Ms', below: 20 }),
    ];
  } finally {
    await client.stop();
  }
}

/** User + system CPU time of the server process so far (Linux /proc; clock-tick resolution). */
function serverCpuMs(client: LspClient): number | undefined {
  try {
    const stat = readFileSync(`/proc/${client.process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) (utime, stime); this slice starts at field 3. Ticks are 1/100 s on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const text = generateRuleFile(RULES);
  const results = [
    ...benchInProcess(text, quick ? 3 : 15),
    ...(await benchOverLsp(text, quick ? 10 : 60, quick ? 40 : 200)),
  ];
  // The load average says how busy the machine was; on a shared machine it explains outliers.
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${os.platform()}, load ${os.loadavg()[0].toFixed(1)}`;
  console.log(`coercion benchmarks (${machine})`);
  for (const r of results) {
    const verdict = r.target ? `  target ${r.target}: ${r.met ? 'met' : 'MISSED'}` : '';
    console.log(`  ${r.name}\n    median ${r.medianMs} ms, p95 ${r.p95Ms} ms, max ${r.maxMs} ms (n=${r.runs})${verdict}`);
  }
  for (const r of results) console.log(`BENCH ${JSON.stringify(r)}`);
  const dir = path.join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'coercion.json'), `${JSON.stringify({ machine, results }, null, 2)}\n`);
  if (results.some((r) => r.met === false)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
