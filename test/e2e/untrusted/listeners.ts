/**
 * Real peers on 127.0.0.1 that only count who reaches them: a bare TCP listener and an HTTP
 * server. `connectionsBefore()` tells how many connections arrived before a probe of its own,
 * with no waiting for time: the kernel hands connections to the listener in the order they were
 * made, so any connection a command opened before it returned is counted before the probe.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface CountingPeer {
  readonly port: number;
  /** Connections (and, for HTTP, requests) seen so far, probes excluded. */
  counts(): { connections: number; requests: number };
  /** Opens a probe connection, waits until the peer accepts it, and returns `counts()` then. */
  connectionsBefore(): Promise<{ connections: number; requests: number }>;
  close(): Promise<void>;
}

export function startTcpCounter(): Promise<CountingPeer> {
  return startCounting(net.createServer(), () => 0);
}

export function startHttpCounter(): Promise<CountingPeer> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('this peer only counts requests\n');
  });
  return startCounting(server, () => requests);
}

function startCounting(server: net.Server, requests: () => number): Promise<CountingPeer> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const probes = new Map<number, () => void>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const probe = probes.get(socket.remotePort ?? -1);
    if (probe) probe();
    else connections += 1;
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      const counts = () => ({ connections, requests: requests() });
      resolve({
        port,
        counts,
        connectionsBefore: () =>
          new Promise((done, fail) => {
            const client = net.connect({ host: '127.0.0.1', port });
            client.on('error', fail);
            client.on('connect', () => {
              // The peer may already have accepted it: check before waiting.
              const seen = () => {
                probes.delete(client.localPort!);
                const snapshot = counts();
                client.destroy();
                done(snapshot);
              };
              const already = [...sockets].some((s) => s.remotePort === client.localPort);
              if (already) {
                // Accepted before the map entry existed: it was counted as a connection.
                connections -= 1;
                seen();
              } else probes.set(client.localPort!, seen);
            });
          }),
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
