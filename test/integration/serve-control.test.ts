/**
 * `pacsw serve --control`: queue commands on the node's stdin (what the Traffic view's Retry and
 * Drop send while its node runs), against a real node and a real DCMTK storescp on 127.0.0.1.
 * Bad commands are answered with a reason and change nothing; retry sends a destination's
 * waiting queue once it is back; drop removes pending entries (pacsw queue agrees); Ctrl+C ends
 * the node although its stdin is still open.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pacsw, tempDir } from './dicom-helpers';
import { freePort, hasCommand, startStorescp, stopAllPeers } from './peers';
import { filesUnder, startServe, storescu, type ServeProcess } from './serve-helpers';
import type { NodeEvent } from '../../core/src/forward/events';
import { repoRoot } from '../repo';

type Control = Extract<NodeEvent, { event: 'control' }>;
const isControl = (e: NodeEvent): e is Control => e.event === 'control';

describe('pacsw serve --control: queue commands on stdin', function () {
  this.timeout(90_000);
  let dir: string;
  let serve: ServeProcess | undefined;
  let archivePort: number;
  let table: string;

  before(async function () {
    if (!hasCommand('storescu') || !hasCommand('storescp')) this.skip();
    dir = tempDir('serve-control');
    archivePort = await freePort();
    const backupPort = await freePort();
    const dest = (id: string, p: number) => [`device ${id} {`, '  type dicom', `  ae "${id}"`, '  host 127.0.0.1', `  port ${p}`, '  services {', '    store P', '    autofwd', '  }', '}'];
    table = path.join(dir, 'node.pacs');
    fs.writeFileSync(table, [
      'server NODE {', '  ae "NODE"', '  host 127.0.0.1', '  tcp-port 11112', '}',
      'device MOD {', '  type dicom', '  ae "MOD"', '  host 127.0.0.1', '  services {', '    store U', '  }', '}',
      ...dest('ARCHIVE', archivePort), ...dest('BACKUP', backupPort), '',
    ].join('\n'));
    serve = await startServe(table, path.join(dir, 'store'), ['--control']);
  });

  after(async () => {
    await serve?.kill();
    await stopAllPeers();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const send = (line: string): void => void serve!.child.stdin!.write(`${line}\n`);
  const answer = (id: number): Promise<Control> => serve!.waitFor((e): e is Control => isControl(e) && e.id === id, `the answer to command ${id}`);

  it('answers commands it cannot run with the reason, and goes on reading', async () => {
    const from = serve!.events.length;
    send('not json');
    send(JSON.stringify({ id: 1, queue: 'explode', destination: 'ARCHIVE' }));
    send(JSON.stringify({ id: 2, queue: 'retry', destination: 'NOPE' }));
    send(JSON.stringify({ id: 3, queue: 'drop' }));
    send(`{"id":4,"queue":"retry","destination":"${'X'.repeat(70_000)}"}`);
    send(JSON.stringify({ id: 5, queue: 'retry', destination: 'ARCHIVE' }));
    const five = await answer(5);
    assert.deepEqual([five.ok, five.ok && five.count], [true, 0], 'a good command after the bad ones is run');
    const answers = serve!.events.slice(from).filter(isControl);
    const expected = [
      'not a JSON command',
      'unknown command "explode"',
      'NOPE is not a forward destination of this node',
      '"destination" (a device ID) is missing',
      'a command line longer than 65536 characters; skipped',
      'ok',
    ];
    assert.equal(answers.length, expected.length, JSON.stringify(answers).slice(0, 2000));
    answers.forEach((a, i) => assert.ok((a.ok ? 'ok' : a.error).startsWith(expected[i]), `answer ${i}: ${JSON.stringify(a).slice(0, 300)}`));
  });

  it('retry sends a waiting destination\'s queue once it is back; drop removes another\'s pending entries, and pacsw queue agrees', async () => {
    const sample = path.join(repoRoot(), 'examples', 'workspace', 'samples', 'ct-outside.dcm');
    const sent = await storescu('MOD', 'NODE', serve!.port, [sample]);
    assert.equal(sent.code, 0, sent.output);
    await serve!.waitFor((e) => e.event === 'forward' && e.status === 'retry' && e.destination === 'ARCHIVE', 'a retry scheduled for ARCHIVE');
    const archive = await startStorescp({ aet: 'ARCHIVE', port: archivePort });
    send(JSON.stringify({ id: 10, queue: 'retry', destination: 'ARCHIVE' }));
    assert.equal((await answer(10)).ok, true);
    await serve!.waitFor((e) => e.event === 'forward' && e.status === 'sent' && e.destination === 'ARCHIVE', 'the object sent to ARCHIVE');
    assert.equal(filesUnder(archive.dir).length, 1);

    send(JSON.stringify({ id: 11, queue: 'drop', destination: 'BACKUP', pending: true }));
    const dropped = await answer(11);
    assert.ok(dropped.ok && dropped.count === 1, JSON.stringify(dropped));
    const cli = pacsw(['queue', '--devices', table, '--store', serve!.store, '--json']);
    assert.deepEqual((JSON.parse(cli.stdout) as Array<{ destination: string; pending: number }>).map((r) => [r.destination, r.pending]), [['ARCHIVE', 0], ['BACKUP', 0]]);
  });

  it('ends on Ctrl+C although its stdin is still open', async () => {
    assert.equal(serve!.child.stdin!.writableEnded, false);
    assert.equal(await serve!.stop(), 0);
  });
});
