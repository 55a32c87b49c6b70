import * as assert from 'node:assert/strict';
import { checkValueForVr, isCoercibleVr, parseVm } from '../../core/src/coercion/vrRules';

// [vr, value, vm?] — each must be accepted.
const VALID: Array<[string, string, string?]> = [
  ['AE', 'STORESCP'], ['AE', 'A_B-C 1'], ['AE', 'SIXTEENCHARSXXXX'], ['AE', 'A\\B', '1-n'],
  ['AS', '045Y'], ['AS', '003D'], ['AS', '012W'], ['AS', '006M'],
  ['CS', 'ORIGINAL'], ['CS', 'ORIGINAL\\PRIMARY\\AXIAL', '2-n'], ['CS', 'MONOCHROME2'], ['CS', 'A_B C'],
  ['DA', '20240105'], ['DA', '20240229'], ['DA', '20000229'], ['DA', '19991231'], ['DA', '20240105 '],
  ['DS', '1.5'], ['DS', '-2.5E3'], ['DS', ' 12 '], ['DS', '.5'], ['DS', '+1e-3'], ['DS', '0.5\\0.5', '2'],
  ['DT', '2024'], ['DT', '202401'], ['DT', '20240105142530'], ['DT', '20240105142530.123456+0100'], ['DT', '20240105-0500'],
  ['IS', '42'], ['IS', '-12'], ['IS', ' +7 '], ['IS', '2147483647'], ['IS', '-2147483648'],
  ['LO', 'Müller Clinic'], ['LO', 'x'.repeat(64)], ['LO', 'a\\b', '1-n'],
  ['LT', 'line one\nline two\\with backslash'], ['LT', 'x'.repeat(10240)],
  ['PN', 'DOE^JOHN^Q^DR^JR'], ['PN', 'Yamada^Tarou=山田^太郎=やまだ^たろう'], ['PN', 'DOE^JOHN', '1'],
  ['SH', 'ACC12345'], ['SH', 'x'.repeat(16)],
  ['ST', 'free text\twith tab'], ['ST', 'x'.repeat(1024)],
  ['TM', '14'], ['TM', '1425'], ['TM', '142530'], ['TM', '142530.123456'], ['TM', '235960'],
  ['UC', 'x'.repeat(1000)],
  ['UI', '1.2.840.10008.5.1.4.1.1.1.2.1'], ['UI', '0.1.2'], ['UI', '1.2.' + '3'.repeat(60)], ['UI', '1.2\\1.3', '1-n'],
  ['UR', 'http://example.org/a?b=c'], ['UR', 'urn:oid:1.2.3 '],
  ['UT', 'anything\r\n\\ at all'],
  // Zero length is always allowed, whatever the VR and VM.
  ['DA', ''], ['UI', ''], ['CS', '', '1'],
];

