import * as assert from 'node:assert/strict';
import { icmpPing, tcpPing } from '../../core/src/net/ping';
import { closedPort, hasCommand, startSilentListener, stopAllPeers } from './peers';

describe('ping on 127.0.0.1', function () {
  this.timeout(20000);
  after(stopAllPeers);

  it('tcp ping succeeds on a listening port', async () => {
    const peer = await startSilentListener();
    const r = await tcpPing('127.0.0.1', peer.port, 3000);
    assert.equal(r.outcome, 'ok');
    assert.equal(r.reason, `TCP port ${peer.port} open`);
  });

  it('tcp ping reports a refused port', async () => {
    const r = await tcpPing('127.0.0.1', await closedPort(), 3000);
    assert.equal(r.outcome, 'refused');
    assert.equal(r.ok, false);
  });

  it('tcp ping reports an unresolvable name', async () => {
    const r = await tcpPing('no-such-device.invalid', 104, 3000);
    assert.equal(r.outcome, 'unresolved', r.reason);
  });

  it('icmp ping of 127.0.0.1 answers, or says plainly why it cannot', async function () {
    if (!hasCommand('ping')) {
      const r = await icmpPing('127.0.0.1', 2000);
      assert.equal(r.outcome, 'unavailable');
      return;
    }
    const r = await icmpPing('127.0.0.1', 2000);
    if (r.outcome === 'unavailable') {
      assert.match(r.reason, /not permitted/);
      this.skip();
    }
    assert.equal(r.outcome, 'ok', r.reason);
    assert.ok(r.ms >= 0);
  });
});
