/**
 * The DICOM file viewer's HTML, a pure function of the data set dump (core/src/dicom/dump.ts):
 * file meta and data set as a collapsible tree, one row per attribute (tag, keyword, VR, VM,
 * length, value), sequences and their items as nested <details>, private tags with their
 * creator, bulk values as their summary. The page is read-only; its buttons only post messages.
 */
import type { DatasetDump, DumpAttribute } from '../../../../core/src/dicom/dump';
import { escapeHtml, renderWebviewPage } from '../webviewPage';

export interface ViewerInput {
  /** File name, shown as the title. */
  name: string;
  /** Size on disk in bytes. */
  size: number;
  dump: DatasetDump;
}

const TRANSFER_SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 (lossless)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

function valueCell(a: DumpAttribute): string {
  if (a.items) return `<span class="quiet">${a.items.length} item${a.items.length === 1 ? '' : 's'}</span>`;
  if (a.summary !== undefined) return `<span class="summary">${escapeHtml(a.summary)}</span>`;
  if (a.value === '' || a.value === undefined) return '<span class="empty" title="present, with an empty value">empty</span>';
  return `<code class="value">${escapeHtml(a.value)}</code>`;
}

function searchText(a: DumpAttribute): string {
  return escapeHtml([a.tag, a.path, a.keyword, a.vr, a.privateCreator, a.value, a.summary].filter((p) => p).join(' ').toLowerCase());
}

function row(a: DumpAttribute, copyable: boolean): string {
  const creator = a.privateCreator !== undefined ? ` <span class="creator" title="private creator of this block">${escapeHtml(a.privateCreator)}</span>` : '';
  const length = a.length === undefined ? (a.items || a.summary?.startsWith('encapsulated') ? 'undefined' : '') : String(a.length);
  // A rule can set string values only: bulk values and sequences get no Copy as Rule.
  const copy = copyable && a.value !== undefined
    ? `<button type="button" class="copy" data-command="copyRule" data-path="${escapeHtml(a.path)}" title="Copy ${escapeHtml(a.path)}=&quot;…&quot; as a coercion rule">Copy as Rule</button>`
    : '';
  return (
    `<div class="row" role="row" tabindex="-1" data-path="${escapeHtml(a.path)}" data-search="${searchText(a)}">` +
    `<span class="cell tag" role="cell"><code>${escapeHtml(a.tag)}</code></span>` +
    `<span class="cell keyword" role="cell">${escapeHtml(a.keyword)}${creator}</span>` +
    `<span class="cell vr" role="cell" title="VR">${escapeHtml(a.vr)}</span>` +
    `<span class="cell vm" role="cell" title="VM (number of values)">${a.items || a.summary !== undefined ? '' : a.vm}</span>` +
    `<span class="cell length" role="cell" title="value length in bytes">${escapeHtml(length)}</span>` +
    `<span class="cell value" role="cell">${valueCell(a)}</span>` +
    `<span class="cell actions" role="cell">${copy}</span></div>`
  );
}

function tree(attributes: DumpAttribute[], copyable: boolean): string {
  return attributes
    .map((a) => {
      if (!a.items) return row(a, copyable);
      const items = a.items
        .map((item, i) => `<details class="item" open data-path="${escapeHtml(`${a.path}[${i}]`)}"><summary class="item-title">Item ${i + 1}</summary><div class="children">${tree(item, copyable)}</div></details>`)
        .join('');
      return `<details class="sequence" open data-path="${escapeHtml(a.path)}"><summary>${row(a, copyable)}</summary><div class="children">${items}</div></details>`;
    })
    .join('');
}

export function countAttributes(attributes: DumpAttribute[]): number {
  return attributes.reduce((n, a) => n + 1 + (a.items ?? []).reduce((m, item) => m + countAttributes(item), 0), 0);
}

export function renderViewerBody(input: ViewerInput): string {
  const { dump } = input;
  const ts = dump.transferSyntax;
  const format = dump.format === 'json'
    ? 'DICOM JSON'
    : `DICOM Part 10, ${escapeHtml(ts ?? '?')}${ts && TRANSFER_SYNTAX_NAMES[ts] ? ` (${TRANSFER_SYNTAX_NAMES[ts]})` : ''}`;
  const header =
    `<header><h1>${escapeHtml(input.name)}</h1><p class="quiet">${format}; ${input.size} bytes; ${countAttributes(dump.dataset)} attributes. Read-only.</p></header>`;
  const head = '<div class="row head" role="row"><span class="cell">Tag</span><span class="cell">Keyword</span><span class="cell">VR</span><span class="cell">VM</span><span class="cell">Length</span><span class="cell">Value</span><span class="cell"></span></div>';
  const meta = dump.meta.length
    ? `<details class="group" open data-path="meta"><summary><h2>File meta information</h2></summary><div class="grid" role="table">${head}${tree(dump.meta, false)}</div></details>`
    : '';
  return `${header}${meta}<details class="group" open data-path="dataset"><summary><h2>Data set</h2></summary><div class="grid" role="table">${head}${tree(dump.dataset, true)}</div></details>`;
}

