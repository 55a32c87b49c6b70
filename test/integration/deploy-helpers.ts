/**
 * Helpers for the deploy tests: a device file written into a temp folder, Orthanc's modality
 * list read with plain HTTP (not our client, so a bug there cannot hide a bug in the deploy),
 * and a recording HTTP proxy on 127.0.0.1 that can fail the Nth write.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import type { OrthancPeer } from './peers';

export interface Device {
  id: string;
  lines: string[];
}

/** A .pacs text: server PACS_TEST with the given deploy lines, then the devices. */
export function pacsText(deployLines: string[], devices: Device[], extraServer: string[] = []): string {
  const out = ['server PACS_TEST {', '  ae "PACS_TEST"', ...extraServer.map((l) => '  ' + l), ...deployLines.map((l) => '  ' + l), '}', ''];
  for (const d of devices) out.push(`device ${d.id} {`, ...d.lines.map((l) => '  ' + l), '}', '');
  return out.join('\n');
}

export const CT1: Device = {
  id: 'CT1',
  lines: ['type dicom', 'ae "CT_SCANNER"', 'host 10.0.0.11', 'port 104', 'services {', '  store U', '  mwl U', '  commit P', '}', 'rules {', '  # accession prefix', '  (0008,0050)=concat("CT",(0008,0050))', '}'],
};
export const ARCHIVE: Device = {
  id: 'ARCHIVE',
  lines: ['type dicom', 'ae "ARCHIVE_QR"', 'host 10.0.0.12', 'port 11112', 'services {', '  store P', '  qr U P', '  autortv', '}'],
};
export const READ1: Device = {
  id: 'READ1',
  lines: ['type viewer', 'ae "READ_WS1"', 'host 10.0.0.13', 'tls-port 2762', 'tcp-port 0', 'services {', '  store P', '}'],
};
export const MR1_DISABLED: Device = {
  id: 'MR1',
  lines: ['type dicom', 'ae "MR_SCANNER"', 'host 10.0.0.14', 'port 104', 'services {', '  store U', '}', 'disabled'],
};
export const WEB: Device = { id: 'WEB', lines: ['type web-service', 'host 10.0.0.15'] };

export function writePacs(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** GET path on Orthanc with plain node http (JSON answer). */
export function orthancGet(orthanc: OrthancPeer, p: string): Promise<unknown> {
  return orthancRequest(orthanc, 'GET', p);
}

export function orthancRequest(orthanc: OrthancPeer, method: string, p: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (orthanc.authHeader) headers.Authorization = orthanc.authHeader;
    const req = http.request(`${orthanc.url}${p}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${method} ${p}: HTTP ${res.statusCode} ${text}`));
        resolve(text.trim() ? JSON.parse(text) : undefined);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function modalities(orthanc: OrthancPeer): Promise<Record<string, Record<string, unknown>>> {
  return (await orthancGet(orthanc, '/modalities?expand')) as Record<string, Record<string, unknown>>;
}

export interface ProxyPeer {
  url: string;
  /** `METHOD /path` of every request forwarded or failed, in order. */
  requests: string[];
  writes(): string[];
  stop(): Promise<void>;
}

export interface Injection {
  /** Which PUT/DELETE (1-based) is hit. */
  write: number;
  /**
   * http-500: answered with HTTP 500 and an Orthanc-style error body, not forwarded.
   * hang-up: forwarded (Orthanc applies it), then the connection is cut before the answer.
   * hang-up-and-stop: the same, and from then on every connection is cut (a dead server).
   */
  as: 'http-500' | 'hang-up' | 'hang-up-and-stop';
}

/** Forwards every request to Orthanc, recording it; `inject` breaks one write on purpose. */
export function startProxy(orthanc: OrthancPeer, inject?: Injection): Promise<ProxyPeer> {
  const requests: string[] = [];
  let writes = 0;
  let dead = false;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    if (dead) {
      req.socket.destroy();
      return;
    }
    requests.push(`${req.method} ${req.url}`);
    const isWrite = req.method === 'PUT' || req.method === 'DELETE';
    if (isWrite) writes++;
    const hit = isWrite && inject !== undefined && writes === inject.write;
    if (hit && inject.as === 'http-500') {
      req.resume();
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ HttpStatus: 500, Message: 'Internal error', Details: 'injected by the test proxy' }));
      return;
    }
    const up = http.request(`${orthanc.url}${req.url}`, { method: req.method, headers: req.headers, agent: false }, (upRes) => {
      if (hit) {
        upRes.resume();
        if (inject.as === 'hang-up-and-stop') dead = true;
        req.socket.destroy();
        return;
      }
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        writes: () => requests.filter((r) => /^(PUT|DELETE) /.test(r)),
        stop: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
