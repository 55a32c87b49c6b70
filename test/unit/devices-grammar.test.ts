import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEVICE_TYPES, FLAG_SERVICES, ROLE_SERVICES, SERVER_RULE_SETS, TASK_LIMITS, DEPLOY_KINDS } from '../../core/src/devices/schema';

const repo = path.resolve(__dirname, '../../..');
const grammar = JSON.parse(fs.readFileSync(path.join(repo, 'syntaxes/pacs-devices.tmLanguage.json'), 'utf8'));

/** The alternatives of the first `(a|b|c)` group of a value pattern with the given scope prefix. */
function words(scopePrefix: string): string[] {
  const p = grammar.repository.value.patterns.find((x: { name: string }) => x.name.startsWith(scopePrefix));
  return /\(([^()?]+)\)/.exec(p.match)![1].split('|');
}

function match(scopePrefix: string, text: string): string[] {
  const p = grammar.repository.value.patterns.find((x: { name: string }) => x.name.startsWith(scopePrefix));
  return [...text.matchAll(new RegExp(p.match, 'g'))].map((m) => m[0]);
}

describe('device language: TextMate grammar', () => {
  it('knows the same device types, services, limits and rule sets as the language', () => {
    assert.deepEqual([...words('support.type.device-type'), ...words('invalid.deprecated')].sort(), Object.keys(DEVICE_TYPES).sort());
    assert.deepEqual(words('support.function.service').sort(), [...Object.keys(ROLE_SERVICES), ...Object.keys(FLAG_SERVICES)].sort());
    assert.deepEqual(words('support.constant.limit').sort(), Object.keys(TASK_LIMITS).sort());
    assert.deepEqual(words('support.constant.rule-set').sort(), [...Object.keys(SERVER_RULE_SETS), ...Object.keys(DEPLOY_KINDS)].sort());
  });

  it('colours whole words only (no `dicom` inside a host name)', () => {
    assert.deepEqual(match('support.type.device-type', 'host dicom.hospital.local'), []);
    assert.deepEqual(match('support.type.device-type', 'type dicom'), ['dicom']);
    assert.deepEqual(match('support.function.service', 'services { store U  qr P  autortv }'), ['store', 'qr', 'autortv']);
  });

  it('opens inline rules only for `rules {` at the end of a line and embeds the coercion grammar', () => {
    const begin = new RegExp(grammar.repository['inline-rules'].begin);
    assert.ok(begin.test('  rules {'));
    assert.ok(begin.test('  rules self {  # scanned-in'));
    assert.ok(!begin.test('  rules "file.coerce"'));
    assert.deepEqual(grammar.repository['inline-rules'].patterns[1], { include: 'source.pacs-coercion' });
  });
});