/** What the viewer shows for a file it cannot read. */
export function renderViewerError(name: string, message: string): string {
  return `<header><h1>${escapeHtml(name)}</h1></header><p class="error">This file cannot be shown: ${escapeHtml(message)}</p>`;
}

export const VIEWER_STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px 12px; overflow-wrap: anywhere; }
h1 { font-size: 1.2em; margin: 8px 0 2px; } h2 { display: inline; font-size: 1.05em; }
.toolbar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 8px 0; background: var(--vscode-editor-background); border-bottom: 1px solid var(--vscode-panel-border, #8884); }
.toolbar input { flex: 1 1 14em; min-width: 0; font: inherit; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 6px; }
.toolbar input:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
details.group { margin: 8px 0; } details.group > summary { cursor: pointer; padding: 4px 0; }
.grid { container-type: inline-size; }
.row { display: grid; gap: 0 8px; align-items: baseline; padding: 2px 4px; border-bottom: 1px solid var(--vscode-panel-border, #8882);
  grid-template-columns: minmax(0, auto) minmax(0, 1fr) auto auto; grid-template-areas: "tag keyword vr actions" "value value value value" "vm length . ."; }
.row > .cell { min-width: 0; }
.tag { grid-area: tag; } .keyword { grid-area: keyword; } .vr { grid-area: vr; } .vm { grid-area: vm; } .length { grid-area: length; } .value { grid-area: value; } .actions { grid-area: actions; }
.row.head { display: none; font-weight: 600; }
.vm, .length { font-size: 0.85em; opacity: 0.75; }
@container (min-width: 640px) {
  .row { grid-template-columns: 8.5em minmax(8em, 1.2fr) 2.5em 2.5em 5.5em minmax(0, 3fr) auto; grid-template-areas: "tag keyword vr vm length value actions"; }
  .row.head { display: grid; }
  .vm, .length { font-size: inherit; }
  .length { text-align: right; }
}
details.sequence > summary, details.item > summary { list-style: none; cursor: pointer; }
details.sequence > summary::-webkit-details-marker, details.item > summary::-webkit-details-marker { display: none; }
details.sequence > summary .tag::before { content: '▸ '; } details.sequence[open] > summary .tag::before { content: '▾ '; }
details.item > summary { padding: 2px 4px; opacity: 0.85; } details.item > summary::before { content: '▸ '; } details.item[open] > summary::before { content: '▾ '; }
.children { margin-left: 1em; border-left: 1px solid var(--vscode-tree-indentGuidesStroke, #8884); padding-left: 4px; }
.row:focus, summary:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.hidden { display: none !important; }
.match { background: var(--vscode-editor-findMatchHighlightBackground, #ea5c0055); }
code, .value code { font-family: var(--vscode-editor-font-family); }
.value { white-space: pre-wrap; }
.summary, .quiet { opacity: 0.8; font-style: italic; }
.empty { font-style: italic; font-size: 0.9em; padding: 0 4px; border-radius: 3px; border: 1px solid var(--vscode-descriptionForeground, #8888); color: var(--vscode-descriptionForeground); }
.creator { font-size: 0.85em; padding: 0 4px; border-radius: 3px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.error { color: var(--vscode-errorForeground); }
button { font: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); padding: 1px 8px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
button.copy { font-size: 0.85em; opacity: 0; } .row:hover button.copy, .row:focus-within button.copy, .row:focus button.copy { opacity: 1; }
button.primary { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
body.vscode-high-contrast .row, body.vscode-high-contrast-light .row { border-bottom-color: var(--vscode-contrastBorder); }
body.vscode-high-contrast .match, body.vscode-high-contrast-light .match { outline: 1px dashed var(--vscode-contrastActiveBorder); }
body.vscode-high-contrast button.copy, body.vscode-high-contrast-light button.copy { opacity: 1; }
`;

const VIEWER_TOOLBAR =
  '<div class="toolbar" role="toolbar" aria-label="DICOM file">' +
  '<input id="search" type="search" placeholder="Search tag, keyword, VR or value  ( / )" aria-label="Search the attributes">' +
  '<span id="search-count" class="quiet" aria-live="polite"></span>' +
  '<button type="button" data-command="expandAll">Expand All</button><button type="button" data-command="collapseAll">Collapse All</button>' +
  '<button type="button" data-command="previewRules" class="primary" title="Open the rule preview with this file as its sample">Preview Rules on This File</button>' +
  '</div>';

export function renderViewerDocument(options: { nonce: string; title: string; body: string; script: string }): string {
  return renderWebviewPage({ ...options, style: VIEWER_STYLE, toolbar: VIEWER_TOOLBAR });
}
