/**
 * The preview's HTML, as pure functions of the preview model: `renderBody` is what changes on
 * every evaluation (posted to the webview), `renderDocument` the page around it with a strict
 * Content-Security-Policy (nothing but our own nonce'd style and script may run). Every value
 * from a sample or a rule file goes through `escapeHtml`: DICOM values are arbitrary text.
 */
import type { PreviewModel, PreviewTraceEntry, RuleLocation, SamplePreview } from './model';
import { ruleLabel } from './model';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const STATUS_TEXT: Record<SamplePreview['status'], string> = {
  changed: 'changed',
  unchanged: 'unchanged',
  stopped: 'stopped',
  failed: 'failed to read',
};

/** A link that asks the extension to reveal the rule's line; data-* only, no inline handler. */
export function ruleLink(location: RuleLocation): string {
  const label = escapeHtml(ruleLabel(location));
  if (location.uri === undefined) return `<span class="rule">${label}</span>`;
  return `<a href="#" class="rule" data-uri="${escapeHtml(location.uri)}" data-line="${location.line}" title="Go to ${escapeHtml(location.ruleSet)}, line ${location.line + 1}">${label}</a>`;
}

/** A value as the rules see it: NULL (absent) and "" are different things, so both show. */
function value(text: string | null, nullText: string): string {
  if (text === null) return `<span class="null">${nullText}</span>`;
  if (text === '') return '<span class="empty">""</span>';
  return `<code>${escapeHtml(text)}</code>`;
}

const OUTCOME_TEXT: Record<PreviewTraceEntry['outcome'], string> = {
  assigned: 'assigned',
  deleted: 'deleted',
  skipped: 'skipped',
  stopped: 'stopped',
  unchanged: 'unchanged',
  error: 'error',
};

