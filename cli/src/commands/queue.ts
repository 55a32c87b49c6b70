/** `pacsw queue`: what the forward queue of a receiving node holds, and retry / drop of its entries. */
import * as path from 'node:path';
import { loadDeviceFile } from '../../../core/src/files/deviceFile';
import { forwardDestinations, ForwardSpool, SpoolLockedError, spoolDirOf, type EntryState, type QueueEntry } from '../../../core/src/forward';
import { parseArgs, UsageError } from '../args';
import { defaultStoreDir, DEFAULT_STORE_HINT } from '../storeDir';

export const summary = 'list what the forward queue of pacsw serve holds per destination; retry or drop entries';
export const usage = `usage: pacsw queue --devices FILE [--server ID] [--store DIR] [--json]
       pacsw queue list  --devices FILE [--store DIR] [--failed] [--json] DESTINATION
       pacsw queue retry --devices FILE [--store DIR] DESTINATION [KEY...]
       pacsw queue drop  --devices FILE [--store DIR] [--pending] DESTINATION [KEY...]

The forward queue of the receiving node (pacsw serve) of FILE: one entry per AutoFwd destination
per received object, kept in <store>/.forward until the destination has it.
  (no subcommand)  per destination: pending and failed entries, the oldest pending, the last
                   error and the next retry; destinations of the table and any left in the queue
  list             the entries of one destination (pending, or failed with their reasons)
  retry            failed entries back to pending (all, or the KEYs): a running node sends them
                   within a few seconds
  drop             removes failed entries (all, or the KEYs); with --pending, pending ones too.
                   Dropped objects are not forwarded; the received files stay in the store
--store DIR    the node's store (default: ${DEFAULT_STORE_HINT}), as given to pacsw serve
--server ID    the server block (default: the file's first)
Exit status: 0, or 1 when a destination has failed entries (listing), 2 for a usage error.`;

