/**
 * The preview's HTML, as pure functions of the preview model: `renderBody` is what changes on
 * every evaluation (posted to the webview), `renderDocument` the page around it with a strict
 * Content-Security-Policy (nothing but our own nonce'd style and script may run). Every value
 * from a sample or a rule file goes through `escapeHtml`: DICOM values are arbitrary text.
 *
 * Layout: each change is one grid row. In a wide panel the row is five columns (tag, keyword,
 * before, after, rule); in a narrow one (container query) tag, keyword and rule share a line and
 * before and after are stacked under it, so nothing is cut off and no value is squeezed into a
 * column a few characters wide. Changed characters are marked inside values (ins/del), and
 * whitespace, empty and absent values each look different.
 */
import type { AttributeRow, PreviewModel, PreviewTraceEntry, RuleLocation, SamplePreview } from './model';
import { ruleLabel } from './model';
import { PAGE_SCRIPT } from './page';
import { diffChars, sideOf, type Segment } from './textDiff';
import { escapeHtml, renderWebviewPage } from '../webviewPage';
import { settingId, SETTINGS } from '../../../../core/src/contributes';

const STATUS_TEXT: Record<SamplePreview['status'], string> = {
  changed: 'changed',
  unchanged: 'unchanged',
  stopped: 'stopped',
  failed: 'failed to read',
};

/** What the page is rendered for: the rule file being edited names its rules by line only. */
export interface RenderContext {
  /** URI of the edited rule file; its rules are linked as `line N`, others as `file:N`. */
  documentUri?: string;
  /** False where there is no trace to show (a received object: the receiver reports changes only). */
  trace?: boolean;
}

/** A link that asks the extension to reveal the rule's line; data-* only, no inline handler. */
export function ruleLink(location: RuleLocation, context: RenderContext = {}): string {
  const label = escapeHtml(location.uri !== undefined && location.uri === context.documentUri ? `line ${location.line + 1}` : ruleLabel(location));
  if (location.uri === undefined) return `<span class="rule">${label}</span>`;
  return `<a href="#" class="rule" data-uri="${escapeHtml(location.uri)}" data-line="${location.line}" title="Go to ${escapeHtml(ruleLabel(location))} (${escapeHtml(location.ruleSet)})">${label}</a>`;
}

/**
 * Whitespace and control characters made visible: a changed or trailing space must show.
 * `offset` and `whole` place the text in its value (leading, trailing and doubled spaces show).
 */
function visible(text: string, everywhere: boolean, offset = 0, whole = text): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const at = offset + i;
    const edge = at === 0 || at === whole.length - 1 || whole[at - 1] === ' ' || whole[at + 1] === ' ';
    if (c === ' ' && (everywhere || edge)) out += '<span class="ws" data-ch=" " title="space">·</span>';
    else if (c === '\t') out += '<span class="ws" data-ch="&#9;" title="tab">→</span>';
    else if (c === '\n') out += '<span class="ws" data-ch="&#10;" title="line break">↵</span>';
    else if (c === '\r') out += '<span class="ws" data-ch="&#13;" title="carriage return">␍</span>';
    else if (c < ' ') out += `<span class="ws" data-ch="${escapeHtml(c)}" title="control character ${c.charCodeAt(0)}">␀</span>`;
    else out += escapeHtml(c);
  }
  return out;
}

function segmentsHtml(segments: Segment[]): string {
  const whole = segments.map((s) => s.text).join('');
  let offset = 0;
  return segments
    .map((s) => {
      const at = offset;
      offset += s.text.length;
      if (s.kind === 'same') return visible(s.text, false, at, whole);
      const tag = s.kind === 'added' ? 'ins' : 'del';
      return `<${tag} class="${s.kind}">${visible(s.text, true, at, whole)}</${tag}>`;
    })
    .join('');
}

/**
 * One side of a value. null is absent (or deleted), '' is present and empty: both are said in
 * words, so neither can be mistaken for a value. `other` is the other side, for the marks.
 */
