/**
 * The preview's result as files: CSV (one row per changed attribute per sample, for a
 * spreadsheet or a change ticket) and JSON (the whole summary, for scripts). Pure text from the
 * model; the panel asks where to save it.
 */
import { ruleLabel, summarize, type PreviewModel } from './model';

export type ExportFormat = 'csv' | 'json';

/** RFC 4180: quoted when needed, quotes doubled; a leading =+-@ is prefixed so no spreadsheet runs it as a formula. */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_COLUMNS = ['sample', 'status', 'path', 'keyword', 'before', 'after', 'change', 'rule'];

export function previewCsv(model: PreviewModel): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of model.samples) {
    if (s.changes.length === 0) {
      const detail = s.status === 'failed' ? s.error : s.stoppedBy ? `stopped by ${ruleLabel(s.stoppedBy)}` : undefined;
      lines.push([s.name, s.status, '', '', '', '', detail ?? '', ''].map(csvField).join(','));
      continue;
    }
    for (const c of s.changes) {
      const change = c.before === null ? 'added' : c.after === null ? 'deleted' : 'changed';
      // null (absent/deleted) is an empty field; "" is a quoted empty field, so the two stay apart.
      const value = (v: string | null) => (v === null ? '' : v === '' ? '""' : csvField(v));
      lines.push([csvField(s.name), csvField(s.status), csvField(c.path), csvField(c.keyword), value(c.before), value(c.after), change, csvField(ruleLabel(c))].join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function previewJson(model: PreviewModel): string {
  return `${JSON.stringify({ exportedBy: 'PACS Workbench preview', ...summarize(model) }, null, 2)}\n`;
}

export function exportPreview(model: PreviewModel, format: ExportFormat): string {
  return format === 'csv' ? previewCsv(model) : previewJson(model);
}