export async function run(args: string[]): Promise<number> {
  const sub = ['list', 'retry', 'drop'].includes(args[0]) ? args[0] : undefined;
  const parsed = parseArgs(sub ? args.slice(1) : args, { values: ['devices', 'server', 'store'], flags: ['json', 'failed', 'pending'] });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const devicesFile = parsed.values.get('devices');
  if (!devicesFile) throw new UsageError('--devices FILE is required');
  let loaded;
  try {
    loaded = loadDeviceFile(devicesFile);
  } catch (e) {
    throw new UsageError(`cannot read ${devicesFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const serverId = parsed.values.get('server');
  if (serverId !== undefined && !loaded.table.servers.some((s) => s.name === serverId)) {
    throw new UsageError(`no server ${serverId} in ${devicesFile} (servers: ${loaded.table.servers.map((s) => s.name).join(', ') || 'none'})`);
  }
  const storeDir = path.resolve(parsed.values.get('store') ?? defaultStoreDir(devicesFile));
  const spoolDir = spoolDirOf(storeDir);
  const { destinations, problems } = forwardDestinations(loaded.table);
  if (!ForwardSpool.exists(spoolDir)) {
    if (sub) throw new UsageError(`no forward queue in ${storeDir} (pacsw serve creates it when the table has AutoFwd devices)`);
    for (const p of problems) process.stderr.write(`${devicesFile}: device ${p.id} ${p.problem}\n`);
    return overview(undefined, destinations, parsed.flags.has('json'));
  }
  const spool = openSpool(spoolDir);
  try {
    if (!sub) {
      for (const p of problems) process.stderr.write(`${devicesFile}: device ${p.id} ${p.problem}\n`);
      return overview(spool, destinations, parsed.flags.has('json'));
    }
    const [dest, ...keys] = parsed.positionals;
    if (!dest) throw new UsageError(`pacsw queue ${sub} needs a DESTINATION (device ID)`);
    const known = new Set([...destinations.map((d) => d.id), ...spool.destinations()]);
    if (!known.has(dest)) throw new UsageError(`${dest} is neither an AutoFwd device of ${devicesFile} nor in the queue (known: ${[...known].join(', ') || 'none'})`);
    if (sub === 'list') return list(spool, dest, parsed.flags.has('failed') ? 'failed' : 'pending', parsed.flags.has('json'));
    if (sub === 'retry') {
      const n = spool.retry(dest, keys.length ? keys : undefined);
      console.log(`${dest}: ${n} failed entr${n === 1 ? 'y' : 'ies'} back to pending`);
      return 0;
    }
    const states: EntryState[] = parsed.flags.has('pending') ? ['failed', 'pending'] : ['failed'];
    const n = spool.drop(dest, states, keys.length ? keys : undefined);
    console.log(`${dest}: ${n} entr${n === 1 ? 'y' : 'ies'} dropped (${states.join(' and ')})`);
    return 0;
  } finally {
    spool.close();
  }
}

/** The lock when no node runs (then recovery tidies up); otherwise a plain view beside the node. */
function openSpool(dir: string): ForwardSpool {
  try {
    return ForwardSpool.open(dir, { lock: true, minFreeBytes: 0 });
  } catch (error) {
    if (error instanceof SpoolLockedError) return ForwardSpool.open(dir, { minFreeBytes: 0 });
    throw error;
  }
}

interface Row {
  destination: string;
  state: string;
  pending: number;
  failed: number;
  oldestPending?: string;
  lastError?: string;
  lastErrorAt?: string;
  nextRetryAt?: string;
  lastDeliveredAt?: string;
}

/** One row per destination of the table and per destination left in the queue (spool undefined: none yet). */
function overview(spool: ForwardSpool | undefined, configured: Array<{ id: string; enabled: boolean }>, json: boolean): number {
  const ids = [...new Set([...configured.map((d) => d.id), ...(spool?.destinations() ?? [])])].sort();
  const rows: Row[] = ids.map((id) => {
    const d = configured.find((c) => c.id === id);
    const pending = spool?.keys(id, 'pending') ?? [];
    const oldest = pending.length ? spool!.readSync(id, 'pending', pending[0]) : undefined;
    const st = spool?.readState(id) ?? {};
    return {
      destination: id,
      state: d ? (d.enabled ? 'enabled' : 'disabled') : 'not in table',
      pending: pending.length,
      failed: spool?.keys(id, 'failed').length ?? 0,
      oldestPending: oldest?.receivedAt,
      lastError: st.lastError,
      lastErrorAt: st.lastErrorAt,
      nextRetryAt: pending.length && st.nextRetryAt && Date.parse(st.nextRetryAt) > Date.now() ? st.nextRetryAt : undefined,
      lastDeliveredAt: st.lastDeliveredAt,
    };
  });
  if (json) console.log(JSON.stringify(rows, null, 2));
  else if (rows.length === 0) console.log('no AutoFwd destinations in the table and nothing queued');
  else {
    const table = [['DESTINATION', 'STATE', 'PENDING', 'FAILED', 'OLDEST PENDING', 'LAST ERROR']].concat(rows.map((r) => [
      r.destination, r.state, String(r.pending), String(r.failed), r.oldestPending ?? '-',
      r.lastError ? `${r.lastError} (${r.lastErrorAt}${r.nextRetryAt ? `; next retry ${r.nextRetryAt}` : ''})` : '-',
    ]));
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table) console.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
  }
  return rows.some((r) => r.failed > 0) ? 1 : 0;
}

function list(spool: ForwardSpool, dest: string, state: EntryState, json: boolean): number {
  const entries = spool.keys(dest, state).map((k) => spool.readSync(dest, state, k)).filter((e): e is QueueEntry => !!e);
  if (json) console.log(JSON.stringify(entries, null, 2));
  else if (entries.length === 0) console.log(`${dest}: no ${state} entries`);
  else {
    for (const e of entries) {
      const why = e.failure ? `  ${state === 'failed' ? 'failed' : 'failed before'} ${e.failure.at}: ${e.failure.reason}` : '';
      console.log(`${e.key}  ${e.sopInstanceUid}  from ${e.deviceId ?? e.callingAe}  received ${e.receivedAt}  stored as ${e.source || '(not known: the entry was made again from its object after a crash)'}${why}`);
    }
  }
  return state === 'failed' && entries.length > 0 ? 1 : 0;
}
