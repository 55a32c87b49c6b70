/**
 * Deploy from the command palette: Deploy to Server..., Deploy All, Dry Run, Import from
 * Server, Forget Deploy Credentials. The flow is core/src/deploy (the same as `pacsw deploy`):
 * this module picks the file, shows the plan (a document beside the editor and a modal
 * confirmation), reports progress with cancellation, asks for credentials once and keeps them
 * in SecretStorage, and offers the other servers of a Parent/Child hierarchy afterwards.
 * Nothing here runs in an untrusted workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { deploy, type DeployReport, type TargetPlan } from '../../../../core/src/deploy/deploy';
import { writeFileAtomic } from '../../../../core/src/deploy/exportFolder';
import { importFromOrthanc } from '../../../../core/src/deploy/import';
import { OrthancHttpError } from '../../../../core/src/deploy/orthancClient';
import { confirmQuestion, formatDeployReport, formatPlan, planCounts } from '../../../../core/src/deploy/report';
import { validateDeviceText } from '../../../../core/src/devices';
import type { PathPolicy } from '../../../../core/src/devices/references';
import { repositoryOf } from '../../../../core/src/files/referencedFiles';
import { requireTrust } from '../../trust';
import type { Feature } from '../feature';
import { DeployCredentials } from './credentials';
import { PlanDocuments } from './planDocument';
import { COMMANDS, NAMESPACE, settingId, SETTINGS } from '../../../../core/src/contributes';

export const CA_SETTING = SETTINGS.deployCaFile;

/**
 * Second argument of the commands, for scripts and tests: `confirm: false` applies without the
 * modal question (the plan document is still shown); import takes its URL and file instead of
 * asking. The commands resolve to their DeployReport / import result.
 */
export interface DeployCommandOptions {
  confirm?: boolean;
  url?: string;
  out?: string;
}

interface Deps {
  creds: DeployCredentials;
  plans: PlanDocuments;
  log: vscode.OutputChannel;
  snapshotDir: string;
}

export const deployFeature: Feature = {
  name: 'deploy',
  register(context) {
    const deps: Deps = {
      creds: new DeployCredentials(context.secrets, context.globalState),
      plans: new PlanDocuments(),
      log: vscode.window.createOutputChannel('PACS Deploy'),
      snapshotDir: path.join(context.globalStorageUri.fsPath, 'deploy-snapshots'),
    };
    context.subscriptions.push(
      deps.plans,
      deps.log,
      vscode.commands.registerCommand(COMMANDS.deploy.toServer, (uri?: vscode.Uri, o?: DeployCommandOptions) => guarded('Deploy to Server', () => deployOne(deps, uri, false, o))),
      vscode.commands.registerCommand(COMMANDS.deploy.dryRun, (uri?: vscode.Uri) => guarded('Deploy Dry Run', () => deployOne(deps, uri, true))),
      vscode.commands.registerCommand(COMMANDS.deploy.deployAll, () => guarded('Deploy All', () => deployAll(deps))),
      vscode.commands.registerCommand(COMMANDS.deploy.import, (o?: DeployCommandOptions) => guarded('Import from Server', () => importServer(deps, o))),
      vscode.commands.registerCommand(COMMANDS.deploy.forgetCredentials, () => forgetCredentials(deps)),
    );
  },
};

/** Where paths in the deployed .pacs file may lead: the workspace folders and its repository, unless the setting allows any. */
function workspacePathPolicy(file: string): PathPolicy {
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  const repository = repositoryOf(file);
  return {
    roots: [...folders, ...(repository ? [repository] : []), ...(folders.length || repository ? [] : [path.dirname(file)])],
    allowOutside: vscode.workspace.getConfiguration(NAMESPACE).get<boolean>(SETTINGS.allowPathsOutsideWorkspace, false),
    allowHint: `the setting ${settingId(SETTINGS.allowPathsOutsideWorkspace)}`,
  };
}

async function guarded<T>(action: string, run: () => Promise<T>): Promise<T | undefined> {
  if (!requireTrust(action)) return undefined;
  try {
    return await run();
  } catch (e) {
    void vscode.window.showErrorMessage(`PACS Workbench: ${action}: ${(e as Error).message}`);
    return undefined;
  }
}

