/**
 * The preview panel's body for *Compare Rule Effect with HEAD*: per sample, only what the change
 * does (an attribute's committed result → its result now, a newly (no longer) stopped or failing
 * object). The rows have the preview's own shape (`.changes .row.change`, `data-side` before =
 * committed, after = now), so the page's filter, keys, marks and its report to the extension
 * work on them unchanged.
 */
import type { ImpactModel, SampleImpact } from './impact';
import { escapeHtml } from '../webviewPage';
import { pathSteps, valueHtml } from './render';

function searchText(...parts: Array<string | null | undefined>): string {
  return escapeHtml(parts.filter((p) => p).join(' ').toLowerCase());
}

function renderRows(sample: SampleImpact, against: string): string {
  if (sample.attributes.length === 0) return '';
  const rows = sample.attributes.map((a) => {
    const steps = pathSteps(a.path);
    const where = steps.sequence.map((s) => `${s.tag}[${s.item + 1}] `).join('');
    return (
      `<div class="row change" role="row" tabindex="-1" data-path="${escapeHtml(a.path)}" data-search="${searchText(a.path, a.keyword, a.old, a.new)}">` +
      `<div class="cell tag" role="cell"><code>${escapeHtml(where + steps.tag)}</code></div>` +
      `<div class="cell keyword" role="cell">${escapeHtml(a.keyword)}</div>` +
      `<div class="cell before" role="cell" data-side="before"><span class="label">${escapeHtml(against)}</span>${valueHtml(a.old, a.new, 'before', 'absent')}</div>` +
      `<div class="cell after" role="cell" data-side="after"><span class="label">now</span>${valueHtml(a.new, a.old, 'after', 'absent')}</div>` +
      `<div class="cell rule" role="cell"><span class="quiet" title="the value the sample arrived with">arrived ${a.original === null ? 'absent' : escapeHtml(JSON.stringify(a.original))}</span></div></div>`
    );
  });
  return (
    `<div class="grid changes" role="table" aria-label="Attributes whose result the change alters">` +
    `<div class="row head" role="row"><div class="cell" role="columnheader">Tag</div><div class="cell" role="columnheader">Keyword</div>` +
    `<div class="cell" role="columnheader">At ${escapeHtml(against)}</div><div class="cell" role="columnheader">Now</div><div class="cell" role="columnheader">Arrived</div></div>` +
    `${rows.join('')}</div>`
  );
}

function renderSampleImpact(sample: SampleImpact, against: string): string {
  const lines: string[] = [];
  if (sample.error) lines.push(`<p class="error">${escapeHtml(sample.error)}</p>`);
  if (sample.stop) lines.push(`<p class="stopped-by">${sample.stop === 'newly stopped' ? `Newly stopped: stored at ${escapeHtml(against)}, not stored now` : `No longer stopped: not stored at ${escapeHtml(against)}, stored now`}.</p>`);
  if (sample.failure) {
    lines.push(`<p class="error">${sample.failure === 'newly failing' ? 'Newly failing' : 'No longer failing'}${sample.errors?.length ? `: ${sample.errors.map(escapeHtml).join('; ')}` : ''}</p>`);
  }
  const badge = sample.error ? 'not compared' : sample.stop ?? sample.failure ?? `${sample.attributes.length} changed`;
  return (
    `<section class="sample impact status-${sample.error ? 'failed' : 'changed'}" data-uri="${escapeHtml(sample.uri)}">` +
    `<h2><span class="name">${escapeHtml(sample.name)}</span> <span class="badge">${escapeHtml(badge)}</span></h2>` +
    `${lines.join('')}${renderRows(sample, against)}</section>`
  );
}

export function renderImpactBody(model: ImpactModel): string {
  const name = escapeHtml(model.document.name);
  const against = escapeHtml(model.against);
  const total = model.differing.length + model.same.length;
  const header =
    `<header><h1>Effect of the change to ${name} since ${against}</h1>` +
    `<p class="quiet">${total} sample${total === 1 ? '' : 's'}, each through ${name} as committed at ${against} and as it is now (with the same global rules); ` +
    'only what differs is shown. <button type="button" data-command="showPreview" title="Back to the preview of the rules as they are">Show the Preview</button></p></header>';
  if (model.rulesUnchanged) return `${header}<p class="empty-state">${name} is the same as at ${against}: the change can have no effect.</p>`;
  const same = model.same.length
    ? `<p class="quiet same-samples">Same result as at ${against}: ${model.same.map(escapeHtml).join(', ')}.</p>`
    : '';
  if (model.differing.length === 0) return `${header}<p class="empty-state">The change makes no difference on any sample.</p>${same}`;
  return header + model.differing.map((s) => renderSampleImpact(s, model.against)).join('') + same;
}