export function valueHtml(text: string | null, other: string | null | undefined, side: 'before' | 'after', absentText: string): string {
  if (text === null) return `<span class="absent">${absentText}</span>`;
  if (text === '') return '<span class="empty" title="present, with an empty value">empty</span>';
  if (other === undefined || other === null || other === '' || other === text) {
    // Nothing to compare with (or nothing changed): a new value is all added, a removed one all removed.
    const whole: Segment[] = [{ kind: other === undefined || other === text ? 'same' : side === 'after' ? 'added' : 'removed', text }];
    return `<code class="value">${segmentsHtml(whole)}</code>`;
  }
  const segments = side === 'before' ? sideOf(diffChars(text, other), 'before') : sideOf(diffChars(other, text), 'after');
  return `<code class="value">${segmentsHtml(segments)}</code>`;
}

const OUTCOME_TEXT: Record<PreviewTraceEntry['outcome'], string> = {
  assigned: 'assigned',
  deleted: 'deleted',
  skipped: 'skipped',
  stopped: 'stopped',
  unchanged: 'unchanged',
  error: 'error',
};

/** Steps of a SEQ path: `SEQ(0040,0275,0,0040,1001)` → sequence (0040,0275) item 0, then (0040,1001). */
export function pathSteps(path: string): { sequence: Array<{ tag: string; item: number }>; tag: string } {
  const m = /^SEQ\((.*)\)$/.exec(path);
  if (!m) return { sequence: [], tag: path };
  const parts = m[1].split(',');
  const sequence: Array<{ tag: string; item: number }> = [];
  let i = 0;
  for (; i + 3 < parts.length; i += 3) sequence.push({ tag: `(${parts[i]},${parts[i + 1]})`, item: Number(parts[i + 2]) });
  return { sequence, tag: `(${parts[i]},${parts[i + 1]})` };
}

function searchText(...parts: Array<string | null | undefined>): string {
  return escapeHtml(parts.filter((p) => p).join(' ').toLowerCase());
}

const depthClass = (depth: number): string => `depth-${Math.min(depth, 8)}`;

function renderChanges(sample: SamplePreview, context: RenderContext, keywordOf: (tag: string) => string): string {
  if (sample.changes.length === 0) {
    return `<p class="quiet">${sample.status === 'stopped' ? 'No attribute was changed before the object was stopped.' : 'No attribute is added, changed or deleted.'}</p>`;
  }
  const rows: string[] = [];
  const contexts = new Set<string>();
  for (const c of sample.changes) {
    // Attributes inside sequences hang under their sequence and item, shown once each.
    const steps = pathSteps(c.path);
    const ancestors: string[] = [];
    let prefix = '';
    steps.sequence.forEach((step, depth) => {
      const seqKey = `${prefix}${step.tag}`;
      const itemKey = `${seqKey}[${step.item}]`;
      if (!contexts.has(seqKey)) {
        contexts.add(seqKey);
        rows.push(
          `<div class="row context ${depthClass(depth * 2)}" role="row" data-key="${escapeHtml(seqKey)}" data-ancestors="${escapeHtml(ancestors.join(' '))}">` +
            `<div class="cell tag" role="cell"><code>${escapeHtml(step.tag)}</code></div><div class="cell keyword" role="cell">${escapeHtml(keywordOf(step.tag))}</div></div>`,
        );
      }
      ancestors.push(seqKey);
      if (!contexts.has(itemKey)) {
        contexts.add(itemKey);
        rows.push(
          `<div class="row context ${depthClass(depth * 2 + 1)}" role="row" data-key="${escapeHtml(itemKey)}" data-ancestors="${escapeHtml(ancestors.join(' '))}">` +
            `<div class="cell tag" role="cell">item ${step.item + 1}</div></div>`,
        );
      }
      ancestors.push(itemKey);
      prefix = `${itemKey}/`;
    });
    const kind = c.before === null ? 'added' : c.after === null ? 'deleted' : 'changed';
    rows.push(
      `<div class="row change kind-${kind} ${depthClass(steps.sequence.length * 2)}" role="row" tabindex="-1" data-path="${escapeHtml(c.path)}" ` +
        `data-ancestors="${escapeHtml(ancestors.join(' '))}" data-search="${searchText(c.path, c.keyword, c.before, c.after)}">` +
        `<div class="cell tag" role="cell"><code>${escapeHtml(steps.tag)}</code></div>` +
        `<div class="cell keyword" role="cell">${escapeHtml(c.keyword)}</div>` +
        `<div class="cell before" role="cell" data-side="before"><span class="label">before</span>${valueHtml(c.before, c.after, 'before', 'absent')}</div>` +
        `<div class="cell after" role="cell" data-side="after"><span class="label">after</span>${valueHtml(c.after, c.before, 'after', 'deleted')}</div>` +
        `<div class="cell rule" role="cell">${ruleLink(c, context)}</div></div>`,
    );
  }
  return (
    '<div class="grid changes" role="table" aria-label="Attributes the rules change">' +
    '<div class="row head" role="row"><div class="cell" role="columnheader">Tag</div><div class="cell" role="columnheader">Keyword</div>' +
    '<div class="cell" role="columnheader">Before</div><div class="cell" role="columnheader">After</div><div class="cell" role="columnheader">Last changed by</div></div>' +
    `${rows.join('')}</div>`
  );
}