function caFromSettings(): Buffer | undefined {
  const file = vscode.workspace.getConfiguration(NAMESPACE).get<string>(CA_SETTING, '').trim();
  if (!file) return undefined;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const full = path.resolve(base, file);
  try {
    return fs.readFileSync(full);
  } catch (e) {
    throw new Error(`cannot read the CA file ${full} (setting ${settingId(CA_SETTING)}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function pacsFiles(): Promise<vscode.Uri[]> {
  return (await vscode.workspace.findFiles('**/*.pacs', '**/node_modules/**')).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/** The given file, the active .pacs editor, or one picked from the workspace's .pacs files. */
async function pickFile(uri?: vscode.Uri): Promise<string | undefined> {
  if (uri instanceof vscode.Uri && uri.fsPath.endsWith('.pacs')) return uri.fsPath;
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && active.uri.fsPath.endsWith('.pacs')) return active.uri.fsPath;
  const files = await pacsFiles();
  if (files.length === 0) {
    void vscode.window.showWarningMessage('PACS Workbench: there is no device table (*.pacs) in this workspace to deploy.');
    return undefined;
  }
  if (files.length === 1) return files[0].fsPath;
  const pick = await vscode.window.showQuickPick(
    files.map((f) => ({ label: path.basename(f.fsPath), description: vscode.workspace.asRelativePath(f), file: f.fsPath })),
    { title: 'Deploy which device table?' },
  );
  return pick?.file;
}

/** The editor's text when it has unsaved changes (what the user sees is what is deployed). */
function unsavedText(file: string): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  return doc?.isDirty ? doc.getText() : undefined;
}

async function deployOne(deps: Deps, uri: vscode.Uri | undefined, dryRun: boolean, o: DeployCommandOptions = {}): Promise<DeployReport | undefined> {
  const file = await pickFile(uri);
  if (!file) return undefined;
  const report = await runDeploy(deps, file, dryRun, o.confirm !== false);
  // Offered without waiting: a script (or test) gets its report now, a person sees the offer.
  if (report) void offerHierarchy(deps, report);
  return report;
}

async function deployAll(deps: Deps): Promise<void> {
  const files = await pacsFiles();
  for (const f of files) {
    const report = await runDeploy(deps, f.fsPath, false);
    if (!report || !report.ok) return; // stop at the first that did not come out clean
  }
}

/** One deploy of `file` with progress, cancellation and confirmation; asks for credentials on 401 and retries once. */
async function runDeploy(deps: Deps, file: string, dryRun: boolean, ask = true): Promise<DeployReport | undefined> {
  const ca = caFromSettings();
  const name = path.basename(file);
  const run = (): Thenable<DeployReport> =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${dryRun ? 'Dry run' : 'Deploying'} ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await deploy({
            file,
            paths: workspacePathPolicy(file),
            text: unsavedText(file),
            dryRun,
            ca,
            signal: abort.signal,
            snapshotDir: deps.snapshotDir,
            credentials: (url) => deps.creds.get(url),
            progress: (e) => progress.report({ message: e.done !== undefined ? `${e.message} (${e.done + 1}/${e.total})` : e.message }),
            confirm: (plans) => (ask ? confirm(deps, file, plans) : deps.plans.showPlans(file, plans).then(() => true)),
          });
        } finally {
          sub.dispose();
        }
      },
    );

  let report = await run();
  const refused = report.targets.filter((t) => t.kind === 'orthanc' && /HTTP 401/.test(t.error ?? '') && t.applied.length === 0);
  if (refused.length > 0) {
    // 401 comes from the first read, before anything was written: asking and running again is safe.
    let asked = true;
    for (const t of refused) if (!(await deps.creds.prompt(t.target, 'The server refused the request (HTTP 401).'))) asked = false;
    if (asked) report = await run();
  }
  deps.log.appendLine(`---- ${new Date().toISOString()} ${dryRun ? 'dry run' : 'deploy'} ${file}`);
  for (const l of formatDeployReport(report)) deps.log.appendLine(l);
  // A dry run asks nothing, so its plan is shown here; a deploy showed it with the confirmation.
  if (dryRun && report.targets.some((t) => t.read)) await deps.plans.showPlans(file, report.targets);
  await deps.plans.showReport(report);
  if (report.blocked.length) {
    void vscode.window.showErrorMessage(`Deploy of ${name} blocked: ${report.blocked.length} error(s) in the device table or its rules (see the Problems view).`);
  } else if (!report.ok) {
    const lost = report.targets.find((t) => t.rollback && !t.rollback.ok);
    const msg = lost
      ? `Deploy of ${name} FAILED and the rollback could not be confirmed on ${lost.target}; the previous state is saved in ${lost.snapshotFile}. See the report.`
      : `Deploy of ${name} failed: ${report.targets.find((t) => t.error)?.error ?? 'see the report'}`;
    void vscode.window.showErrorMessage(msg, 'Show Log').then((c) => c && deps.log.show());
  } else if (dryRun) {
    void vscode.window.showInformationMessage(`Dry run of ${name}: ${report.targets.map((t) => `${t.kind} ${t.target}: ${planCounts([t])}`).join('; ')}. Nothing was changed.`);
  } else if (report.targets.every((t) => t.outcome === 'unchanged' || t.outcome === 'declined')) {
    if (report.targets.some((t) => t.outcome === 'unchanged') && !report.targets.some((t) => t.outcome === 'declined')) {
      void vscode.window.showInformationMessage(`${name}: the servers already hold this table; nothing to deploy.`);
    }
  } else {
    void vscode.window.showInformationMessage(`Deployed ${name}: ${planCounts(report.targets.filter((t) => t.outcome === 'applied'))}, read back and verified.`);
  }
  return report;
}

async function confirm(deps: Deps, file: string, plans: TargetPlan[]): Promise<boolean> {
  await deps.plans.showPlans(file, plans);
  // The same counts, in the same words, as the plan and the report: changes (items) and operations (writes).
  const detail = plans.flatMap((p) => formatPlan(p, false)).slice(0, 40).join('\n');
  const choice = await vscode.window.showWarningMessage(
    confirmQuestion(file, plans),
    { modal: true, detail },
    'Apply',
  );
  return choice === 'Apply';
}

/** eRAD wants a Parent/Child change made on every server of the hierarchy: offer them. */
async function offerHierarchy(deps: Deps, report: DeployReport): Promise<void> {
  if (report.dryRun || !report.ok || report.hierarchy.length === 0) return;
  const names = report.hierarchy.map((h) => path.basename(h)).join(', ');
  const choice = await vscode.window.showInformationMessage(
    `A Parent/Child row changed on ${report.server}. eRAD wants the change on every server of the hierarchy: deploy ${names} too?`,
    'Deploy Them',
  );
  if (choice !== 'Deploy Them') return;
  for (const h of report.hierarchy) {
    const r = await runDeploy(deps, h, false);
    if (!r || !r.ok) return;
  }
}

async function importServer(deps: Deps, o: DeployCommandOptions = {}): Promise<{ file: string; server: string; devices: number } | undefined> {
  const url = o.url ?? await vscode.window.showInputBox({
    title: 'Import from Orthanc',
    prompt: 'URL of the Orthanc REST API (no user name or password in it)',
    value: activeOrthancTarget() ?? 'http://127.0.0.1:8042',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        const u = new URL(v);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'an http or https URL';
        if (u.username || u.password) return 'credentials are asked for separately and kept in secret storage';
        return undefined;
      } catch {
        return 'not a URL';
      }
    },
  });
  if (!url) return undefined;
  const key = url.replace(/\/+$/, '');
  const ca = caFromSettings();
  const attempt = async (): Promise<Awaited<ReturnType<typeof importFromOrthanc>>> => {
    const c = await deps.creds.get(key);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading ${key}`, cancellable: true },
      (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return importFromOrthanc({ url, username: c?.username, password: c?.password, ca }, abort.signal);
      },
    );
  };
  let result;
  try {
    result = await attempt();
  } catch (e) {
    if (!(e instanceof OrthancHttpError && e.status === 401)) throw e;
    if (!(await deps.creds.prompt(key, 'The server refused the request (HTTP 401).'))) return undefined;
    result = await attempt();
  }
  const folder = await deviceTableFolder();
  const target = o.out ? vscode.Uri.file(o.out) : await vscode.window.showSaveDialog({
    title: `Save the device table imported from ${key}`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${result.server.replace(/[^A-Za-z0-9_.-]/g, '_')}.pacs`) : undefined,
    filters: { 'Device tables': ['pacs'] },
  });
  if (!target) return undefined;
  writeFileAtomic(target.fsPath, result.text);
  await vscode.window.showTextDocument(target);
  void vscode.window.showInformationMessage(`Imported ${result.devices} device(s) of ${result.server} from ${key}.`);
  return { file: target.fsPath, server: result.server, devices: result.devices };
}

/** The Orthanc deploy target of the active .pacs editor: importing it back is the usual wish. */
function activeOrthancTarget(): string | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (!active || !active.uri.path.endsWith('.pacs')) return undefined;
  return validateDeviceText(active.getText()).table.server?.deploy.find((d) => d.kind === 'orthanc')?.target;
}

/** Where an imported table goes: beside the active .pacs file, else beside the workspace's others. */
async function deviceTableFolder(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && active.path.endsWith('.pacs')) return vscode.Uri.joinPath(active, '..');
  const [first] = await pacsFiles();
  return first ? vscode.Uri.joinPath(first, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
}

async function forgetCredentials(deps: Deps): Promise<void> {
  const urls = deps.creds.urls();
  if (urls.length === 0) {
    void vscode.window.showInformationMessage('PACS Workbench: no deploy credentials are stored.');
    return;
  }
  const pick = await vscode.window.showQuickPick(urls, { title: 'Forget the stored credentials of which server?' });
  if (!pick) return;
  await deps.creds.forget(pick);
  void vscode.window.showInformationMessage(`Forgot the credentials for ${pick}.`);
}
