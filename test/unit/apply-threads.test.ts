/** The default thread count of `pacsw apply`: workers only on cores that are idle (issue 10). */
import * as assert from 'node:assert/strict';
import { defaultThreads } from '../../cli/src/applyPool';

describe('pacsw apply: default thread count', () => {
  it('two cores give one thread, idle or busy: the second thread did not pay for itself there', () => {
    assert.equal(defaultThreads(2, 0), 1);
    assert.equal(defaultThreads(2, 0.3), 1);
    assert.equal(defaultThreads(2, 1), 1);
    assert.equal(defaultThreads(2, 17), 1);
  });
  it('more cores: one thread per idle core, at most 4, never fewer than 1', () => {
    assert.equal(defaultThreads(4, 0.2), 3);
    assert.equal(defaultThreads(4, 1.5), 2);
    assert.equal(defaultThreads(4, 3.5), 1);
    assert.equal(defaultThreads(16, 0), 4);
    assert.equal(defaultThreads(16, 13.2), 2);
    assert.equal(defaultThreads(1, 0), 1);
  });
});