function renderChanges(sample: SamplePreview): string {
  if (sample.changes.length === 0) {
    return `<p class="quiet">${sample.status === 'stopped' ? 'No attribute was changed before the object was stopped.' : 'No attribute is added, changed or deleted.'}</p>`;
  }
  const rows = sample.changes.map(
    (c) =>
      `<tr><td class="tag"><code>${escapeHtml(c.path)}</code></td><td>${escapeHtml(c.keyword)}</td>` +
      `<td class="value">${value(c.before, 'absent')}</td><td class="value">${value(c.after, 'deleted')}</td><td class="link">${ruleLink(c)}</td></tr>`,
  );
  return (
    '<table class="changes"><thead><tr><th>Tag</th><th>Keyword</th><th>Before</th><th>After</th><th>Last changed by</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function renderTrace(sample: SamplePreview): string {
  const rows = sample.trace.map(
    (t) =>
      `<tr class="outcome-${t.outcome}"><td class="link">${ruleLink(t)}</td><td class="tag"><code>${escapeHtml(t.target)}</code></td>` +
      `<td class="outcome">${OUTCOME_TEXT[t.outcome]}</td><td class="value">${t.outcome === 'error' || t.outcome === 'skipped' ? '' : value(t.value, 'NULL')}</td>` +
      `<td>${t.reason === undefined ? '' : escapeHtml(t.reason)}</td></tr>`,
  );
  const errors = sample.errors > 0 ? `, ${sample.errors} with errors` : '';
  // data-key lets the page keep a trace open across re-renders.
  return (
    `<details class="trace" data-key="${escapeHtml(sample.uri)}"><summary>Rule trace (${sample.trace.length} rule${sample.trace.length === 1 ? '' : 's'} run${errors})</summary>` +
    (rows.length === 0
      ? '<p class="quiet">No rule ran.</p>'
      : `<table><thead><tr><th>Rule</th><th>Target</th><th>Outcome</th><th>Value</th><th>Why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`) +
    '</details>'
  );
}

export function renderSample(sample: SamplePreview): string {
  const format = sample.format === 'json' ? ' <span class="format">DICOM JSON</span>' : '';
  let body: string;
  if (sample.status === 'failed') {
    body = `<p class="error">${escapeHtml(sample.error ?? 'failed')}</p>`;
  } else {
    const stopped = sample.stoppedBy
      ? `<p class="stopped-by">Stopped by ${ruleLink(sample.stoppedBy)}: $(@PROCESS) is NULL, so the object is not stored or forwarded and no later rule runs.</p>`
      : '';
    body = stopped + renderChanges(sample) + renderTrace(sample);
  }
  return (
    `<section class="sample status-${sample.status}" data-uri="${escapeHtml(sample.uri)}">` +
    `<h2><span class="name">${escapeHtml(sample.name)}</span>${format} <span class="badge">${STATUS_TEXT[sample.status]}</span></h2>` +
    `${body}</section>`
  );
}

export function renderBody(model: PreviewModel): string {
  const ruleSets = model.ruleSets.length > 1 ? ` <span class="quiet">(runs ${model.ruleSets.map(escapeHtml).join(', then ')})</span>` : '';
  const header =
    `<header><h1>${escapeHtml(model.document.name)}${ruleSets}</h1>` +
    `<p class="quiet">${model.samples.length} sample${model.samples.length === 1 ? '' : 's'} ` +
    '<button type="button" data-command="pickSamples">Choose samples…</button></p>' +
    model.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('') +
    '</header>';
  if (model.samples.length === 0) {
    return (
      header +
      '<p class="empty-state">No sample data sets. Add DICOM files (.dcm) or DICOM JSON files to the workspace where the ' +
      '<code>pacsWorkbench.preview.samples</code> globs find them, or choose files with “Choose samples…”.</p>'
    );
  }
  return header + model.samples.map(renderSample).join('');
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px 12px; }
h1 { font-size: 1.2em; margin: 12px 0 4px; }
h2 { font-size: 1.05em; margin: 0 0 6px; }
section.sample { border-top: 1px solid var(--vscode-panel-border, #8884); padding: 10px 0; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 2px 8px 2px 0; overflow-wrap: break-word; }
td.value { overflow-wrap: anywhere; min-width: 6em; }
td.outcome { white-space: nowrap; }
th { font-weight: 600; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
code { font-family: var(--vscode-editor-font-family); }
.badge { font-size: 0.85em; padding: 1px 6px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.status-stopped .badge, .status-failed .badge { background: var(--vscode-inputValidation-errorBackground, #a1260d); color: var(--vscode-foreground); }
.status-unchanged .badge { opacity: 0.7; }
.format { font-size: 0.85em; opacity: 0.8; }
.null, .empty, .quiet { opacity: 0.7; font-style: italic; }
.error, .stopped-by { color: var(--vscode-errorForeground); }
.note { color: var(--vscode-editorWarning-foreground); }
a.rule { color: var(--vscode-textLink-foreground); text-decoration: none; white-space: nowrap; }
a.rule:hover { text-decoration: underline; }
tr.outcome-skipped, tr.outcome-unchanged { opacity: 0.75; }
tr.outcome-error td.outcome, tr.outcome-stopped td.outcome { color: var(--vscode-errorForeground); }
button { font: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: none; padding: 1px 8px; cursor: pointer; }
`;

/**
 * The page's script: replaces the body when the extension posts a render (keeping open traces
 * open, remembering the rule file for a restore after reload), turns clicks on rule links and buttons into messages, and acknowledges each render so
 * the extension (and its tests) know what the page shows.
 */
const SCRIPT = `
const vscode = acquireVsCodeApi();
const root = document.getElementById('root');
function acknowledge(generation) {
  vscode.postMessage({ type: 'rendered', generation, samples: root.querySelectorAll('section.sample').length, links: root.querySelectorAll('a.rule').length });
}
window.addEventListener('message', (event) => {
  const message = event.data;
  if (!message || message.type !== 'render') return;
  const open = new Set(Array.from(root.querySelectorAll('details[open]'), (d) => d.dataset.key));
  root.innerHTML = message.html;
  for (const d of root.querySelectorAll('details')) if (open.has(d.dataset.key)) d.open = true;
  // Kept by VS Code with the panel, and handed back when it restores the panel after a reload.
  if (typeof message.document === 'string') vscode.setState({ document: message.document });
  acknowledge(message.generation);
});
root.addEventListener('click', (event) => {
  const link = event.target.closest('a.rule[data-line]');
  if (link) {
    event.preventDefault();
    vscode.postMessage({ type: 'reveal', uri: link.dataset.uri, line: Number(link.dataset.line) });
    return;
  }
  const button = event.target.closest('button[data-command]');
  if (button) vscode.postMessage({ type: button.dataset.command });
});
acknowledge(Number(root.dataset.generation));
vscode.postMessage({ type: 'ready' });
`;

export interface DocumentOptions {
  /** A fresh random value per page: only elements carrying it may run or style. */
  nonce: string;
  title: string;
  body: string;
  /** Which render `body` is, echoed back in the page's acknowledgement. */
  generation: number;
}

export function renderDocument(options: DocumentOptions): string {
  const nonce = escapeHtml(options.nonce);
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main id="root" data-generation="${options.generation}">${options.body}</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}
