/** `pacsw serve --devices FILE`: run a server block of a device table as a receiving node. */
import * as path from 'node:path';
import { forwardingWanted, hex4, startForwarding, type ForwardEvent, type Forwarding, type NodeEvent } from '../../../core/src/forward';
import { loadTlsOptions, type TlsOptions } from '../../../core/src/net/tls';
import { startReceiver, ReceiverTableError, type Receiver, type StoredObject } from '../../../core/src/receiver';
import { parseArgs, UsageError } from '../args';
import { batchedLines } from '../batchedLines';
import { readControl } from '../serveControl';
import { DEFAULT_STORE_HINT, defaultStoreDir } from '../storeDir';

export const summary = 'run a device table\'s server as a receiving node: admit, coerce and store incoming C-STOREs';
export const usage = `usage: pacsw serve --devices FILE [--server ID] [--store DIR] [--host ADDRESS] [--port N]
                   [--tls-port N --tls-cert FILE --tls-key FILE [--tls-ca FILE]] [--json] [--keep-originals]
                   [--forward-tls-ca FILE] [--control]

Runs the server block of FILE as a DICOM storage SCP on its tcp-port (and tls-port) at its host
(default 127.0.0.1), as eRAD would: the calling AE must be an enabled device whose host is the
peer's address (or the server says accept-unknown-callers yes), the called AE the server's ae or
query-ae; devices without "store U" may only echo; category max-connections and the device limits
max and store-in bound the associations (over a bound: rejected, transient). Each object runs
through Preceding Global, the device's rules and Trailing Global, as in pacsw apply, and is stored
as DIR/<device>/<SOP Instance UID>.dcm, on disk (fsynced) before the sender is told "success".
An object the rules stop ($(@PROCESS) = NULL) is answered success and not stored.
Devices with autofwd (and store P) get a copy of every stored object: it is queued durably in
DIR/.forward before the sender is told "success" (a full disk: refused with 0xA700 instead) and
sent from the server's AE, with retries; pacsw queue shows and retries what waits or failed.
Edits of FILE and its rule files apply to new associations; an edit with errors keeps the last
good table (and says so).
--store DIR     where received objects go (default: ${DEFAULT_STORE_HINT}); keep patient data
                out of your workspace
--port N, --tls-port N   override the server's ports (0: pick a free port and print it)
--json          one JSON object per event on stdout (what the VS Code Traffic view reads)
--keep-originals  also keep each object as it arrived (DIR/<device>/originals/), to compare
                before and after the rules
--forward-tls-ca FILE  trust this CA for forward destinations with a tls-port (default: the
                system CAs); --tls-cert/--tls-key are also the client certificate shown to them
--control       read queue commands from stdin, one JSON object a line, each answered by a
                "control" event: {"queue":"retry","destination":ID} (failed entries back, and
                the backoff forgotten: sent now), {"queue":"drop","destination":ID,"pending":true}
Ctrl+C (or SIGTERM) finishes the objects in hand, answers them, lets the forwards under way end
and stops (the queue is kept for the next start); a second Ctrl+C aborts.
Exit status: 0 after a stop, 1 when the node cannot listen, 2 for a table with errors.`;

function port(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new UsageError(`--${name} takes a port number 0-65535, not "${v}"`);
  return Number(v);
}

