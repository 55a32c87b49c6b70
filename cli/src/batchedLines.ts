/**
 * Output lines written in batches: `pacsw serve` prints a line (or a JSON event) per received
 * object, and one pipe write per object cost the receiving node as much CPU as its storage
 * (docs/benchmarks.md, DICOM network). Lines given to `later` go out together within `delayMs`
 * (or sooner once `maxBytes` wait); `now` writes what waits and then its own line, so the order
 * of lines is kept and what is not routine (listening, warnings, stop) is never delayed.
 */
export interface BatchedLines {
  /** A routine line (an object received): written within delayMs. */
  later(line: string): void;
  /** Writes the waiting lines, then this one. */
  now(line: string): void;
  /** Writes the waiting lines. */
  flush(): void;
}

export function batchedLines(write: (text: string) => void, delayMs = 20, maxBytes = 64 * 1024): BatchedLines {
  let waiting: string[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!waiting.length) return;
    const text = waiting.length === 1 ? waiting[0] : waiting.join('');
    waiting = [];
    bytes = 0;
    write(text);
  };
  return {
    later(line) {
      waiting.push(line);
      bytes += line.length;
      if (bytes >= maxBytes) flush();
      else timer ??= setTimeout(flush, delayMs);
    },
    now(line) {
      flush();
      write(line);
    },
    flush,
  };
}
