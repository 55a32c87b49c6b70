/**
 * Plain-text rendering of a deploy plan and report, shared by `pacsw deploy` and the editor's
 * plan document: what changes per target, what Orthanc cannot hold, the outcome, and after a
 * failure exactly which operations are done, unknown or not started.
 */
import { changeCount, changesText, formatDiff, itemLines } from './diff';
import type { DeployReport, TargetPlan, TargetReport } from './deploy';

/** The target and its difference; a target that could not be read has no counts, only its error. */
export function formatPlan(plan: TargetPlan, showUnchanged = true): string[] {
  const lines = [`${plan.kind} ${plan.target}`];
  if (!plan.read) return lines;
  for (const l of formatDiff(plan.diff, showUnchanged, plan.operations.length)) lines.push('  ' + l);
  return lines;
}

/** `11 changes (11 added, 0 changed, 0 removed) in 8 operations`, the same words everywhere. */
export function planCounts(plans: TargetPlan[]): string {
  const read = plans.filter((p) => p.read);
  const sum = (f: (p: TargetPlan) => number) => read.reduce((n, p) => n + f(p), 0);
  const changes = sum((p) => changeCount(p.diff));
  const ops = sum((p) => p.operations.length);
  return `${changes} change${changes === 1 ? '' : 's'} (${sum((p) => p.diff.added.length)} added, ${sum((p) => p.diff.changed.length)} changed, ` +
    `${sum((p) => p.diff.removed.length)} removed) in ${ops} operation${ops === 1 ? '' : 's'}`;
}

/** The confirmation's question: the counts of the plan, in its words. */
export function confirmQuestion(file: string, plans: TargetPlan[]): string {
  return `Apply ${planCounts(plans)} from ${file.replace(/^.*[\\/]/, '')} to ${plans.map((p) => p.target).join(', ')}?`;
}

/** Both sides of the plans as text, one entry a line, a section per target: for a diff editor. */
export function planSides(plans: TargetPlan[]): { current: string[]; desired: string[] } {
  const current: string[] = [];
  const desired: string[] = [];
  for (const p of plans) {
    const title = `# ${p.kind} ${p.target}`;
    current.push(title, ...(p.read ? itemLines(p.current ?? {}) : ['(could not be read)']), '');
    desired.push(title, ...itemLines(p.desired ?? {}), '');
  }
  return { current, desired };
}

const OUTCOME_TEXT: Record<TargetReport['outcome'], string> = {
  unchanged: 'no change needed: the server already holds the table',
  'dry-run': 'dry run: nothing was changed',
  applied: 'applied and verified',
  declined: 'not confirmed: nothing was changed',
  blocked: 'blocked: nothing was changed',
  cancelled: 'cancelled',
  failed: 'FAILED',
  'not-run': 'not run (an earlier target did not complete)',
};

export function formatTargetReport(r: TargetReport): string[] {
  const lines = formatPlan(r, false);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  if (r.operations.length && (r.outcome === 'dry-run' || r.outcome === 'declined')) {
    lines.push('  would run:');
    for (const o of r.operations) lines.push(`    ${o}`);
  }
  lines.push(`  result: ${OUTCOME_TEXT[r.outcome]}${r.outcome === 'applied' ? ` (${changesText(r.diff)} in ${r.applied.length} operation${r.applied.length === 1 ? '' : 's'})` : ''}`);
  if (r.error) lines.push(`  error: ${r.error}`);
  if (r.rollback) {
    if (r.rollback.ok) {
      lines.push(r.applied.length || r.inFlight ? '  rollback: done and verified: the server holds what it held before the deploy' : '  nothing had been written: the server is as before');
    } else {
      lines.push(`  rollback FAILED: ${r.rollback.error}`);
      lines.push('  state of the server:');
      for (const o of r.applied) lines.push(`    applied:     ${o}`);
      if (r.inFlight) lines.push(`    UNKNOWN:     ${r.inFlight} (sent, no answer)`);
      for (const o of r.notApplied) lines.push(`    not applied: ${o}`);
    }
  }
  if (r.snapshotFile) {
    lines.push(`  the server's previous state is saved in ${r.snapshotFile}`);
    lines.push(`  put it back once the server answers: pacsw deploy --restore ${JSON.stringify(r.snapshotFile)}`);
  }
  return lines;
}

export function formatDeployReport(report: DeployReport): string[] {
  const lines: string[] = [];
  if (report.blocked.length) {
    lines.push(`${report.file}: deploy blocked by ${report.blocked.length} error${report.blocked.length === 1 ? '' : 's'} (nothing was read or changed):`);
    for (const b of report.blocked) lines.push(`  ${report.file}:${b.line}:${b.column}: ${b.code}: ${b.message}`);
    return lines;
  }
  lines.push(`server ${report.server ?? '?'} (${report.file})${report.dryRun ? ' — dry run' : ''}`);
  for (const t of report.targets) lines.push(...formatTargetReport(t));
  if (report.hierarchy.length) {
    lines.push('A Parent/Child row changed: eRAD wants the change on every server of the hierarchy. Deploy these too:');
    for (const h of report.hierarchy) lines.push(`  ${h}`);
  }
  return lines;
}
