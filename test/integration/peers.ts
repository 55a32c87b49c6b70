/**
 * Real DICOM peers on 127.0.0.1 for integration tests and benchmarks: DCMTK storescp (plain
 * and TLS), Orthanc with its own config in a temp dir, our own echo SCP (core/src/net), a silent
 * TCP listener that accepts and never answers, and a port with nothing on it.
 *
 * Every start function registers its peer; `stopAllPeers()` (use it in `after`) and a process
 * exit hook stop whatever is left. Tests only ever talk to 127.0.0.1. Note that storescp and
 * Orthanc 1.10 bind all interfaces; they run on random high ports for the test's lifetime.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { acceptContexts, listen, VERIFICATION_SOP_CLASS } from '../../core/src/net';
import { TS_EXPLICIT_LE, TS_IMPLICIT_LE } from '../../core/src/dicom/part10';
import { tempDir } from './temp-dir';
export { suiteTempDir, tempDir } from './temp-dir';

export interface Peer {
  /** What it is, for messages. */
  name: string;
  stop(): Promise<void>;
}

const running = new Set<Peer>();
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function register<P extends Peer>(peer: P): P {
  running.add(peer);
  const stop = peer.stop.bind(peer);
  peer.stop = async () => {
    running.delete(peer);
    await stop();
  };
  return peer;
}

/** Stops every peer still running (call from `after`/`afterEach`). */
export async function stopAllPeers(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A port with nothing listening on it (connections are refused). */
export const closedPort = freePort;

/** Environment for DCMTK tools: TCP_NODELAY=1, or every response stalls ~40 ms (Nagle). */
export function dcmtkEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TCP_NODELAY: '1' };
}

/** Resolves once 127.0.0.1:port accepts a TCP connection; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function spawnTracked(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20000)));
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', (e) => (out += `\nspawn error: ${e.message}`));
  return { child, output: () => out };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---- TLS material ---------------------------------------------------------------------------

export interface CertFiles {
  dir: string;
  key: string;
  cert: string;
}

/** A self-signed certificate for localhost / 127.0.0.1 (openssl), in a new temp dir. */
export function makeSelfSignedCert(): CertFiles {
  const dir = tempDir('tls');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr || r.error?.message}`);
  return { dir, key, cert };
}

// ---- DCMTK storescp -------------------------------------------------------------------------

export interface StorescpPeer extends Peer {
  port: number;
  aet: string;
  /** Folder where received objects land. */
  dir: string;
  output(): string;
}

export interface StorescpOptions {
  aet?: string;
  /** Run with `+tls key cert` (peer certificates are not required: `-ic`). */
  tls?: CertFiles;
  port?: number;
  /** More storescp options, e.g. `+B` (write what was received, bit for bit) and `+xe` (prefer explicit VR LE). */
  args?: string[];
}

export async function startStorescp(options: StorescpOptions = {}): Promise<StorescpPeer> {
  const port = options.port ?? (await freePort());
  const aet = options.aet ?? 'STORESCP';
  const dir = tempDir('storescp');
  const args = ['-aet', aet, '-od', dir];
  if (options.tls) args.push('+tls', options.tls.key, options.tls.cert, '-ic');
  args.push(...(options.args ?? []), String(port));
  const { child, output } = spawnTracked('storescp', args, dcmtkEnv());
  try {
    await waitForPort(port, 10000, child);
  } catch (e) {
    await stopChild(child);
    throw new Error(`storescp did not start: ${(e as Error).message}\n${output()}`);
  }
  return register({
    name: `storescp${options.tls ? ' (TLS)' : ''} on ${port}`,
    port,
    aet,
    dir,
    output,
    async stop() {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

// ---- Orthanc --------------------------------------------------------------------------------

export interface OrthancOptions {
  aet?: string;
  /** Reject associations whose called AE is not ours (default true here; Orthanc's default is false). */
  checkCalledAet?: boolean;
  /** HTTP basic authentication: user name → password. Off when undefined. */
  users?: Record<string, string>;
  /** Extra configuration merged last (e.g. DicomModalities, DicomModalitiesInDatabase). */
  config?: Record<string, unknown>;
  /** Milliseconds to wait for `/system` to answer. */
  startTimeoutMs?: number;
}

export interface OrthancPeer extends Peer {
  dicomPort: number;
  httpPort: number;
  /** `http://127.0.0.1:<httpPort>` */
  url: string;
  aet: string;
  dir: string;
  /** Authorization header value for the configured user (first one), if any. */
  authHeader?: string;
  output(): string;
  /** Kills the process at once (SIGKILL), keeping its storage and index, as a crash would. */
  kill(): Promise<void>;
  /** Starts Orthanc again on the same config, ports and storage (after kill()). */
  restart(): Promise<void>;
}