function renderAllAttributes(sample: SamplePreview, context: RenderContext): string {
  const rows = sample.attributes ?? [];
  const changedCount = rows.filter((r) => r.changed && r.kind !== 'item').length;
  const byPath = new Map(sample.changes.map((c) => [c.path, c]));
  const ancestors: string[] = [];
  const html = rows.map((r: AttributeRow) => {
    ancestors.length = r.depth;
    const key = `all:${r.path}`;
    const rule = byPath.get(r.path);
    const parents = ancestors.filter((a) => a).join(' ');
    ancestors[r.depth] = key;
    const creator = r.privateCreator !== undefined ? ` <span class="creator" title="private creator">${escapeHtml(r.privateCreator)}</span>` : '';
    const label = r.kind === 'item' ? escapeHtml(r.keyword) : `<code>${escapeHtml(r.tag)}</code>`;
    const values = r.changed
      ? `<div class="cell before" role="cell" data-side="before"><span class="label">before</span>${valueHtml(r.before, r.after, 'before', 'absent')}</div>` +
        `<div class="cell after" role="cell" data-side="after"><span class="label">after</span>${valueHtml(r.after, r.before, 'after', 'deleted')}</div>`
      : `<div class="cell same" role="cell">${r.kind === 'item' ? '' : valueHtml(r.after, undefined, 'after', 'absent')}</div>`;
    return (
      `<div class="row attribute ${r.changed ? 'is-changed' : ''} ${depthClass(r.depth)}" role="row" tabindex="-1" data-key="${escapeHtml(key)}" data-path="${escapeHtml(r.path)}" ` +
      `data-ancestors="${escapeHtml(parents)}" data-search="${searchText(r.path, r.keyword, r.privateCreator, r.before, r.after)}">` +
      `<div class="cell tag" role="cell">${label}${r.changed ? ' <span class="changed-mark" title="changed by the rules">changed</span>' : ''}</div>` +
      `<div class="cell keyword" role="cell">${r.kind === 'item' ? '' : escapeHtml(r.keyword)}${creator}${r.vr ? ` <span class="vr">${escapeHtml(r.vr)}</span>` : ''}</div>` +
      values +
      `<div class="cell rule" role="cell">${rule ? ruleLink(rule, context) : ''}</div></div>`
    );
  });
  return (
    `<div class="all-attributes"><p class="quiet">All ${rows.filter((r) => r.kind !== 'item').length} attributes, ${changedCount} changed (marked).</p>` +
    `<div class="grid attributes" role="table" aria-label="All attributes of ${escapeHtml(sample.name)}">${html.join('')}</div></div>`
  );
}

