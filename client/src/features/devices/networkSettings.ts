/**
 * Settings that bound the device checks (timeout, concurrency) and the TLS material for
 * devices with a TLS port. The TLS client key's passphrase lives in SecretStorage only, never
 * in settings or files.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_NETWORK_TIMEOUT_MS, loadTlsOptions, type TlsOptions } from '../../../../core/src/net';
import { NAMESPACE, SETTINGS } from '../../../../core/src/contributes';

export const TIMEOUT_SETTING = SETTINGS.networkTimeoutMs;
export const CONCURRENCY_SETTING = SETTINGS.networkConcurrency;
export const TLS_CA_SETTING = SETTINGS.tlsCaFile;
export const TLS_CERT_SETTING = SETTINGS.tlsCertFile;
export const TLS_KEY_SETTING = SETTINGS.tlsKeyFile;
export const PASSPHRASE_SECRET = `${NAMESPACE}.network.tlsKeyPassphrase`;

export interface NetworkSettings {
  timeoutMs: number;
  concurrency: number;
}

export function networkSettings(): NetworkSettings {
  const config = vscode.workspace.getConfiguration(NAMESPACE);
  return {
    timeoutMs: clampInt(config.get<number>(TIMEOUT_SETTING), 100, 600_000, DEFAULT_NETWORK_TIMEOUT_MS),
    concurrency: clampInt(config.get<number>(CONCURRENCY_SETTING), 1, 64, 4),
  };
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/**
 * TLS options from the settings (paths relative to the first workspace folder). Throws with a
 * plain message when a file cannot be read or the key needs a passphrase that is not stored.
 */
export async function tlsOptions(secrets: vscode.SecretStorage): Promise<TlsOptions> {
  const config = vscode.workspace.getConfiguration(NAMESPACE);
  const file = (key: string) => {
    const value = config.get<string>(key)?.trim();
    if (!value) return undefined;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return path.isAbsolute(value) || !base ? value : path.join(base, value);
  };
  const options = loadTlsOptions({ caFile: file(TLS_CA_SETTING), certFile: file(TLS_CERT_SETTING), keyFile: file(TLS_KEY_SETTING) });
  if (options.key) options.key = await decryptedKey(options.key, secrets);
  return options;
}

/** The key in clear PEM, decrypted in memory with the stored passphrase when it is encrypted. */
async function decryptedKey(key: string | Buffer, secrets: vscode.SecretStorage): Promise<string | Buffer> {
  try {
    crypto.createPrivateKey({ key, format: 'pem' });
    return key;
  } catch {
    // Encrypted (or not a key at all): try the passphrase.
  }
  const passphrase = await secrets.get(PASSPHRASE_SECRET);
  if (!passphrase) {
    throw new Error('the TLS client key is encrypted: store its passphrase with "PACS Devices: Set TLS Key Passphrase"');
  }
  try {
    return crypto.createPrivateKey({ key, format: 'pem', passphrase }).export({ format: 'pem', type: 'pkcs8' });
  } catch (e) {
    throw new Error(`cannot read the TLS client key with the stored passphrase: ${(e as Error).message}`);
  }
}