/** Starts Orthanc with its own config, storage and index in a temp dir; waits for `/system`. */
export async function startOrthanc(options: OrthancOptions = {}): Promise<OrthancPeer> {
  const dir = tempDir('orthanc');
  const dicomPort = await freePort();
  let httpPort = await freePort();
  while (httpPort === dicomPort) httpPort = await freePort();
  const aet = options.aet ?? 'ORTHANC';
  const config = {
    Name: 'pacsw-test',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    DicomAet: aet,
    DicomPort: dicomPort,
    HttpPort: httpPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: !!options.users,
    RegisteredUsers: options.users ?? {},
    DicomCheckCalledAet: options.checkCalledAet ?? true,
    Plugins: [],
    LuaScripts: [],
    HttpServerEnabled: true,
    DicomServerEnabled: true,
    ...options.config,
  };
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  let { child, output } = spawnTracked('Orthanc', [configFile], process.env, dir);
  const firstUser = options.users ? Object.entries(options.users)[0] : undefined;
  const authHeader = firstUser ? 'Basic ' + Buffer.from(`${firstUser[0]}:${firstUser[1]}`).toString('base64') : undefined;
  const url = `http://127.0.0.1:${httpPort}`;
  /** Waits until the Orthanc just spawned answers HTTP and DICOM; stops it and says why when it does not. */
  const ready = async (what: 'start' | 'restart'): Promise<void> => {
    try {
      await waitForHttp(`${url}/system`, options.startTimeoutMs ?? 20000, child, authHeader);
      await waitForPort(dicomPort, 5000, child);
    } catch (e) {
      await stopChild(child);
      throw new Error(`Orthanc did not ${what}: ${(e as Error).message}\n${output()}`);
    }
  };
  await ready('start');
  return register({
    name: `Orthanc on ${dicomPort}/${httpPort}`,
    dicomPort,
    httpPort,
    url,
    aet,
    dir,
    authHeader,
    output: () => output(),
    async stop() {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    kill: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
    async restart() {
      ({ child, output } = spawnTracked('Orthanc', [configFile], process.env, dir));
      await ready('restart');
    },
  });
}

/** Resolves once `url` answers any HTTP status (401 counts: the server is up). */
export async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess, auth?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    const status = await new Promise<number | undefined>((resolve) => {
      const req = http.get(url, { headers: auth ? { Authorization: auth } : {} }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.setTimeout(1000, () => req.destroy());
      req.once('error', () => resolve(undefined));
    });
    if (status !== undefined) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- silent listener ------------------------------------------------------------------------

export interface SilentPeer extends Peer {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
}

/** Accepts TCP connections on 127.0.0.1 and never sends a byte (a hung peer). */
export function startSilentListener(): Promise<SilentPeer> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>();
    let count = 0;
    const srv = net.createServer((s) => {
      count++;
      sockets.add(s);
      s.on('error', () => undefined);
      s.once('close', () => sockets.delete(s));
    });
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      resolve(register({
        name: `silent listener on ${port}`,
        port,
        accepted: () => count,
        stop: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          srv.close(() => done());
        }),
      }));
    });
  });
}

// ---- our own echo SCP (core/src/net) ---------------------------------------------------------

export interface EchoScpPeer extends Peer {
  port: number;
}

/** Our SCP on 127.0.0.1, accepting Verification only and answering every C-ECHO with Success. */
export async function startEchoScp(): Promise<EchoScpPeer> {
  const server = await listen({ host: '127.0.0.1', port: 0, maxPdu: 16384, artimTimeoutMs: 5000, idleTimeoutMs: 10000 }, {
    associate: (rq) => ({
      accept: true,
      maxPdu: 16384,
      contexts: acceptContexts(rq.contexts, { accepts: (sop) => sop === VERIFICATION_SOP_CLASS, transferSyntaxes: [TS_IMPLICIT_LE, TS_EXPLICIT_LE] }),
    }),
    store: async () => ({ status: 0x0122 }),
  });
  return register({ name: `our echo SCP on ${server.port}`, port: server.port, stop: () => server.close(false) });
}

/** True when a command exists on PATH (to skip with a clear reason instead of failing). */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

// ---- one of each peer an echo meets -----------------------------------------------------------

/** A storescp (AE STORESCP), a TLS-only storescp (AE TLSSCP) with its certificate, an Orthanc that checks the called AE title, a silent listener. */
export interface EchoLab {
  store: StorescpPeer;
  tlsStore: StorescpPeer;
  cert: CertFiles;
  orthanc: OrthancPeer;
  silent: SilentPeer;
}

/** Starts an EchoLab whose Orthanc answers to `orthancAet` only; stopAllPeers stops it, stopEchoLab also removes its certificate. */
export async function startEchoLab(orthancAet: string): Promise<EchoLab> {
  const cert = makeSelfSignedCert();
  const [store, tlsStore, orthanc, silent] = await Promise.all([
    startStorescp({ aet: 'STORESCP' }),
    startStorescp({ aet: 'TLSSCP', tls: cert }),
    startOrthanc({ aet: orthancAet, checkCalledAet: true }),
    startSilentListener(),
  ]);
  return { store, tlsStore, cert, orthanc, silent };
}

/** Stops the lab's peers and removes its certificate (safe before a start that failed). */
export async function stopEchoLab(lab: EchoLab | undefined): Promise<void> {
  if (!lab) return;
  await Promise.all([lab.store, lab.tlsStore, lab.orthanc, lab.silent].map((p) => p.stop()));
  fs.rmSync(lab.cert.dir, { recursive: true, force: true });
}
