import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { buildDeviceTable } from '../../core/src/devices/model';
import { parseDeviceFile } from '../../core/src/devices/parser';
import { echoAll, echoTargetOf, type EchoTarget } from '../../core/src/net/echoAll';
import { startOrthanc, stopAllPeers, type OrthancPeer } from './peers';

function get(url: string, auth?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: auth ? { Authorization: auth } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).once('error', reject);
  });
}

describe('test peers: Orthanc harness, device rows as echo targets', function () {
  this.timeout(60000);
  let orthanc: OrthancPeer;

  before(async () => {
    orthanc = await startOrthanc({ aet: 'AUTH_ORTHANC', users: { pacsw: 'secret' } });
  });
  after(stopAllPeers);

  it('starts Orthanc with its own AE title and HTTP authentication when asked', async () => {
    assert.equal((await get(`${orthanc.url}/system`)).status, 401);
    const ok = await get(`${orthanc.url}/system`, orthanc.authHeader);
    assert.equal(ok.status, 200);
    const system = JSON.parse(ok.body);
    assert.equal(system.DicomAet, 'AUTH_ORTHANC');
    assert.equal(system.DicomPort, orthanc.dicomPort);
  });

  it('turns device rows into echo targets and echoes them from the server AE title', async () => {
    const text = [
      'server S {', '  ae "PACSW_S"', '}',
      'device O {', '  type dicom', '  ae "AUTH_ORTHANC"', '  host 127.0.0.1', `  tcp-port ${orthanc.dicomPort}`, '}',
      'device NOPORT {', '  type dicom', '  ae "X"', '  host 127.0.0.1', '}',
      'device TLSONLY {', '  type dicom', '  ae "T"', '  host 127.0.0.1', '  tcp-port 0', '  tls-port 2762', '}',
    ].join('\n');
    const table = buildDeviceTable(parseDeviceFile(text).ast);
    const [o, noPort, tlsOnly] = table.devices.map((d) => echoTargetOf(d, table));
    assert.deepEqual(o, { id: 'O', host: '127.0.0.1', port: orthanc.dicomPort, calledAet: 'AUTH_ORTHANC', callingAet: 'PACSW_S', tls: undefined });
    assert.deepEqual(noPort, { id: 'NOPORT', problem: 'no DICOM port (port, tcp-port or tls-port)' });
    assert.equal((tlsOnly as EchoTarget).port, 2762);
    assert.deepEqual((tlsOnly as EchoTarget).tls, {});
    const [r] = await echoAll([o as EchoTarget], { concurrency: 1, timeoutMs: 5000 });
    assert.equal(r.outcome, 'ok', r.reason);
  });
});