// [vr, value, expected fragment of the message, vm?] — each must be refused for that reason.
const INVALID: Array<[string, string, string | RegExp, string?]> = [
  ['AE', 'SEVENTEENCHARSXXX', 'at most 16 characters'],
  ['AE', '    ', 'spaces only'],
  ['AE', 'AÉ', 'default character repertoire'],
  ['AS', '45Y', 'three digits'], ['AS', '045y', 'three digits'], ['AS', '045A', 'three digits'], ['AS', '0045Y', 'three digits'],
  ['CS', 'original', 'upper-case'], ['CS', 'A-B', 'upper-case'], ['CS', 'SEVENTEENCHARSXXX', 'at most 16'],
  ['DA', '2024-01-05', 'YYYYMMDD'], ['DA', '2024.01.05', 'YYYYMMDD'], ['DA', '20241301', 'month 13'],
  ['DA', '20230229', 'day 29'], ['DA', '20240431', 'day 31'], ['DA', '202401', 'YYYYMMDD'], ['DA', '20240100', 'day 00'],
  ['DS', '1,5', 'decimal string'], ['DS', 'abc', 'decimal string'], ['DS', '1.23456789012345678', 'at most 16'], ['DS', '1.', 'VM 3', '3'],
  ['DT', '2024-01-05', 'date-time'], ['DT', '20241301', 'month 13'], ['DT', '2024010525', 'hour 25'], ['DT', '20240105+1500', 'UTC offset'],
  ['IS', '1.5', 'integer string'], ['IS', '2147483648', 'between'], ['IS', '1234567890123', 'between'], ['IS', '0000000000001', 'at most 12'],
  ['LO', 'x'.repeat(65), 'at most 64'], ['LO', 'a\nb', 'line break'], ['LO', 'a\\b', 'one value', '1'],
  ['LT', 'x'.repeat(10241), 'at most 10240'], ['LT', 'bell\x07', 'U+0007'],
  ['PN', 'A=B=C=D', 'three component groups'], ['PN', 'A^B^C^D^E^F', 'five components'], ['PN', 'x'.repeat(65), 'at most 64'],
  ['PN', 'DOE^JOHN\\ROE^JANE', 'one value', '1'], ['PN', 'DOE\nJOHN', 'line break'],
  ['SH', 'x'.repeat(17), 'at most 16'],
  ['ST', 'x'.repeat(1025), 'at most 1024'],
  ['TM', '14:25:30', 'no colons'], ['TM', '245959', 'hour 24'], ['TM', '146030', 'minute 60'], ['TM', '142561', 'second 61'],
  ['TM', '142530.1234567', /time|at most 14/], ['TM', '1', 'HH'],
  ['UI', '1.2.03', 'leading zeros'], ['UI', '1..2', 'leading zeros'], ['UI', '1.2.', 'leading zeros'], ['UI', '1.2.abc', 'only digits and dots'],
  ['UI', '1.2.' + '3'.repeat(61), 'at most 64'], ['UI', '1.2.3 ', 'only digits and dots'],
  ['UR', ' http://x', 'start with a space'], ['UR', 'http://x y', 'contain spaces'], ['UR', 'a\\b', 'backslash'],
  ['CS', 'A\\B', 'VM 1', '1'], ['DS', '1\\2\\3', '2-2n values', '2-2n'],
];

describe('VR rules for literal values', () => {
  for (const [vr, value, vm] of VALID) {
    it(`accepts ${vr} ${JSON.stringify(value.length > 40 ? value.slice(0, 20) + '…' : value)}${vm ? ` (VM ${vm})` : ''}`, () => {
      assert.equal(checkValueForVr(value, vr, vm), undefined);
    });
  }
  for (const [vr, value, why, vm] of INVALID) {
    it(`refuses ${vr} ${JSON.stringify(value.length > 40 ? value.slice(0, 20) + '…' : value)}${vm ? ` (VM ${vm})` : ''}`, () => {
      const problem = checkValueForVr(value, vr, vm);
      assert.ok(problem, 'expected a problem');
      if (typeof why === 'string') assert.ok(problem.includes(why), `"${problem}" should mention "${why}"`);
      else assert.match(problem, why);
    });
  }

  it('does not check VRs that cannot be coerced', () => {
    assert.equal(checkValueForVr('not a number', 'US'), undefined);
    assert.equal(checkValueForVr('x', 'SQ'), undefined);
  });

  it('knows which VRs are alphanumeric', () => {
    for (const vr of ['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']) {
      assert.ok(isCoercibleVr(vr), vr);
    }
    for (const vr of ['AT', 'US', 'SS', 'UL', 'SL', 'FL', 'FD', 'OB', 'OW', 'OB|OW', 'US|SS', 'SQ', 'UN', '']) {
      assert.ok(!isCoercibleVr(vr), vr);
    }
  });

  it('parses value multiplicities', () => {
    assert.deepEqual(parseVm('1'), { min: 1, max: 1, step: 1 });
    assert.deepEqual(parseVm('1-n'), { min: 1, max: Infinity, step: 1 });
    assert.deepEqual(parseVm('2-2n'), { min: 2, max: Infinity, step: 2 });
    assert.deepEqual(parseVm('1-3'), { min: 1, max: 3, step: 1 });
    assert.equal(parseVm('odd'), undefined);
  });
});