function renderTrace(sample: SamplePreview, context: RenderContext): string {
  const rows = sample.trace.map(
    (t) =>
      `<div class="row trace-row outcome-${t.outcome}" role="row" tabindex="-1" data-search="${searchText(t.target, t.value, t.reason, t.outcome)}">` +
      `<div class="cell rule" role="cell">${ruleLink(t, context)}</div><div class="cell tag" role="cell"><code>${escapeHtml(t.target)}</code></div>` +
      `<div class="cell outcome" role="cell">${OUTCOME_TEXT[t.outcome]}</div>` +
      `<div class="cell value" role="cell">${t.outcome === 'error' || t.outcome === 'skipped' ? '' : t.value === null ? '<span class="absent">NULL</span>' : valueHtml(t.value, undefined, 'after', 'NULL')}</div>` +
      `<div class="cell why" role="cell">${t.reason === undefined ? '' : escapeHtml(t.reason)}</div></div>`,
  );
  const errors = sample.errors > 0 ? `, ${sample.errors} with errors` : '';
  // data-key lets the page keep a trace open across re-renders.
  return (
    `<details class="trace" data-key="${escapeHtml(sample.uri)}"><summary>Rule trace (${sample.trace.length} rule${sample.trace.length === 1 ? '' : 's'} run${errors})</summary>` +
    (rows.length === 0 ? '<p class="quiet">No rule ran.</p>' : `<div class="grid trace-grid" role="table" aria-label="Rules run, in order">${rows.join('')}</div>`) +
    '</details>'
  );
}

function sampleButtons(sample: SamplePreview): string {
  const uri = escapeHtml(sample.uri);
  const all = sample.attributes !== undefined;
  return (
    '<div class="sample-actions">' +
    `<button type="button" data-command="toggleAll" data-uri="${uri}" aria-pressed="${all}">${all ? 'Hide all attributes' : 'Show all attributes'}</button>` +
    `<button type="button" data-command="compare" data-uri="${uri}" title="Open VS Code's diff editor on text dumps of this sample before and after the rules">Compare Before/After</button>` +
    '</div>'
  );
}

/** The keyword of a tag such as `(0040,0275)`, for sequence rows of the changes tree. */
export type KeywordLookup = (tag: string) => string;

export function renderSample(sample: SamplePreview, context: RenderContext = {}, keywordOf: KeywordLookup = () => ''): string {
  const format = sample.format === 'json' ? ' <span class="format">DICOM JSON</span>' : '';
  let body: string;
  if (sample.status === 'failed') {
    body = `<p class="error">${escapeHtml(sample.error ?? 'failed')}</p>`;
  } else {
    const stopped = sample.stoppedBy
      ? `<p class="stopped-by">Stopped by ${ruleLink(sample.stoppedBy, context)}: $(@PROCESS) is NULL, so the object is not stored or forwarded and no later rule runs.</p>`
      : '';
    const note = sample.error ? `<p class="note">${escapeHtml(sample.error)}</p>` : '';
    body = stopped + note + sampleButtons(sample) + renderChanges(sample, context, keywordOf) + (sample.attributes ? renderAllAttributes(sample, context) : '') + (context.trace === false ? '' : renderTrace(sample, context));
  }
  return (
    `<section class="sample status-${sample.status}" data-uri="${escapeHtml(sample.uri)}">` +
    `<h2><span class="name">${escapeHtml(sample.name)}</span>${format} <span class="badge">${STATUS_TEXT[sample.status]}</span></h2>` +
    `${body}</section>`
  );
}

export function renderBody(model: PreviewModel, keywordOf: KeywordLookup = () => ''): string {
  const context: RenderContext = { documentUri: model.document.uri };
  const ruleSets = model.ruleSets.length > 1 ? ` <span class="quiet">(runs ${model.ruleSets.map(escapeHtml).join(', then ')})</span>` : '';
  const header =
    `<header><h1>${escapeHtml(model.document.name)}${ruleSets}</h1>` +
    `<p class="quiet">${model.samples.length} sample${model.samples.length === 1 ? '' : 's'}; “line N” is a line of ${escapeHtml(model.document.name)}, ` +
    'other rule files are named. Drop files from the Explorer here (hold Shift) to add samples.</p>' +
    model.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('') +
    '</header>';
  if (model.samples.length === 0) {
    return (
      header +
      '<p class="empty-state">No sample data sets. Add DICOM files (.dcm) or DICOM JSON files with “Add Samples…”, drop them here, ' +
      `or put them where the <code>${settingId(SETTINGS.previewSamples)}</code> globs find them.</p>`
    );
  }
  return header + model.samples.map((s) => renderSample(s, context, keywordOf)).join('');
}

