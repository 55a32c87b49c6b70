/**
 * The committed version of a rule file, through VS Code's built-in Git extension (its API, not
 * a git process of ours), and which rule files have uncommitted changes: the context key
 * `pacsWorkbench.rulesChangedSinceHead` (a list of URIs) offers *Compare Rule Effect with HEAD*
 * on exactly those files (`resource in pacsWorkbench.rulesChangedSinceHead`).
 */
import * as vscode from 'vscode';
import { NAMESPACE } from '../../../../core/src/contributes';

export const CHANGED_RULES_CONTEXT = `${NAMESPACE}.rulesChangedSinceHead`;
const RULE_FILE = /\.coerce$/i;

/** The part of the Git extension's API (extensions/git/src/api/git.d.ts, version 1) used here. */
interface GitChange {
  readonly uri: vscode.Uri;
  readonly status: number;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD?: { readonly commit?: string };
    readonly workingTreeChanges: readonly GitChange[];
    readonly indexChanges: readonly GitChange[];
    readonly onDidChange: vscode.Event<void>;
  };
  show(ref: string, path: string): Promise<string>;
}
interface GitApi {
  readonly repositories: readonly GitRepository[];
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
  readonly onDidCloseRepository: vscode.Event<GitRepository>;
  getRepository(uri: vscode.Uri): GitRepository | null;
}
interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** Status values of a change that has no version at HEAD (git.d.ts `Status`). */
const NOT_AT_HEAD = new Set([1 /* INDEX_ADDED */, 7 /* UNTRACKED */, 8 /* IGNORED */, 9 /* INTENT_TO_ADD */]);

/** Why there is no committed version to compare with, worded for the user. */
export class NoCommittedVersion extends Error {}

async function gitApi(): Promise<GitApi> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) throw new NoCommittedVersion('the built-in Git extension (vscode.git) is not installed or is disabled: enable it in the Extensions view.');
  const exports = extension.isActive ? extension.exports : await extension.activate();
  if (!exports.enabled) throw new NoCommittedVersion('Git is turned off (setting git.enabled): turn it on to compare with HEAD.');
  return exports.getAPI(1);
}

export interface CommittedVersion {
  text: string;
  /** The commit HEAD names now; a different one later means the text must be read again. */
  commit?: string;
  repository: GitRepository;
}

/** The rule file's text at HEAD; NoCommittedVersion says why there is none. */
export async function committedVersion(uri: vscode.Uri): Promise<CommittedVersion> {
  const api = await gitApi();
  const repository = api.getRepository(uri);
  const name = vscode.workspace.asRelativePath(uri);
  if (!repository) throw new NoCommittedVersion(`${name} is not in a Git repository that VS Code has open, so it has no committed version.`);
  const commit = repository.state.HEAD?.commit;
  try {
    return { text: await repository.show('HEAD', uri.fsPath), commit, repository };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new NoCommittedVersion(`${name} has no committed version at HEAD (is it a new file?): ${reason}`);
  }
}

/** Keeps CHANGED_RULES_CONTEXT current: rule files changed in the working tree or index, or edited and not saved. */
export class ChangedRuleFiles implements vscode.Disposable {
  private api: GitApi | undefined;
  private current: string[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly perRepository = new Map<GitRepository, vscode.Disposable>();

  constructor() {
    const refresh = (document: vscode.TextDocument) => {
      if (RULE_FILE.test(document.uri.path)) this.refresh();
    };
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
      vscode.workspace.onDidSaveTextDocument(refresh),
      vscode.workspace.onDidCloseTextDocument(refresh),
    );
    // In the background: activation never waits for Git to start.
    void gitApi().then((api) => this.attach(api), () => undefined);
  }

  /** URIs (as strings) of the rule files with uncommitted changes. */
  get files(): readonly string[] {
    return this.current;
  }

  private attach(api: GitApi): void {
    this.api = api;
    for (const repository of api.repositories) this.watch(repository);
    this.subscriptions.push(
      api.onDidOpenRepository((repository) => this.watch(repository)),
      api.onDidCloseRepository((repository) => {
        this.perRepository.get(repository)?.dispose();
        this.perRepository.delete(repository);
        this.refresh();
      }),
    );
    this.refresh();
  }

  private watch(repository: GitRepository): void {
    if (this.perRepository.has(repository)) return;
    this.perRepository.set(repository, repository.state.onDidChange(() => this.refresh()));
    this.refresh();
  }

  private refresh(): void {
    const api = this.api;
    if (!api) return;
    const files = new Set<string>();
    for (const repository of api.repositories) {
      for (const change of [...repository.state.workingTreeChanges, ...repository.state.indexChanges]) {
        if (RULE_FILE.test(change.uri.path) && !NOT_AT_HEAD.has(change.status)) files.add(change.uri.toString());
      }
    }
    // An unsaved edit is an uncommitted change too.
    for (const document of vscode.workspace.textDocuments) {
      if (document.isDirty && RULE_FILE.test(document.uri.path) && api.getRepository(document.uri)) files.add(document.uri.toString());
    }
    const next = [...files].sort();
    if (next.join('\n') === this.current.join('\n')) return;
    this.current = next;
    void vscode.commands.executeCommand('setContext', CHANGED_RULES_CONTEXT, next);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const d of this.perRepository.values()) d.dispose();
  }
}
