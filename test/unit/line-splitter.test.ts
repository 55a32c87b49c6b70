import * as assert from 'node:assert/strict';
import { lineSplitter } from '../../core/src/text/lineSplitter';

describe('lineSplitter', () => {
  it('gives each complete line once, joins a line cut between chunks, skips blank ones', () => {
    const lines: string[] = [];
    const feed = lineSplitter((l) => lines.push(l));
    feed('{"a":1}\n{"b"');
    assert.deepEqual(lines, ['{"a":1}']);
    feed(':2}\n\n  \n{"c":3}');
    assert.deepEqual(lines, ['{"a":1}', '{"b":2}']);
    feed('\n');
    assert.deepEqual(lines, ['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});