/** One line per event for people; warnings and refusals on stderr. */
function describe(e: NodeEvent): { text: string; error?: boolean } | undefined {
  switch (e.event) {
    case 'forward':
      return describeForward(e);
    case 'queue':
      return undefined;
    case 'listening': {
      const where = [e.tcpPort !== undefined ? `${e.host}:${e.tcpPort}` : '', e.tlsPort !== undefined ? `TLS ${e.host}:${e.tlsPort}` : ''].filter(Boolean).join(', ');
      return { text: `listening: server ${e.server} (AE "${e.ae}"${e.queryAe ? `, "${e.queryAe}"` : ''}) on ${where}; storing under ${e.store}` };
    }
    case 'table':
      if (e.status === 'loaded') return undefined;
      if (e.status === 'reloaded') return { text: `table reloaded: ${e.file} (${e.devices} devices); new associations use it` };
      return { text: `table NOT reloaded: ${e.file} has errors; the last good table stays in use\n${e.errors.map((x) => `  ${x}`).join('\n')}`, error: true };
    case 'association': {
      const who = `${e.callingAe} -> ${e.calledAe} from ${e.peer}${e.tls ? ' (TLS)' : ''}`;
      const c = e.counts;
      const use = [c.device ? `${c.device.name} ${c.device.open}${c.device.max !== undefined ? `/${c.device.max}` : ''}` : '', c.category ? `category ${c.category.name} ${c.category.open}/${c.category.max ?? '-'}` : ''].filter(Boolean).join(', ');
      if (e.outcome === 'accepted') return { text: `accepted ${who}: ${e.device ? `device ${e.device}` : 'unknown caller (global rules only)'}${use ? ` [${use}]` : ''}` };
      return { text: `rejected ${who}: ${e.reason}`, error: true };
    }
    case 'object': {
      const what = `${e.device ?? e.callingAe} ${e.sopInstanceUid}`;
      if (e.status === 'stored') return { text: `stored ${what} -> ${e.file} (${e.changes.length} change${e.changes.length === 1 ? '' : 's'})` };
      if (e.status === 'stopped') return { text: `stopped ${what}: ${e.reason}` };
      return { text: `failed ${what} (status 0x${e.dimseStatus.toString(16).padStart(4, '0')}): ${e.reason}`, error: true };
    }
    case 'closed':
      return e.how === 'released' ? undefined : { text: `association ${e.id} ${e.how}${e.detail ? `: ${e.detail}` : ''}`, error: true };
    case 'warning':
      return { text: `warning: ${e.message}`, error: true };
    case 'stopping':
      return { text: 'stopping: finishing the objects in hand' };
    case 'stopped':
      return { text: 'stopped' };
    case 'control':
      return e.ok ? { text: e.text } : { text: `control: ${e.error}`, error: true };
  }
}

