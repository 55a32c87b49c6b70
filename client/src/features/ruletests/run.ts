/**
 * Running rule tests from the Test Explorer, the gutter or continuous run: the core runner
 * (core/src/dicom/ruleTests.ts) in the extension host, results as test messages at the failing
 * line (a diff for expected/actual and snapshots), rule coverage through the Testing API.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readFromDisk, runRuleTestFile, type RuleTestFileResult } from '../../../../core/src/dicom/ruleTests';
import { RuleCoverage, stateOf } from '../../../../core/src/ruletest/coverage';
import type { RuleTestTree } from './discovery';

/** What the last run did, for the test hook and the e2e tests. */
export interface RunSummary {
  passed: string[];
  failed: Array<{ id: string; messages: Array<{ message: string; line?: number; expected?: string; actual?: string }> }>;
  coverage?: Array<{ file: string; lines: Array<{ line: number; state: string }> }>;
  snapshotsWritten: string[];
}

export interface RunOptions {
  update?: boolean;
  coverage?: boolean;
}

const range = (r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range =>
  new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/** Open editors win over the disk, so an unsaved edit of a test or a rule file is what runs. */
const readText = (abs: string): string | undefined =>
  vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === abs)?.getText() ?? readFromDisk(abs);

/** Coverage details per rule file of the last coverage run, for loadDetailedCoverage. */
export const coverageDetails = new WeakMap<vscode.FileCoverage, vscode.FileCoverageDetail[]>();

export function runRuleTests(
  controller: vscode.TestController,
  tree: RuleTestTree,
  request: vscode.TestRunRequest,
  token: vscode.CancellationToken,
  options: RunOptions,
): RunSummary {
  const run = controller.createTestRun(request);
  const summary: RunSummary = { passed: [], failed: [], snapshotsWritten: [] };
  const coverage = options.coverage ? new RuleCoverage() : undefined;

  // Which cases of which files: the request's items (all files when it names none).
  const selected = new Map<string, { uri: vscode.Uri; fileItem: vscode.TestItem; cases?: Set<string> }>();
  const requested = request.include ?? [...iterate(controller.items)];
  for (const item of requested) {
    const info = tree.info.get(item);
    if (!info || request.exclude?.includes(item)) continue;
    const fileItem = controller.items.get(info.file.toString());
    if (!fileItem) continue;
    const entry = selected.get(info.file.toString()) ?? { uri: info.file, fileItem, cases: new Set<string>() };
    if (info.caseName === undefined) entry.cases = undefined;
    else entry.cases?.add(info.caseName);
    selected.set(info.file.toString(), entry);
  }

  for (const { uri, fileItem, cases } of selected.values()) {
    if (token.isCancellationRequested) break;
    const items = [...iterate(fileItem.children)].filter((c) => !cases || cases.has(tree.info.get(c)!.caseName!));
    const excluded = new Set(request.exclude ?? []);
    for (const item of items) if (!excluded.has(item)) run.started(item);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    let result: RuleTestFileResult;
    try {
      result = runRuleTestFile(uri.fsPath, { update: options.update, coverage, readText, root: folder?.uri.fsPath, only: cases });
    } catch (error) {
      // A bug of ours: the file's cases are errored, the rest of the run goes on.
      for (const item of items) run.errored(item, new vscode.TestMessage(`internal error (please report): ${(error as Error).stack ?? String(error)}`));
      continue;
    }
    if (result.snapshotsWritten) summary.snapshotsWritten.push(result.snapshotsWritten);
    if (result.cases.length === 0 && result.errors.length > 0) {
      const messages = result.errors.map((e) => message(e.message, uri, e.range));
      run.errored(fileItem, messages);
      summary.failed.push({ id: fileItem.id, messages: result.errors.map((e) => ({ message: e.message, line: e.range.start.line })) });
    }
    for (const c of result.cases) {
      const item = items.find((i) => tree.info.get(i)?.caseName === c.name);
      if (!item || excluded.has(item)) continue;
      if (c.passed) {
        run.passed(item);
        summary.passed.push(item.id);
        continue;
      }
      const messages = c.failures.map((f) => {
        const m = f.expected !== undefined || f.snapshot
          ? vscode.TestMessage.diff(f.message, f.expected ?? '', f.actual ?? '')
          : new vscode.TestMessage(f.message);
        m.location = new vscode.Location(uri, range(f.range));
        return m;
      });
      run.failed(item, messages);
      summary.failed.push({ id: item.id, messages: c.failures.map((f) => ({ message: f.message, line: f.range.start.line, expected: f.expected, actual: f.actual })) });
    }
  }

  if (coverage) {
    summary.coverage = [];
    for (const { uri: file, lines } of coverage.entries()) {
      const details = lines.map((l) => {
        const where = new vscode.Range(l.line, 0, l.line, Number.MAX_SAFE_INTEGER);
        // Ran how often; the branch says whether it ever assigned.
        return new vscode.StatementCoverage(l.ran, where, l.ran > 0 ? [new vscode.BranchCoverage(l.assigned, where, `assigned in ${l.assigned} of ${l.ran} runs`)] : []);
      });
      const fileCoverage = vscode.FileCoverage.fromDetails(vscode.Uri.file(file), details);
      coverageDetails.set(fileCoverage, details);
      run.addCoverage(fileCoverage);
      summary.coverage.push({ file, lines: lines.map((l) => ({ line: l.line, state: stateOf(l) })) });
    }
  }
  run.end();
  return summary;
}

function message(text: string, uri: vscode.Uri, r: Parameters<typeof range>[0]): vscode.TestMessage {
  const m = new vscode.TestMessage(text);
  m.location = new vscode.Location(uri, range(r));
  return m;
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  const items: vscode.TestItem[] = [];
  collection.forEach((item) => items.push(item));
  yield* items;
}
