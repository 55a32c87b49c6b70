import * as assert from 'node:assert/strict';
import { addDevice, applyEdits, removeDevice, setEnabled, updateDevice, DeviceEditError } from '../../core/src/devices/edit';
import { buildDeviceTable } from '../../core/src/devices/model';
import { parseDeviceFile } from '../../core/src/devices/parser';
import { validateDeviceText } from '../../core/src/devices/validate';

const TEXT = [
  '# table',
  'server main {',
  '  ae "MAIN"',
  '}',
  '',
  'device CT1 {',
  '  type dicom',
  '  ae "CT"',
  '  host 127.0.0.1',
  '  port 104',
  '}',
  '',
  'device MR1 {',
  '  type dicom',
  '  ae "MR"',
  '  host 127.0.0.1',
  '  port 105',
  '  disabled',
  '}',
  '',
].join('\n');

function table(text: string) {
  return buildDeviceTable(parseDeviceFile(text).ast);
}

describe('device language: edit helpers', () => {
  it('disables a device by inserting one line, and enables it by rewriting that line', () => {
    const edits = setEnabled(TEXT, 'CT1', false);
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0].range, { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } });
    assert.equal(edits[0].newText, '  disabled\n');
    const off = applyEdits(TEXT, edits);
    assert.equal(table(off).devices[0].enabled, false);
    const on = applyEdits(TEXT, setEnabled(TEXT, 'MR1', true));
    assert.equal(on, TEXT.replace('  disabled', '  enabled'));
    assert.deepEqual(setEnabled(TEXT, 'CT1', true), []);
  });

  it('adds a device after the last one, valid and in canonical form', () => {
    const text = applyEdits(TEXT, addDevice(TEXT, {
      id: 'US1', type: 'dicom', ae: 'US_ROOM 1', host: 'us1.local', port: 104, tlsPort: 0, sendTimer: '*',
      services: { roles: { store: { u: true, p: false } }, flags: {} }, limits: { 'store-in': 2 }, enabled: true,
    }));
    assert.ok(text.startsWith(TEXT.trimEnd()));
    assert.ok(text.endsWith('device US1 {\n  type dicom\n  ae "US_ROOM 1"\n  host us1.local\n  port 104\n  tls-port 0\n  send-timer *\n  services {\n    store U\n  }\n  limits {\n    store-in 2\n  }\n  enabled\n}\n'), text);
    assert.deepEqual(validateDeviceText(text).diagnostics, []);
    assert.deepEqual(table(text).devices.map((d) => d.id), ['CT1', 'MR1', 'US1']);
    assert.throws(() => addDevice(TEXT, { id: 'CT1' }), DeviceEditError);
  });

  it('adds to an empty file', () => {
    const text = applyEdits('', addDevice('', { id: 'A', type: 'dicom', host: 'h' }));
    assert.equal(text, 'device A {\n  type dicom\n  host h\n}\n');
  });

  it('removes a device and the blank line after it', () => {
    const text = applyEdits(TEXT, removeDevice(TEXT, 'CT1'));
    assert.deepEqual(table(text).devices.map((d) => d.id), ['MR1']);
    assert.ok(!text.includes('\n\n\n'));
    const last = applyEdits(TEXT, removeDevice(TEXT, 'MR1'));
    assert.equal(last, TEXT.slice(0, TEXT.indexOf('\ndevice MR1')));
    assert.throws(() => removeDevice(TEXT, 'NOPE'), /No device with ID NOPE/);
  });

  it('updates fields in place, adds missing ones and removes with null', () => {
    const edits = updateDevice(TEXT, 'CT1', { port: 11112, category: 'modalities', ae: null });
    const text = applyEdits(TEXT, edits);
    const d = table(text).devices[0];
    assert.equal(d.port, 11112);
    assert.equal(d.category, 'modalities');
    assert.equal(d.ae, undefined);
    // Untouched lines stay byte for byte.
    assert.ok(text.includes('  host 127.0.0.1\n  port 11112\n  category modalities\n}'), text);
    assert.equal(text.split('\n').length, TEXT.split('\n').length);
  });

  it('replaces a multi-line services block and removes a limits block', () => {
    const src = TEXT.replace('  port 104\n', '  port 104\n  services {\n    store U\n  }\n  limits {\n    store-in 4\n  }\n');
    const text = applyEdits(src, updateDevice(src, 'CT1', { services: { roles: { store: { u: true, p: true } }, flags: { autortv: true } }, limits: null }));
    assert.ok(text.includes('  port 104\n  services {\n    store U P\n    autortv\n  }\n}\n'), text);
    assert.deepEqual(table(text).devices[0].limits, {});
    assert.deepEqual(validateDeviceText(text).diagnostics, []);
  });

  it('keeps CRLF line breaks', () => {
    const crlf = TEXT.replace(/\n/g, '\r\n');
    const text = applyEdits(crlf, setEnabled(crlf, 'CT1', false));
    assert.ok(!/[^\r]\n/.test(text));
    assert.equal(table(text).devices[0].enabled, false);
  });
});
