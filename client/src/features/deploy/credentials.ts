/**
 * Orthanc credentials in VS Code's SecretStorage, keyed by server URL: asked for once (after the
 * server answers 401), never written to settings or files. The list of URLs with stored
 * credentials is kept (without the secrets) so that "Forget Deploy Credentials" can offer them.
 */
import * as vscode from 'vscode';
import type { Credentials } from '../../../../core/src/deploy/target';
import { NAMESPACE } from '../../../../core/src/contributes';

const KEY_PREFIX = `${NAMESPACE}.deploy.credentials:`;
const INDEX_KEY = `${NAMESPACE}.deploy.credentialUrls`;

export class DeployCredentials {
  constructor(private readonly secrets: vscode.SecretStorage, private readonly state: vscode.Memento) {}

  async get(url: string): Promise<Credentials | undefined> {
    const raw = await this.secrets.get(KEY_PREFIX + url);
    if (!raw) return undefined;
    try {
      const c = JSON.parse(raw) as Credentials;
      return typeof c.username === 'string' && typeof c.password === 'string' ? c : undefined;
    } catch {
      return undefined;
    }
  }

  /** Asks for a user name and password for `url` and stores them; undefined when dismissed. */
  async prompt(url: string, why: string): Promise<Credentials | undefined> {
    const username = await vscode.window.showInputBox({
      title: `Orthanc credentials for ${url}`,
      prompt: `${why} User name (kept in VS Code's secret storage):`,
      ignoreFocusOut: true,
    });
    if (username === undefined) return undefined;
    const password = await vscode.window.showInputBox({
      title: `Orthanc credentials for ${url}`,
      prompt: `Password for ${username}:`,
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return undefined;
    const c = { username, password };
    await this.secrets.store(KEY_PREFIX + url, JSON.stringify(c));
    const urls = new Set(this.urls());
    urls.add(url);
    await this.state.update(INDEX_KEY, [...urls]);
    return c;
  }

  urls(): string[] {
    return this.state.get<string[]>(INDEX_KEY, []);
  }

  async forget(url: string): Promise<void> {
    await this.secrets.delete(KEY_PREFIX + url);
    await this.state.update(INDEX_KEY, this.urls().filter((u) => u !== url));
  }
}
