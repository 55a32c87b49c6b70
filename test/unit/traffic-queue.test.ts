/**
 * The Traffic view's forward queue section, as its model builds it from the node's events
 * (`queue` status, `forward` retry and failed): depth per destination, last error, next retry,
 * the objects failed for good, and the row texts. The same model is fed the events of a real
 * `pacsw serve` run in test/integration/forward-serve.test.ts.
 */
import * as assert from 'node:assert/strict';
import type { DestinationStatus } from '../../core/src/forward/forwarder';
import { queueText, queueTrouble, TrafficModel } from '../../client/src/features/receiver/trafficModel';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

function status(id: string, o: Partial<DestinationStatus> = {}): DestinationStatus {
  return {
    id, configured: true, enabled: true, ae: id, host: '127.0.0.1', port: 104, tls: false, concurrency: 1,
    pending: 0, inFlight: 0, failed: 0, associations: 0, deliveredSinceStart: 0, consecutiveFailures: 0, ...o,
  };
}

describe('Traffic view: forward queue model', () => {
  it('takes depth per destination from each queue event, replacing the last one (a dropped destination goes away)', () => {
    const m = new TrafficModel();
    assert.equal(m.add({ event: 'queue', time: iso(T0), destinations: [status('ARCHIVE', { pending: 5, inFlight: 1 }), status('BACKUP', { enabled: false, pending: 2 })] }), true);
    assert.deepEqual([...m.queue.keys()], ['ARCHIVE', 'BACKUP']);
    assert.equal(queueText(m.queue.get('ARCHIVE')!), '5 pending (1 being sent), 0 failed');
    assert.equal(queueText(m.queue.get('BACKUP')!), '2 pending, 0 failed, disabled (queue kept)');
    m.add({ event: 'queue', time: iso(T0 + 500), destinations: [status('ARCHIVE', { pending: 0, deliveredSinceStart: 5 })] });
    assert.deepEqual([...m.queue.keys()], ['ARCHIVE']);
    assert.equal(m.queue.get('ARCHIVE')!.pending, 0);
  });

  it('shows a retry at once, with its time and the last error, until the destination recovers', () => {
    const m = new TrafficModel();
    m.add({ event: 'queue', time: iso(T0), destinations: [status('ARCHIVE', { pending: 3 })] });
    assert.equal(queueTrouble(m.queue.get('ARCHIVE')!, T0), undefined, 'nothing wrong yet');
    const changed = m.add({ event: 'forward', time: iso(T0), status: 'retry', destination: 'ARCHIVE', reason: 'connection refused by 127.0.0.1:104', attempt: 2, nextRetryAt: iso(T0 + 2000) });
    assert.equal(changed, true);
    const d = m.queue.get('ARCHIVE')!;
    assert.equal(d.nextRetryAt, iso(T0 + 2000));
    assert.equal(d.lastError, 'connection refused by 127.0.0.1:104');
    assert.equal(queueTrouble(d, T0), `retry at ${new Date(T0 + 2000).toLocaleTimeString()} · last error: connection refused by 127.0.0.1:104`);
    // Delivered again: the node's next status has no retry time and no failures in a row.
    m.add({ event: 'queue', time: iso(T0 + 3000), destinations: [status('ARCHIVE', { lastError: 'connection refused by 127.0.0.1:104', deliveredSinceStart: 3 })] });
    assert.equal(queueTrouble(m.queue.get('ARCHIVE')!, T0 + 3000), undefined, 'an old error of a destination that works again is not trouble');
    // Everything dropped while the node waited: no retry time is promised for an empty queue.
    assert.equal(queueTrouble(status('BACKUP', { pending: 0, consecutiveFailures: 3, nextRetryAt: iso(T0 + 8000), lastError: 'connection refused' }), T0), 'last error: connection refused');
  });

  it('keeps the objects failed for good per destination, latest first, and Clear empties them but not the queue', () => {
    const m = new TrafficModel();
    m.add({ event: 'queue', time: iso(T0), destinations: [status('CTONLY', { failed: 2 })] });
    for (const uid of ['1.2.3.1', '1.2.3.2']) {
      m.add({ event: 'forward', time: iso(T0), status: 'failed', key: `k${uid}`, sopInstanceUid: uid, destination: 'CTONLY', reason: 'CTONLY does not accept SOP class 1.2.840.10008.5.1.4.1.1.7 (presentation context rejected)' });
    }
    assert.deepEqual(m.forwardFailures.get('CTONLY')!.map((e) => e.sopInstanceUid), ['1.2.3.2', '1.2.3.1']);
    // The node's status names the last failure: a destination with failed entries shows it.
    m.add({ event: 'queue', time: iso(T0 + 500), destinations: [status('CTONLY', { failed: 2, lastError: '1.2.3.2: CTONLY does not accept SOP class 1.2.840.10008.5.1.4.1.1.7 (presentation context rejected)' })] });
    assert.equal(queueTrouble(m.queue.get('CTONLY')!, T0), 'last error: 1.2.3.2: CTONLY does not accept SOP class 1.2.840.10008.5.1.4.1.1.7 (presentation context rejected)');
    m.clear();
    assert.equal(m.forwardFailures.size, 0);
    assert.equal(m.queue.get('CTONLY')!.failed, 2, 'the queue is on disk: Clear does not hide it');
  });

  it('ignores queued and sent events (the next queue status carries the depths) and a retry for a destination it has not seen', () => {
    const m = new TrafficModel();
    assert.equal(m.add({ event: 'forward', time: iso(T0), status: 'queued', key: 'k1', sopInstanceUid: '1.2.3', destinations: ['ARCHIVE'] }), false);
    assert.equal(m.add({ event: 'forward', time: iso(T0), status: 'sent', key: 'k1', sopInstanceUid: '1.2.3', destination: 'ARCHIVE' }), false);
    assert.equal(m.add({ event: 'forward', time: iso(T0), status: 'retry', destination: 'GONE', reason: 'x', attempt: 1, nextRetryAt: iso(T0 + 1000) }), false);
    assert.equal(m.queue.size, 0);
  });

  it('says when a destination is no longer in the table', () => {
    assert.equal(queueText(status('OLD', { configured: false, enabled: false, pending: 4 })), '4 pending, 0 failed, not in the table (queue kept)');
  });
});