const STYLE = `
:root { --gap: 8px; }
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px 12px; overflow-wrap: anywhere; }
h1 { font-size: 1.2em; margin: 8px 0 4px; }
h2 { font-size: 1.05em; margin: 0 0 6px; }
.toolbar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 8px 0; background: var(--vscode-editor-background); border-bottom: 1px solid var(--vscode-panel-border, #8884); }
.toolbar input { flex: 1 1 12em; min-width: 0; font: inherit; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 6px; }
.toolbar input:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
#filter-count { font-size: 0.9em; }
section.sample { border-top: 1px solid var(--vscode-panel-border, #8884); padding: 10px 0; }
.sample-actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 6px; }
code, .value { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size, inherit); }
.grid { container-type: inline-size; margin: 4px 0 8px; }
.row { display: grid; gap: 2px var(--gap); padding: 3px 4px; border-bottom: 1px solid var(--vscode-panel-border, #8882); grid-template-columns: minmax(0, auto) minmax(0, 1fr) minmax(0, auto); grid-template-areas: "tag keyword rule" "before before before" "after after after" "same same same"; }
.row > .cell { min-width: 0; }
.row .tag { grid-area: tag; } .row .keyword { grid-area: keyword; } .row .rule { grid-area: rule; text-align: right; }
.row .before { grid-area: before; } .row .after { grid-area: after; } .row .same { grid-area: same; }
.row.head { display: none; font-weight: 600; }
.row.context { opacity: 0.85; }
.row .label { display: inline-block; min-width: 3.5em; opacity: 0.7; font-size: 0.9em; }
.trace-grid .row { grid-template-areas: "rule outcome outcome" "tag tag tag" "value value value" "why why why"; }
.trace-grid .outcome { grid-area: outcome; } .trace-grid .value { grid-area: value; } .trace-grid .why { grid-area: why; opacity: 0.85; }
@container (min-width: 560px) {
  .changes .row, .attributes .row { grid-template-columns: 8.5em minmax(6em, 1fr) minmax(0, 2fr) minmax(0, 2fr) minmax(6.5em, 1.2fr); grid-template-areas: "tag keyword before after rule"; }
  .attributes .row .same { grid-column: 3 / span 2; grid-row: 1; }
  .changes .row.head { display: grid; }
  .row .label { display: none; }
  .trace-grid .row { grid-template-columns: 6.5em minmax(8em, 1fr) 6em minmax(0, 1.5fr) minmax(0, 2fr); grid-template-areas: "rule tag outcome value why"; }
  .row .rule { text-align: left; }
}
.depth-1 .tag { padding-left: 1em; } .depth-2 .tag { padding-left: 2em; } .depth-3 .tag { padding-left: 3em; } .depth-4 .tag { padding-left: 4em; }
.depth-5 .tag { padding-left: 5em; } .depth-6 .tag { padding-left: 6em; } .depth-7 .tag { padding-left: 7em; } .depth-8 .tag { padding-left: 8em; }
.row:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.row.hidden, section.sample.hidden { display: none; }
.value { white-space: pre-wrap; overflow-wrap: anywhere; }
ins.added { text-decoration: none; background: var(--vscode-diffEditor-insertedTextBackground, #9ccc2c55); outline: 1px solid var(--vscode-diffEditor-insertedTextBorder, transparent); }
del.removed { text-decoration: line-through; background: var(--vscode-diffEditor-removedTextBackground, #ff000044); outline: 1px solid var(--vscode-diffEditor-removedTextBorder, transparent); }
.ws { opacity: 0.8; color: var(--vscode-editorWhitespace-foreground, currentColor); }
.absent, .empty { font-style: italic; font-size: 0.9em; padding: 0 4px; border-radius: 3px; border: 1px dashed var(--vscode-descriptionForeground, #8888); color: var(--vscode-descriptionForeground); }
.empty { border-style: solid; }
.is-changed { border-left: 3px solid var(--vscode-gitDecoration-modifiedResourceForeground, var(--vscode-editorWarning-foreground)); }
.changed-mark, .vr, .creator { font-size: 0.85em; opacity: 0.8; }
.changed-mark { color: var(--vscode-gitDecoration-modifiedResourceForeground, var(--vscode-editorWarning-foreground)); }
.badge { font-size: 0.85em; padding: 1px 6px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.status-stopped .badge, .status-failed .badge { background: var(--vscode-inputValidation-errorBackground, #a1260d); color: var(--vscode-foreground); }
.status-unchanged .badge { opacity: 0.7; }
.format { font-size: 0.85em; opacity: 0.8; }
.quiet { opacity: 0.75; font-style: italic; }
.error, .stopped-by { color: var(--vscode-errorForeground); }
.note { color: var(--vscode-editorWarning-foreground); }
/* A rule of another file is named "file.coerce:12": the name may wrap rather than overflow its column.
   Every column is sized from the panel, never from its content: each row is its own grid, so
   content-sized columns would not line up from row to row. */
a.rule { color: var(--vscode-textLink-foreground); text-decoration: none; overflow-wrap: anywhere; }
a.rule:hover, a.rule:focus { text-decoration: underline; }
.outcome-skipped, .outcome-unchanged { opacity: 0.75; }
.outcome-error .outcome, .outcome-stopped .outcome { color: var(--vscode-errorForeground); }
button { font: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); padding: 2px 8px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
button.primary { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
body.drop-target { outline: 2px dashed var(--vscode-focusBorder); outline-offset: -4px; }
body.vscode-high-contrast ins.added, body.vscode-high-contrast-light ins.added { outline: 1px dashed var(--vscode-contrastActiveBorder, currentColor); }
body.vscode-high-contrast del.removed, body.vscode-high-contrast-light del.removed { outline: 1px dotted var(--vscode-contrastActiveBorder, currentColor); }
body.vscode-high-contrast .row, body.vscode-high-contrast-light .row { border-bottom-color: var(--vscode-contrastBorder); }
body.vscode-high-contrast .is-changed, body.vscode-high-contrast-light .is-changed { border-left-color: var(--vscode-contrastActiveBorder); }
`;

