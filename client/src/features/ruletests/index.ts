/**
 * Rule tests in VS Code's Testing API: the Test Explorer lists the workspace's `*.coerce-test`
 * files and their cases; they run from the explorer or the gutter, on save when continuous run
 * is on, with coverage of the rule lines, or with snapshots updated. Nothing goes to the
 * network, so this works in untrusted workspaces too.
 */
import * as vscode from 'vscode';
import type { Feature } from '../feature';
import { RuleTestTree } from './discovery';
import { coverageDetails, runRuleTests, type RunOptions, type RunSummary } from './run';
import { INTERNAL_COMMANDS, NAMESPACE } from '../../../../core/src/contributes';

export const CONTROLLER_ID = `${NAMESPACE}.ruleTests`;
/** Test hook: the summary of the last run (`{ after: n }` waits for run number n). */
export const LAST_RUN_COMMAND = INTERNAL_COMMANDS.ruleTestsLastRun;

/** Files whose saving can change a test's result. */
const AFFECTS_TESTS = /\.(coerce-test|coerce|pacs|dcm|json)$/i;

export function register(context: vscode.ExtensionContext): void {
  const controller = vscode.tests.createTestController(CONTROLLER_ID, 'PACS Rule Tests');
  const tree = new RuleTestTree(controller);
  let runs = 0;
  let last: RunSummary | undefined;
  const finished = new vscode.EventEmitter<void>();
  context.subscriptions.push(controller, tree, finished);

  controller.resolveHandler = async (item) => {
    if (!item) await tree.discover();
  };
  controller.refreshHandler = () => tree.discover();

  const execute = (request: vscode.TestRunRequest, token: vscode.CancellationToken, options: RunOptions): void => {
    last = runRuleTests(controller, tree, request, token, options);
    runs++;
    finished.fire();
  };

  const handler = (options: RunOptions) => (request: vscode.TestRunRequest, token: vscode.CancellationToken): void => {
    if (!request.continuous) return execute(request, token, options);
    // Continuous run: again whenever a test, a rule file, a device table or a sample is saved.
    const onSave = vscode.workspace.onDidSaveTextDocument(async (doc) => {
      if (!AFFECTS_TESTS.test(doc.uri.path)) return;
      let include = request.include;
      if (doc.uri.path.endsWith('.coerce-test')) {
        // A saved test file: its own cases (those the request names, or all of them).
        await tree.update(doc.uri, doc.getText());
        const fileItem = controller.items.get(doc.uri.toString());
        include = (request.include ?? (fileItem ? [fileItem] : [])).filter((i) => i.uri?.toString() === doc.uri.toString());
        if (include.length === 0) return;
      }
      if (!token.isCancellationRequested) execute(new vscode.TestRunRequest(include, request.exclude, request.profile), token, options);
    });
    token.onCancellationRequested(() => onSave.dispose());
  };

  controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, handler({}), true, undefined, true);
  const coverageProfile = controller.createRunProfile('Run with Rule Coverage', vscode.TestRunProfileKind.Coverage, handler({ coverage: true }), true, undefined, true);
  coverageProfile.loadDetailedCoverage = async (_run, fileCoverage) => coverageDetails.get(fileCoverage) ?? [];
  controller.createRunProfile('Update Snapshots', vscode.TestRunProfileKind.Run, handler({ update: true }), false);

  context.subscriptions.push(
    vscode.commands.registerCommand(LAST_RUN_COMMAND, async (options?: { after?: number; timeoutMs?: number }) => {
      const after = options?.after ?? 0;
      if (runs < after) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => (sub.dispose(), reject(new Error(`no rule-test run number ${after} within ${options?.timeoutMs ?? 60_000} ms (runs so far: ${runs})`))), options?.timeoutMs ?? 60_000);
          const sub = finished.event(() => {
            if (runs < after) return;
            clearTimeout(timer);
            sub.dispose();
            resolve();
          });
        });
      }
      return { runs, last, items: listItems(controller) };
    }),
  );
  // Discovery runs in the background: activation does not wait for a workspace search.
  void tree.discover();
}

/** The explorer's tree as ids with their ranges, for the test hook. */
function listItems(controller: vscode.TestController): Array<{ id: string; label: string; line?: number; children: Array<{ id: string; label: string; line?: number }> }> {
  const out: ReturnType<typeof listItems> = [];
  controller.items.forEach((file) => {
    const children: Array<{ id: string; label: string; line?: number }> = [];
    file.children.forEach((c) => children.push({ id: c.id, label: c.label, line: c.range?.start.line }));
    out.push({ id: file.id, label: file.label, children });
  });
  return out.sort((a, b) => (a.label < b.label ? -1 : 1));
}

export const ruleTestsFeature: Feature = { name: 'rule tests', register: (context) => register(context) };
