/** The receiving node's pure decisions: admission, presentation contexts, concurrency limits, file names. */
import * as assert from 'node:assert/strict';
import { buildDeviceTable, parseDeviceFile, validateDeviceText } from '../../core/src/devices';
import { admit, normalizeAddress } from '../../core/src/receiver/admission';
import { negotiateContexts, VERIFICATION } from '../../core/src/receiver/contexts';
import { ConcurrencyLimits } from '../../core/src/receiver/limits';
import { folderName, isUid, storedPath } from '../../core/src/receiver/storage';
import type { AssociationRequest } from '../../core/src/net/types';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const FIND = '1.2.840.10008.5.1.4.1.2.2.1';
const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';
const J2K = '1.2.840.10008.1.2.4.91';

const TABLE = `server PACS {
  ae "PACS_MAIN"
  query-ae "PACS_QR"
  transfer-syntax implicit-little
  max-pdu 32768
}
category mods {
  max-connections 2
}
device CT1 {
  type dicom
  ae "CT1"
  host 127.0.0.1
  category mods
  services {
    store U
  }
  limits {
    store-in 1
    max 2
  }
}
device CT2 {
  type dicom
  ae "CT2"
  host 127.0.0.1
  category MODS
  services {
    store U
  }
}
device OFF {
  type dicom
  ae "OFF"
  host 127.0.0.1
  disabled
}
device VIEW {
  type viewer
  ae "VIEW"
  host 127.0.0.1
}
`;

const table = (text = TABLE) => buildDeviceTable(parseDeviceFile(text).ast);
const addresses = (t: ReturnType<typeof table>) => new Map(t.devices.map((d) => [d.id, [d.host!]]));
const request = (callingAe: string, calledAe = 'PACS_MAIN', address = '127.0.0.1'): AssociationRequest => ({
  callingAe, calledAe, peer: { address, port: 40000, tls: false }, maxPdu: 16384, contexts: [],
});

