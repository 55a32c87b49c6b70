/**
 * Plain-text rendering of a deploy plan and report, shared by `pacsw deploy` and the editor's
 * plan document: what changes per target, what Orthanc cannot hold, the outcome, and after a
 * failure exactly which operations are done, unknown or not started.
 */
import { formatDiff } from './diff';
import type { DeployReport, TargetPlan, TargetReport } from './deploy';

export function formatPlan(plan: TargetPlan, showUnchanged = true): string[] {
  const lines = [`${plan.kind} ${plan.target}`];
  for (const l of formatDiff(plan.diff, showUnchanged)) lines.push('  ' + l);
  return lines;
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
  lines.push(`  result: ${OUTCOME_TEXT[r.outcome]}${r.outcome === 'applied' ? ` (${r.applied.length} operation${r.applied.length === 1 ? '' : 's'})` : ''}`);
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
