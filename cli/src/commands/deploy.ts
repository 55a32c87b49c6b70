/**
 * `pacsw deploy --devices FILE [--server ID] [--dry-run] [--json]`: push a device table to the
 * server's deploy targets (Orthanc over REST, an export folder), showing the difference first.
 * `pacsw deploy --restore SNAPSHOT` puts a snapshot saved by a failed deploy back.
 * Credentials come from the environment, never from the file or the command line.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { deploy, restoreSnapshotFile, type TargetPlan } from '../../../core/src/deploy/deploy';
import type { Credentials } from '../../../core/src/deploy/target';
import { confirmQuestion, formatDeployReport, formatPlan } from '../../../core/src/deploy/report';
import { buildDeviceTable } from '../../../core/src/devices/model';
import { parseDeviceFile } from '../../../core/src/devices/parser';
import { parseArgs, UsageError } from '../args';
import { readNamedTextFile } from '../../../core/src/files/referencedFiles';

export const summary = 'deploy a device table to its servers (Orthanc, export folder), showing the difference first';
export const usage = `usage: pacsw deploy --devices FILE [--server ID] [--target KIND|URL|PATH] [options]
       pacsw deploy --restore SNAPSHOT.json [--url URL] [--ca FILE]

Reads what each deploy target of the server holds (the file's \`deploy orthanc "URL"\` and
\`deploy folder "PATH"\` lines), shows the difference from the file, asks, applies, reads back
and verifies. A failure half-way puts back what the target held before.

--devices FILE     the .pacs device table (errors in it or its rules block the deploy)
--server ID        the server's name; must match the file's server block
--target T         only this target: orthanc, folder, or its URL / path as written
--dry-run          show the difference, change nothing
--yes              apply without asking (needed when stdin is not a terminal)
--json             print the report as JSON
--ca FILE          PEM file of a private CA to trust for https
--timeout MS       limit per HTTP request (default 15000)
--snapshot-dir DIR where the previous state is saved during a deploy (default: .pacsw/snapshots next to FILE)
--restore FILE     put a saved snapshot back on its target (--url: on this Orthanc instead)

Credentials (Orthanc): PACSW_<SERVER>_USERNAME and PACSW_<SERVER>_PASSWORD (server name in
capitals, other characters as _), else PACSW_USERNAME and PACSW_PASSWORD.
Exit status: 0 deployed (or nothing to change, or dry run), 1 failed or not applied, 2 usage error.`;

/** Environment variable stem for a server: `PACS_MAIN` → `PACSW_PACS_MAIN_`. */
export function envStem(server: string): string {
  return `PACSW_${server.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

export function credentialsFromEnv(server: string | undefined, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  if (server) {
    const stem = envStem(server);
    const u = env[`${stem}USERNAME`];
    if (u !== undefined) return { username: u, password: env[`${stem}PASSWORD`] ?? '' };
  }
  const u = env.PACSW_USERNAME;
  return u !== undefined ? { username: u, password: env.PACSW_PASSWORD ?? '' } : undefined;
}

export function readCa(file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read --ca ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function timeoutOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`--timeout needs a positive number of milliseconds, not "${v}"`);
  return Number(v);
}

async function ask(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, {
    values: ['devices', 'server', 'target', 'ca', 'timeout', 'snapshot-dir', 'restore', 'url'],
    flags: ['dry-run', 'json', 'yes'],
  });
  if (parsed.flags.has('help')) {
    console.log(usage);
    return 0;
  }
  if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  const json = parsed.flags.has('json');
  const ca = readCa(parsed.values.get('ca'));
  const timeoutMs = timeoutOf(parsed.values.get('timeout'));

  const restore = parsed.values.get('restore');
  if (restore !== undefined) {
    const credentials = credentialsFromEnv(parsed.values.get('server'));
    const result = await restoreSnapshotFile(restore, { credentials, ca, timeoutMs, url: parsed.values.get('url') }).catch((e: Error) => {
      console.error(`pacsw deploy: restoring ${restore}: ${e.message}`);
      return undefined;
    });
    if (!result) return 1;
    if (json) console.log(JSON.stringify(result, null, 2));
    else console.log(result.ok ? `${result.target}: restored from ${restore} and verified` : `${result.target}: restored from ${restore}, but reading back shows a difference`);
    return result.ok ? 0 : 1;
  }

  const file = parsed.values.get('devices');
  if (!file) throw new UsageError('--devices FILE is required');
  let text: string;
  try {
    text = readNamedTextFile(file);
  } catch (e) {
    throw new UsageError((e as NodeJS.ErrnoException).code === 'ENOENT' ? `cannot read ${file}: no such file` : `cannot read ${(e as Error).message}`);
  }
  const wantServer = parsed.values.get('server');
  const wantTarget = parsed.values.get('target');
  const dryRun = parsed.flags.has('dry-run');
  const yes = parsed.flags.has('yes');
  const interactive = !!process.stdin.isTTY && !json;
  const serverName = serverOf(file, text, wantServer);
  if (wantTarget !== undefined) checkTargetNamed(file, text, wantTarget);
  let unconfirmed = false;

  const report = await deploy({
    file,
    text,
    dryRun,
    ca,
    timeoutMs,
    snapshotDir: parsed.values.get('snapshot-dir'),
    selectTarget: (kind, target) => wantTarget === undefined || wantTarget === kind || wantTarget === target,
    credentials: () => credentialsFromEnv(serverName),
    progress: (e) => {
      if (e.phase === 'check' || e.phase === 'confirm' || json) return;
      if (process.stderr.isTTY) process.stderr.write(`${e.done !== undefined ? `[${e.done + 1}/${e.total}] ` : ''}${e.message}\n`);
    },
    confirm: async (plans: TargetPlan[]) => {
      if (yes) return true;
      if (!interactive) {
        unconfirmed = true;
        return false;
      }
      for (const p of plans) for (const l of formatPlan(p, false)) process.stderr.write(l + '\n');
      return ask(`${confirmQuestion(file, plans)} [y/N] `);
    },
  });

  if (json) console.log(JSON.stringify(report, null, 2));
  else for (const l of formatDeployReport(report)) console.log(l);
  if (unconfirmed) console.error('pacsw deploy: not applied: stdin is not a terminal, so nothing was asked; run again with --yes to apply');
  if (!report.ok) return 1;
  return report.targets.some((t) => t.outcome === 'declined') ? 1 : 0;
}

/** The file's server name; `--server ID` must name it (compared without case, as the language does). */
/** --target must name one of the server's deploy lines (kind, URL or path), or nothing would run. */
function checkTargetNamed(file: string, text: string, want: string): void {
  const server = buildDeviceTable(parseDeviceFile(text, file).ast).server;
  const targets = server?.deploy ?? [];
  if (targets.some((t) => t.kind === want || t.target === want)) return;
  const listed = targets.map((t) => `  deploy ${t.kind} "${t.target}"`).join('\n');
  throw new UsageError(targets.length
    ? `--target ${want} is not one of the deploy targets of server ${server?.name ?? '(none)'} in ${file}; it has:\n${listed}\nname one by kind (orthanc, folder) or by its URL or path as written`
    : `server ${server?.name ?? '(none)'} in ${file} has no deploy target: add a line such as  deploy orthanc "http://host:8042"  to its server block`);
}

function serverOf(file: string, text: string, want: string | undefined): string | undefined {
  const name = buildDeviceTable(parseDeviceFile(text, file).ast).server?.name;
  if (want !== undefined && (name === undefined || name.toLowerCase() !== want.toLowerCase())) {
    throw new UsageError(`${file} describes server ${name ?? '(none)'}, not ${want}`);
  }
  return name;
}