function describeForward(e: Extract<ForwardEvent, { event: 'forward' }>): { text: string; error?: boolean } | undefined {
  switch (e.status) {
    case 'queued':
      return undefined; // the "stored" line says it; pacsw queue shows the queue
    case 'sent':
      return { text: `forwarded ${e.sopInstanceUid} to ${e.destination}${e.warning ? ` (${e.warning})` : ''}` };
    case 'retry':
      return { text: `forward to ${e.destination} failed: ${e.reason}; the queue waits, retry ${e.attempt} at ${e.nextRetryAt}`, error: true };
    case 'failed':
      return { text: `forward of ${e.sopInstanceUid} to ${e.destination} failed for good${e.dimseStatus !== undefined ? ` (${hex4(e.dimseStatus)})` : ''}: ${e.reason}; it is in the failed list (pacsw queue list --failed ${e.destination})`, error: true };
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['devices', 'server', 'store', 'host', 'port', 'tls-port', 'tls-cert', 'tls-key', 'tls-ca', 'forward-tls-ca'], flags: ['json', 'keep-originals', 'control'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const devicesFile = parsed.values.get('devices');
  if (!devicesFile) throw new UsageError('pacsw serve needs --devices FILE');
  if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  const certFile = parsed.values.get('tls-cert');
  const keyFile = parsed.values.get('tls-key');
  if (!!certFile !== !!keyFile) throw new UsageError('--tls-cert and --tls-key go together');
  const json = parsed.flags.has('json');
  // Per-object events are batched (batchedLines); any other event goes out at once, after them.
  const stdout = batchedLines((text) => process.stdout.write(text));
  const routine = (e: NodeEvent): boolean => e.event === 'object' || e.event === 'forward' || e.event === 'queue';
  const print = (e: NodeEvent): void => {
    if (json) {
      const line = `${JSON.stringify(e)}\n`;
      if (routine(e)) stdout.later(line);
      else stdout.now(line);
      return;
    }
    const d = describe(e);
    if (!d) return;
    if (d.error) {
      stdout.flush();
      process.stderr.write(`${d.text}\n`);
    } else if (routine(e)) stdout.later(`${d.text}\n`);
    else stdout.now(`${d.text}\n`);
  };
  let tls;
  let forwardTls: TlsOptions | undefined;
  try {
    if (certFile) {
      const pem = loadTlsOptions({ certFile, keyFile, caFile: parsed.values.get('tls-ca') });
      // With a CA, callers must show a certificate it signed; without, any caller may use TLS.
      tls = { cert: pem.cert, key: pem.key, ca: pem.ca, requestCert: !!pem.ca, rejectUnauthorized: !!pem.ca };
    }
    const forwardCa = parsed.values.get('forward-tls-ca');
    if (certFile || forwardCa) forwardTls = loadTlsOptions({ certFile, keyFile, caFile: forwardCa });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const storeDir = parsed.values.get('store') ?? defaultStoreDir(devicesFile);
  const serverId = parsed.values.get('server');
  const warn = (message: string): void => print({ event: 'warning', time: new Date().toISOString(), message });

  // The forward queue starts right after the receiver listens (so a table with errors is the
  // receiver's to report); an object arriving before that waits for it, since it must be queued
  // before it is acknowledged.
  let forwarding: Forwarding | undefined;
  let forwardingReady!: (f: Forwarding | undefined) => void;
  const ready = new Promise<Forwarding | undefined>((resolve) => (forwardingReady = resolve));
  const startQueue = (): Forwarding => startForwarding({
    devicesFile, serverId, storeDir, tls: forwardTls, log: warn,
    onEvent: print,
    onStatus: (destinations) => json && print({ event: 'queue', time: new Date().toISOString(), destinations }),
    // The sending thread runs in this bundle's launcher (dist/pacsw.js; cli/src/pacsw.ts runWorker).
    thread: { file: path.join(__dirname, 'pacsw.js') },
  });
  const queueHook = async (obj: StoredObject): Promise<void> => {
    const f = forwarding ?? await ready;
    await f?.enqueue(obj);
  };

  let receiver: Receiver;
  try {
    receiver = await startReceiver({
      devicesFile,
      serverId,
      storeDir,
      host: parsed.values.get('host'),
      tcpPort: port('port', parsed.values.get('port')),
      tlsPort: port('tls-port', parsed.values.get('tls-port')),
      tls,
      onEvent: (e) => {
        print(e);
        if (e.event !== 'table' || e.status !== 'reloaded') return;
        // A table edit: destinations follow it (a disabled one keeps its queue); the first
        // AutoFwd device of a table that had none starts the queue.
        try {
          if (forwarding) forwarding.reload();
          else if (forwardingWanted(devicesFile, storeDir)) forwarding = startQueue();
        } catch (error) {
          warn(`forwarding: ${(error as Error).message}`);
        }
      },
      beforeAcknowledge: [queueHook],
      keepOriginals: parsed.flags.has('keep-originals'),
    });
  } catch (error) {
    if (error instanceof ReceiverTableError) {
      process.stderr.write(`pacsw serve: ${error.message}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
    if (code === 'EADDRINUSE') process.stderr.write(`pacsw serve: ${e.address}:${e.port} is already in use (another DICOM server?); stop it or give --port\n`);
    else if (code === 'EACCES') process.stderr.write(`pacsw serve: not allowed to listen on ${e.address}:${e.port} (ports below 1024 need privileges); give --port 11112, for example\n`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') process.stderr.write(`pacsw serve: cannot listen on ${e.address ?? 'that address'}: it is not an address of this machine; give --host\n`);
    else throw error;
    return 1;
  }

  try {
    if (forwardingWanted(devicesFile, storeDir)) forwarding = startQueue();
    forwardingReady(forwarding);
  } catch (error) {
    // E.g. another pacsw serve forwards from this store: receiving without queueing would lose copies.
    forwardingReady(undefined);
    await receiver.close(false);
    stdout.flush();
    process.stderr.write(`pacsw serve: cannot start forwarding: ${(error as Error).message}\n`);
    return 1;
  }

  const stopControl = parsed.flags.has('control') ? readControl(process.stdin, () => forwarding, print) : undefined;

  // Ctrl+C or SIGTERM: answer the objects in hand, let the forwards under way end, then stop;
  // a second one aborts at once. The queue stays on disk either way.
  await new Promise<void>((resolve) => {
    let stops = 0;
    const stop = (): void => {
      const graceful = ++stops === 1;
      void receiver.close(graceful).then(() => forwarding?.stop(graceful)).then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  stopControl?.();
  stdout.flush();
  return 0;
}
