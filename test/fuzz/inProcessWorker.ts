/**
 * The thread in which the fuzzer runs `pacsw check` and `pacsw apply` in-process, through the
 * CLI's own main() (cli/src/pacsw.ts), as fast as the commands allow. The campaign sends one
 * command line per message and gets back the exit code, how much was printed (and the start of
 * it), the thread's heap peak and anything main() threw. A hang or an out-of-memory ends the
 * thread; the campaign sees that from outside and starts a new one.
 */
import { parentPort } from 'node:worker_threads';
import * as v8 from 'node:v8';
import { main } from '../../cli/src/pacsw';

export interface InProcessRequest { id: number; argv: string[] }
export interface InProcessReply {
  id: number;
  exitCode?: number;
  /** The error main() threw (a bug: the CLI turns it into exit status 70). */
  thrown?: string;
  outputBytes: number;
  /** The first OUTPUT_KEPT characters printed (stdout and stderr interleaved). */
  output: string;
  heapUsed: number;
}

const OUTPUT_KEPT = 64 * 1024;

let outputBytes = 0;
let output = '';
const capture = (...args: unknown[]): void => {
  const line = `${args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ')}\n`;
  outputBytes += Buffer.byteLength(line);
  if (output.length < OUTPUT_KEPT) output += line.slice(0, OUTPUT_KEPT - output.length);
};
console.log = capture;
console.error = capture;
console.warn = capture;
const stderrWrite = (chunk: string | Uint8Array): boolean => {
  capture(typeof chunk === 'string' ? chunk.replace(/\n$/, '') : Buffer.from(chunk).toString('utf8'));
  return true;
};
process.stderr.write = stderrWrite as typeof process.stderr.write;

parentPort!.on('message', (request: InProcessRequest) => {
  outputBytes = 0;
  output = '';
  const done = (fields: { exitCode?: number; thrown?: string }): void => {
    const reply: InProcessReply = { id: request.id, ...fields, outputBytes, output, heapUsed: v8.getHeapStatistics().used_heap_size };
    parentPort!.postMessage(reply);
  };
  main(request.argv).then(
    (exitCode) => done({ exitCode }),
    (error: unknown) => done({ thrown: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
