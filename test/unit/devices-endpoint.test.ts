/** Which port a device check uses: TLS whenever the device has a TLS port (issue 4). */
import * as assert from 'node:assert/strict';
import { buildDeviceTable, checkEndpoint, dicomEndpoint, parseDeviceFile } from '../../core/src/devices';

function device(fields: string[]) {
  const text = ['device D {', '  type dicom', '  ae "D"', '  host 127.0.0.1', ...fields.map((f) => `  ${f}`), '}', ''].join('\n');
  const table = buildDeviceTable(parseDeviceFile(text).ast);
  return table.devices[0];
}

describe('device check endpoint', () => {
  it('prefers the TLS port when the device has both', () => {
    const d = device(['tcp-port 104', 'tls-port 2762']);
    assert.deepEqual(checkEndpoint(d), { port: 2762, tls: true });
    assert.deepEqual(dicomEndpoint(d), { port: 104, tls: false }, 'the table view still lists TCP first');
  });
  it('uses TCP when TLS is disabled (0) or absent', () => {
    assert.deepEqual(checkEndpoint(device(['tcp-port 104', 'tls-port 0'])), { port: 104, tls: false });
    assert.deepEqual(checkEndpoint(device(['port 11112'])), { port: 11112, tls: false });
  });
  it('has no endpoint when both kinds of connection are disabled', () => {
    assert.equal(checkEndpoint(device(['tcp-port 0', 'tls-port 0'])), undefined);
  });
});
