/** TLS material for DICOM TLS connections, read from PEM files (never stored in .pacs files). */
import * as fs from 'node:fs';

export interface TlsOptions {
  /** Trusted CA certificate(s) in PEM; without it the system CAs apply. */
  ca?: string | Buffer;
  /** Our client certificate and key, for peers that require one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true: an untrusted peer certificate fails the connection. */
  rejectUnauthorized?: boolean;
}

export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecure?: boolean;
}

/** Reads the PEM files named in `files`; a missing file throws with its path in the message. */
export function loadTlsOptions(files: TlsFiles): TlsOptions {
  const read = (what: string, p?: string) => {
    if (!p) return undefined;
    try {
      return fs.readFileSync(p);
    } catch (e) {
      throw new Error(`cannot read TLS ${what} file ${p}: ${(e as Error).message}`);
    }
  };
  return {
    ca: read('CA', files.caFile),
    cert: read('certificate', files.certFile),
    key: read('key', files.keyFile),
    rejectUnauthorized: !files.insecure,
  };
}

/** True when a socket error happened because of TLS (handshake, certificate, protocol). */
export function isTlsError(err: { code?: string; message?: string } | undefined): boolean {
  const text = `${err?.code ?? ''} ${err?.message ?? ''}`;
  return /SSL|TLS|CERT|certificate|self[- ]signed|wrong version|handshake|DEPTH_ZERO|UNABLE_TO_VERIFY|secure TLS connection/i.test(text);
}
