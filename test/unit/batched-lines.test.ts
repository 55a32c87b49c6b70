import * as assert from 'node:assert/strict';
import { batchedLines } from '../../cli/src/batchedLines';

describe('batchedLines (pacsw serve output)', () => {
  it('holds routine lines back and writes them together, in order, before the next line that is not routine', () => {
    const writes: string[] = [];
    const out = batchedLines((t) => writes.push(t), 60_000);
    out.later('a\n');
    out.later('b\n');
    assert.deepEqual(writes, [], 'routine lines wait');
    out.now('stopping\n');
    assert.deepEqual(writes, ['a\nb\n', 'stopping\n'], 'one write for the waiting lines, then the line itself');
    out.flush();
    assert.deepEqual(writes, ['a\nb\n', 'stopping\n'], 'nothing waits: flush writes nothing');
  });

  it('writes as soon as maxBytes wait, and flush writes the rest', () => {
    const writes: string[] = [];
    const out = batchedLines((t) => writes.push(t), 60_000, 10);
    out.later('12345\n');
    assert.deepEqual(writes, []);
    out.later('67890\n');
    assert.deepEqual(writes, ['12345\n67890\n']);
    out.later('x\n');
    out.flush();
    assert.deepEqual(writes, ['12345\n67890\n', 'x\n']);
  });

  it('writes the waiting lines by itself once the delay has passed', async () => {
    const writes: string[] = [];
    const out = batchedLines((t) => writes.push(t), 1);
    out.later('a\n');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(writes, ['a\n']);
  });
});