describe('receiver admission (eRAD rules)', () => {
  const t = table();
  it('admits an enabled device by AE title and address, also on the query AE and from an IPv4-mapped address', () => {
    const a = admit(t, addresses(t), request('CT1'));
    assert.ok(a.admitted && a.device?.id === 'CT1');
    const q = admit(t, addresses(t), request('CT1 ', ' PACS_QR', '::ffff:127.0.0.1'));
    assert.ok(q.admitted && q.device?.id === 'CT1');
  });
  it('rejects permanently with the PS3.8 reasons: unknown or disabled calling AE (3), another address (3), wrong called AE (7)', () => {
    const cases: Array<[AssociationRequest, number, RegExp]> = [
      [request('NOBODY'), 3, /not a registered device/],
      [request('OFF'), 3, /OFF, which is disabled/],
      [request('CT1', 'PACS_MAIN', '10.0.0.9'), 3, /came from 10\.0\.0\.9.*CT1 at 127\.0\.0\.1/],
      [request('CT1', 'pacs_main'), 7, /called AE "pacs_main" is not this server's AE title \("PACS_MAIN" or "PACS_QR"\)/],
    ];
    for (const [req, reason, why] of cases) {
      const a = admit(t, addresses(t), req);
      assert.ok(!a.admitted, req.callingAe);
      assert.equal(a.rejection.result, 'rejected-permanent');
      assert.equal(a.rejection.source, 'service-user');
      assert.equal(a.rejection.reason, reason);
      assert.match(a.rejection.why, why);
    }
  });
  it('admits unknown callers only when the server says accept-unknown-callers yes (no device: global rules)', () => {
    const open = table(TABLE.replace('max-pdu 32768', 'max-pdu 32768\n  accept-unknown-callers yes'));
    const a = admit(open, addresses(open), request('NOBODY'));
    assert.ok(a.admitted && a.device === undefined);
    // A registered but disabled AE stays refused.
    assert.ok(!admit(open, addresses(open), request('OFF')).admitted);
  });
  it('accept-unknown-callers takes yes/no and nothing else', () => {
    const bad = validateDeviceText(TABLE.replace('max-pdu 32768', 'max-pdu 32768\n  accept-unknown-callers maybe'));
    assert.deepEqual(bad.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['invalid-bool']);
    assert.equal(validateDeviceText(TABLE.replace('max-pdu 32768', 'max-pdu 32768\n  accept-unknown-callers no')).diagnostics.filter((d) => d.severity === 'error').length, 0);
  });
  it('normalises IPv4-mapped IPv6 addresses only', () => {
    assert.equal(normalizeAddress('::FFFF:10.1.2.3'), '10.1.2.3');
    assert.equal(normalizeAddress('::1'), '::1');
  });
});

describe('receiver presentation contexts', () => {
  const t = table();
  const server = t.server!;
  const contexts = [
    { id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
    { id: 3, abstractSyntax: CT, transferSyntaxes: [EXPLICIT, IMPLICIT] },
    { id: 5, abstractSyntax: CT, transferSyntaxes: [J2K, EXPLICIT] },
    { id: 7, abstractSyntax: FIND, transferSyntaxes: [IMPLICIT] },
    { id: 9, abstractSyntax: CT, transferSyntaxes: ['1.2.3.4'] },
  ];
  it('accepts Verification and storage from a store U device, preferring the server transfer-syntax, else the sender\'s first', () => {
    assert.deepEqual(negotiateContexts(server, t.devices.find((d) => d.id === 'CT1'), contexts), [
      { id: 1, result: 'accept', transferSyntax: IMPLICIT },
      { id: 3, result: 'accept', transferSyntax: IMPLICIT },
      { id: 5, result: 'accept', transferSyntax: J2K },
      { id: 7, result: 'abstract-syntax-not-supported' },
      { id: 9, result: 'transfer-syntaxes-not-supported' },
    ]);
  });
  it('refuses storage (user rejection) to a device without store U, which may still echo', () => {
    const d = negotiateContexts(server, t.devices.find((x) => x.id === 'VIEW'), contexts);
    assert.equal(d[0].result, 'accept');
    assert.deepEqual(d.slice(1, 3).map((x) => x.result), ['user-rejection', 'user-rejection']);
  });
});

describe('receiver concurrency limits', () => {
  const t = table();
  const dev = (id: string) => t.devices.find((d) => d.id === id)!;
  const cat = t.categories[0];
  it('holds store-in, max and the category bound (members together, names without case) and frees places on release', () => {
    const limits = new ConcurrencyLimits();
    const a = limits.acquire(dev('CT1'), cat, true);
    assert.ok(a.ok);
    const b = limits.acquire(dev('CT1'), cat, true);
    assert.ok(!b.ok && /store-in 1/.test(b.why), 'store-in 1');
    const c = limits.acquire(dev('CT1'), cat, false);
    assert.ok(c.ok, 'an echo-only association does not count against store-in');
    const d = limits.acquire(dev('CT2'), cat, true);
    assert.ok(!d.ok && /category mods holds 2 of its max-connections 2/.test(d.why));
    assert.deepEqual(limits.counts(dev('CT1'), cat), { category: { name: 'mods', open: 2, max: 2 }, device: { name: 'CT1', open: 2, max: 2, storeIn: 1, storeInMax: 1 } });
    if (a.ok) {
      limits.release(a.lease);
      limits.release(a.lease);
    }
    assert.equal(limits.counts(dev('CT1'), cat).category!.open, 1, 'a second release changes nothing');
    assert.ok(limits.acquire(dev('CT2'), cat, true).ok);
  });
});

describe('receiver file names', () => {
  it('accepts only UIDs and keeps device folders inside the store', () => {
    assert.ok(isUid('1.2.840.10008.5.1.4.1.1.2'));
    for (const bad of ['../../etc/passwd', '1..2', '', '1.2.a', '1'.repeat(65)]) assert.ok(!isUid(bad), bad);
    assert.equal(folderName('../x'), '_.._x');
    assert.equal(folderName('CT 1/A'), 'CT_1_A');
    assert.match(storedPath('/store', undefined, 'ODD AE', '1.2.3'), /^\/store\/unknown-ODD_AE\/1\.2\.3\.dcm$/);
  });
});