/** The toolbar stays outside the re-rendered part: the filter keeps its text and focus. */
const FILTER =
  '<input id="filter" type="search" placeholder="Filter: tag, keyword or value  ( / )" aria-label="Filter attributes by tag, keyword or value">' +
  '<span id="filter-count" class="quiet" aria-live="polite"></span>';
const PREVIEW_BUTTONS =
  `<button type="button" data-command="addSamples" title="Add files or folders to ${settingId(SETTINGS.previewSamples)}">Add Samples…</button>` +
  '<button type="button" data-command="pickSamples">Choose Samples…</button>' +
  '<button type="button" data-command="export" data-format="csv" title="Save the changes of every sample as CSV">Export CSV</button>' +
  '<button type="button" data-command="export" data-format="json" title="Save the preview as JSON">Export JSON</button>' +
  '<button type="button" data-command="applyToFolder" class="primary" title="Run these rules on a folder of DICOM files, as pacsw apply does">Apply to Folder…</button>';

export interface DocumentOptions {
  /** A fresh random value per page: only elements carrying it may run or style. */
  nonce: string;
  title: string;
  body: string;
  /** Which render `body` is, echoed back in the page's acknowledgement. */
  generation: number;
  /** The rule preview's buttons (samples, export, apply) beside the filter; off for a page of one received object. */
  previewButtons?: boolean;
}

export function renderDocument(options: DocumentOptions): string {
  return renderWebviewPage({
    nonce: options.nonce,
    title: options.title,
    style: STYLE,
    toolbar: `<div class="toolbar" role="toolbar" aria-label="${escapeHtml(options.title)}">${FILTER}${options.previewButtons === false ? '' : PREVIEW_BUTTONS}</div>`,
    body: options.body,
    script: PAGE_SCRIPT,
    rootAttributes: ` data-generation="${options.generation}"`,
  });
}
