/** Who gets forwarded copies, with how many associations, and what each answer means (issue 12). */
import * as assert from 'node:assert/strict';
import { buildDeviceTable, parseDeviceFile } from '../../core/src/devices';
import { backoffMs, forwardDestinations, verdictOfStatus } from '../../core/src/forward';

function table(text: string) {
  return buildDeviceTable(parseDeviceFile(text).ast);
}

const DEVICES = `
server S {
  ae "S"
}
category archives {
  max-connections 2
}
device ARCH {
  type child
  ae "ARCH"
  host 127.0.0.1
  tcp-port 104
  tls-port 2762
  category archives
  services {
    store P
    autofwd
  }
  limits {
    dicom-out 5
  }
}
device NOSTORE {
  type dicom
  ae "NS"
  host 127.0.0.1
  port 104
  services {
    autofwd
  }
}
device OFF {
  type dicom
  ae "OFF"
  host 127.0.0.1
  port 105
  services {
    store P
    autofwd
  }
  disabled
}
device PLAIN {
  type dicom
  ae "PLAIN"
  host 127.0.0.1
  port 106
  services {
    store P
  }
}
`;

describe('forward destinations from the device table', () => {
  const { destinations, problems } = forwardDestinations(table(DEVICES));
  it('takes devices with autofwd and store P, disabled ones included', () => {
    assert.deepEqual(destinations.map((d) => [d.id, d.enabled]), [['ARCH', true], ['OFF', false]]);
  });
  it('uses the TLS port when there is one, and bounds dicom-out by the category', () => {
    const arch = destinations[0];
    assert.deepEqual([arch.port, arch.tls, arch.concurrency, arch.categoryLimit], [2762, true, 2, 2]);
    assert.equal(destinations[1].concurrency, 1, 'default: one association');
  });
  it('reports autofwd without store P instead of skipping it silently', () => {
    assert.equal(problems.length, 1);
    assert.equal(problems[0].id, 'NOSTORE');
    assert.match(problems[0].problem, /not "store P"/);
  });
});

describe('forward verdicts of C-STORE statuses', () => {
  it('success and warnings are delivered', () => {
    assert.deepEqual(verdictOfStatus(0), { kind: 'delivered' });
    const w = verdictOfStatus(0xb000);
    assert.equal(w.kind, 'delivered');
    assert.match((w as { warning: string }).warning, /0xB000 \(coercion of data elements\)/);
  });
  it('0xA7xx, 0xA9xx, 0xCxxx and SOP class not supported fail for good, with the status', () => {
    for (const s of [0xa700, 0xa7ff, 0xa900, 0xc123, 0x0122]) {
      const v = verdictOfStatus(s, 'no room');
      assert.equal(v.kind, 'failed', s.toString(16));
      assert.equal((v as { status: number }).status, s);
    }
    assert.match((verdictOfStatus(0xa700, 'disk full') as { reason: string }).reason, /0xA700 \(out of resources\): "disk full"/);
  });
  it('processing failure, resource limitation and unknown statuses are retried', () => {
    for (const s of [0x0110, 0x0213, 0xfe00, 0x0999]) assert.equal(verdictOfStatus(s).kind, 'retry', s.toString(16));
  });
  it('backoff doubles up to its cap, with jitter of ±20 %', () => {
    assert.equal(backoffMs(1, 1000, 60000, () => 0.5), 1000);
    assert.equal(backoffMs(4, 1000, 60000, () => 0.5), 8000);
    assert.equal(backoffMs(30, 1000, 60000, () => 0.5), 60000);
    assert.equal(backoffMs(1, 1000, 60000, () => 0), 800);
    assert.equal(backoffMs(1, 1000, 60000, () => 1), 1200);
  });
});
