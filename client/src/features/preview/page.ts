/**
 * The preview page's script (runs in the webview under its CSP nonce). It replaces the body when
 * the extension posts a render (keeping open traces open and the filter applied, remembering the
 * rule file for a restore after reload), filters rows by tag, keyword or value, moves between
 * rows with the arrow keys, turns clicks and drops into messages, and acknowledges each render
 * with what it shows and how it fits, so the extension and its tests know what the user sees.
 */
export const PAGE_SCRIPT = `
const vscode = acquireVsCodeApi();
const root = document.getElementById('root');
const filter = document.getElementById('filter');
const filterCount = document.getElementById('filter-count');
const saved = vscode.getState() || {};
if (typeof saved.filter === 'string') filter.value = saved.filter;

function remember(patch) { vscode.setState(Object.assign({}, vscode.getState() || {}, patch)); }

/** The raw text of a value element: visible-whitespace glyphs count as the character they show. */
function rawText(node) {
  let text = '';
  for (const child of node.childNodes) {
    if (child.nodeType === 3) text += child.textContent;
    else if (child.classList && child.classList.contains('ws')) text += child.dataset.ch;
    else text += rawText(child);
  }
  return text;
}

function measure() {
  const doc = document.documentElement;
  const marks = [];
  for (const row of root.querySelectorAll('.changes .row.change')) {
    if (marks.length >= 200) break;
    for (const cell of row.querySelectorAll('.cell[data-side]')) {
      const value = cell.querySelector('.value');
      marks.push({
        sample: row.closest('section.sample').dataset.uri,
        path: row.dataset.path,
        side: cell.dataset.side,
        text: value ? rawText(value) : null,
        marked: Array.from(cell.querySelectorAll('ins, del'), rawText),
      });
    }
  }
  const grid = root.querySelector('.grid.changes');
  return {
    samples: root.querySelectorAll('section.sample').length,
    links: root.querySelectorAll('a.rule').length,
    layout: {
      viewportWidth: doc.clientWidth,
      scrollWidth: doc.scrollWidth,
      widestRow: Math.max(0, ...Array.from(root.querySelectorAll('.row'), (r) => r.scrollWidth)),
      stacked: grid ? getComputedStyle(grid.querySelector('.row.head')).display === 'none' : undefined,
    },
    marks,
    visibleRows: Array.from(root.querySelectorAll('.row.change:not(.hidden)'), (r) => r.dataset.path),
  };
}

function acknowledge(generation) {
  vscode.postMessage(Object.assign({ type: 'rendered', generation }, measure()));
}

function applyFilter() {
  const words = filter.value.toLowerCase().split(/\\s+/).filter((w) => w);
  remember({ filter: filter.value });
  const rows = root.querySelectorAll('.row[data-search]');
  const keys = new Map(Array.from(root.querySelectorAll('.row[data-key]'), (r) => [r.closest('section') ? r.closest('section').dataset.uri + ' ' + r.dataset.key : r.dataset.key, r]));
  let shown = 0;
  for (const row of root.querySelectorAll('.row.context')) row.classList.toggle('hidden', words.length > 0);
  for (const row of rows) {
    const match = words.every((w) => row.dataset.search.includes(w));
    row.classList.toggle('hidden', !match);
    if (!match) continue;
    shown++;
    // Keep the sequence and item rows above a match, so it is still seen where it sits.
    const section = row.closest('section');
    for (const key of (row.dataset.ancestors || '').split(' ').filter((k) => k)) {
      const parent = keys.get(section ? section.dataset.uri + ' ' + key : key);
      if (parent) parent.classList.remove('hidden');
    }
  }
  filterCount.textContent = words.length ? shown + ' of ' + rows.length + ' rows' : '';
}

window.addEventListener('message', (event) => {
  const message = event.data;
  if (!message) return;
  if (message.type === 'measure') {
    vscode.postMessage(Object.assign({ type: 'measured', id: message.id }, measure()));
    return;
  }
  if (message.type === 'setFilter') {
    filter.value = message.text;
    applyFilter();
    vscode.postMessage(Object.assign({ type: 'measured', id: message.id }, measure()));
    return;
  }
  if (message.type === 'synthesizeDrop') {
    // Test hook: the events a drop of files delivers to this page, through the page's own
    // listeners below (an OS drag from the Explorer cannot be driven from the tests).
    const data = new DataTransfer();
    data.setData('text/uri-list', message.uriList);
    root.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    const dropTarget = document.body.classList.contains('drop-target');
    root.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    vscode.postMessage(Object.assign({ type: 'measured', id: message.id, dropTarget }, measure()));
    return;
  }
  if (message.type !== 'render') return;
  const open = new Set(Array.from(root.querySelectorAll('details[open]'), (d) => d.dataset.key));
  root.innerHTML = message.html;
  for (const d of root.querySelectorAll('details')) if (open.has(d.dataset.key)) d.open = true;
  // Kept by VS Code with the panel, and handed back when it restores the panel after a reload.
  if (typeof message.document === 'string') remember({ document: message.document });
  applyFilter();
  acknowledge(message.generation);
});

root.addEventListener('click', (event) => {
  const link = event.target.closest('a.rule[data-line]');
  if (link) {
    event.preventDefault();
    vscode.postMessage({ type: 'reveal', uri: link.dataset.uri, line: Number(link.dataset.line) });
  }
});
document.body.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-command]');
  if (button) vscode.postMessage({ type: button.dataset.command, uri: button.dataset.uri, format: button.dataset.format });
});

filter.addEventListener('input', applyFilter);
filter.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') { filter.value = ''; applyFilter(); }
  else if (event.key === 'ArrowDown') { event.preventDefault(); focusRow(0); }
});

function navigableRows() {
  return Array.from(root.querySelectorAll('.row[tabindex]')).filter((r) => !r.classList.contains('hidden') && r.offsetParent !== null);
}
function focusRow(index) {
  const rows = navigableRows();
  if (rows.length === 0) return;
  const row = rows[Math.max(0, Math.min(index, rows.length - 1))];
  for (const r of rows) r.tabIndex = -1;
  row.tabIndex = 0;
  row.focus();
}
document.addEventListener('keydown', (event) => {
  const inInput = event.target === filter;
  if (event.key === '/' && !inInput) { event.preventDefault(); filter.focus(); filter.select(); return; }
  const row = event.target.closest && event.target.closest('.row[tabindex]');
  if (!row) return;
  const rows = navigableRows();
  const at = rows.indexOf(row);
  if (event.key === 'ArrowDown') { event.preventDefault(); focusRow(at + 1); }
  else if (event.key === 'ArrowUp') { event.preventDefault(); if (at === 0) filter.focus(); else focusRow(at - 1); }
  else if (event.key === 'Home') { event.preventDefault(); focusRow(0); }
  else if (event.key === 'End') { event.preventDefault(); focusRow(rows.length - 1); }
  else if (event.key === 'Enter') { const link = row.querySelector('a.rule[data-line]'); if (link) link.click(); }
});

// Files dragged from the Explorer (hold Shift to drop into a webview) arrive as URI lists.
document.addEventListener('dragover', (event) => { event.preventDefault(); document.body.classList.add('drop-target'); });
document.addEventListener('dragleave', (event) => { if (!event.relatedTarget) document.body.classList.remove('drop-target'); });
document.addEventListener('drop', (event) => {
  event.preventDefault();
  document.body.classList.remove('drop-target');
  const data = event.dataTransfer;
  const list = (data.getData('application/vnd.code.uri-list') || data.getData('text/uri-list') || '');
  vscode.postMessage({ type: 'drop', uriList: list, files: Array.from(data.files || [], (f) => f.name) });
});

applyFilter();
acknowledge(Number(root.dataset.generation));
vscode.postMessage({ type: 'ready' });
`;
