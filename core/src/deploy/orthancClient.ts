/**
 * A small client for Orthanc's REST API (what deploy and import need: /system and /modalities).
 * Every request has a bounded time, honours an AbortSignal, and fails with an OrthancHttpError
 * whose message names the method, the URL path, the HTTP status and Orthanc's own explanation,
 * so a failed deploy says what the server refused and why. Credentials are sent as HTTP basic
 * authentication and never appear in messages.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { basicCredentialForms, redact } from './redact';

export interface OrthancConnection {
  /** Base URL, e.g. `http://127.0.0.1:8042` (a path prefix is kept: `https://h/orthanc`). */
  url: string;
  username?: string;
  password?: string;
  /** PEM CA certificate(s) trusted for https, in addition to none: with `ca` only these are trusted. */
  ca?: string | Buffer;
  /** Limit for each request (connect, send, answer), milliseconds. Default 15000. */
  timeoutMs?: number;
}

/** An HTTP answer other than 2xx, or a request that could not complete. */
export class OrthancHttpError extends Error {
  constructor(
    message: string,
    /** HTTP status, or undefined when no answer came (refused, reset, timeout, aborted). */
    readonly status: number | undefined,
    readonly method: string,
    readonly path: string,
    /** Node's error code for network failures (ECONNREFUSED, ETIMEDOUT, ...). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'OrthancHttpError';
  }
}

export type ModalityConfig = Record<string, unknown>;

export interface OrthancSystem {
  Name?: string;
  DicomAet?: string;
  DicomPort?: number;
  Version?: string;
  ApiVersion?: number;
}

export class OrthancClient {
  private readonly base: URL;

  constructor(private readonly conn: OrthancConnection) {
    let u: URL;
    try {
      u = new URL(conn.url);
    } catch {
      throw new Error(`"${conn.url}" is not a URL (expected e.g. http://127.0.0.1:8042)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`"${conn.url}": Orthanc is reached over http or https, not ${u.protocol}`);
    if (u.username || u.password) throw new Error('credentials may not be written in the URL; give them separately');
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    this.base = u;
  }

  /** The base URL without credentials, for messages and as the key of stored credentials. */
  get url(): string {
    return this.base.toString().replace(/\/$/, '');
  }

  system(signal?: AbortSignal): Promise<OrthancSystem> {
    return this.request('GET', 'system', undefined, signal) as Promise<OrthancSystem>;
  }

  /** Every modality with its full configuration. */
  async modalities(signal?: AbortSignal): Promise<Record<string, ModalityConfig>> {
    const answer = await this.request('GET', 'modalities?expand', undefined, signal);
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
      throw new OrthancHttpError(`GET /modalities?expand: expected a JSON object, got ${Array.isArray(answer) ? 'an array' : typeof answer}`, 200, 'GET', '/modalities?expand');
    }
    return answer as Record<string, ModalityConfig>;
  }

  async putModality(name: string, config: ModalityConfig, signal?: AbortSignal): Promise<void> {
    await this.request('PUT', `modalities/${encodeURIComponent(name)}`, config, signal);
  }

  async deleteModality(name: string, signal?: AbortSignal): Promise<void> {
    await this.request('DELETE', `modalities/${encodeURIComponent(name)}`, undefined, signal);
  }

  /** One request; resolves with the parsed JSON answer (undefined for an empty body). */
  request(method: string, relPath: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const target = new URL(relPath, this.base);
    const shownPath = target.pathname + target.search;
    const timeoutMs = this.conn.timeoutMs ?? 15000;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    if (this.conn.username !== undefined) {
      headers.Authorization = 'Basic ' + Buffer.from(`${this.conn.username}:${this.conn.password ?? ''}`).toString('base64');
    }
    // Whatever the server sends back is shown: never the credentials it may echo.
    const secrets = this.conn.username !== undefined ? basicCredentialForms(this.conn.username, this.conn.password ?? '') : [];
    const fail = (message: string, status?: number, code?: string): OrthancHttpError =>
      new OrthancHttpError(redact(`${method} ${shownPath}: ${message}`, secrets), status, method, shownPath, code);

    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(fail('cancelled', undefined, 'ABORT_ERR'));
      let settled = false;
      const done = (error: Error | undefined, value?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(value);
      };
      const options: https.RequestOptions = {
        method,
        headers,
        // A fresh connection per request: a killed server must not leave us a dead keep-alive socket.
        agent: false,
      };
      if (target.protocol === 'https:') {
        options.rejectUnauthorized = true;
        if (this.conn.ca !== undefined) options.ca = this.conn.ca;
      }
      const req = (target.protocol === 'https:' ? https : http).request(target, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => done(fail(`answer interrupted (${e.message})`, res.statusCode)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) return done(fail(describeStatus(status, text), status));
          if (text.trim() === '') return done(undefined, undefined);
          try {
            done(undefined, JSON.parse(text));
          } catch {
            done(fail(`HTTP ${status} but the answer is not JSON: ${snippet(text)}`, status));
          }
        });
      });
      const timer = setTimeout(() => {
        req.destroy();
        done(fail(`no answer within ${timeoutMs} ms`, undefined, 'ETIMEDOUT'));
      }, timeoutMs);
      const onAbort = (): void => {
        req.destroy();
        done(fail('cancelled', undefined, 'ABORT_ERR'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => done(fail(networkMessage(e, this.url), undefined, e.code)));
      req.end(payload);
    });
  }
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? t.slice(0, 200) + '…' : t || '(empty)';
}

/** "HTTP 400 Bad Request: Bad file format (Only alphanumeric ...)" from Orthanc's error JSON. */
function describeStatus(status: number, text: string): string {
  const reason = http.STATUS_CODES[status] ?? '';
  let detail = '';
  try {
    const j = JSON.parse(text) as { Message?: string; Details?: string; OrthancError?: string };
    const parts = [j.Message ?? j.OrthancError, j.Details].filter((x): x is string => typeof x === 'string' && x !== '');
    detail = parts.join(': ');
  } catch {
    detail = text.trim() ? snippet(text) : '';
  }
  let hint = '';
  if (status === 401) hint = ' — the user name or password was refused (check the stored credentials)';
  else if (status === 403) hint = ' — this user may not do that';
  return `HTTP ${status}${reason ? ' ' + reason : ''}${detail ? ': ' + detail : ''}${hint}`;
}

function networkMessage(e: NodeJS.ErrnoException, url: string): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${url} (is Orthanc running?)`;
    case 'ECONNRESET':
      return `connection reset by ${url} (the server closed it mid-request)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host of ${url} not found`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the TLS certificate of ${url} is not trusted (${e.code}: ${e.message}); for a private CA give its PEM file (setting pacsWorkbench.deploy.caFile, or --ca)`;
    default:
      return `${e.code ?? 'network error'}: ${e.message}`;
  }
}
