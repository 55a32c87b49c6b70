/**
 * Text that arrives in chunks (a child process's stdout, e.g. `pacsw serve --json`) cut into
 * lines: the returned function takes each chunk and calls `onLine` with every complete line
 * that is not blank; a line cut between two chunks waits for its end.
 */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim()) onLine(line);
    }
  };
}
