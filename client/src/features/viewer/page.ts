/**
 * The DICOM viewer page's script: search (rows whose tag, keyword, VR, creator or value contain
 * every word stay, with the sequences and items around them opened), expand / collapse all,
 * arrow-key movement between rows, and buttons turned into messages. It reports what a search
 * leaves, so the extension's tests can check what the user sees.
 */
export const VIEWER_SCRIPT = `
const vscode = acquireVsCodeApi();
const root = document.getElementById('root');
const search = document.getElementById('search');
const count = document.getElementById('search-count');
const saved = vscode.getState() || {};
if (typeof saved.search === 'string') search.value = saved.search;

function visibleRows() {
  return Array.from(root.querySelectorAll('.row[data-path]')).filter((r) => !r.classList.contains('hidden') && r.offsetParent !== null);
}

function applySearch() {
  const words = search.value.toLowerCase().split(/\\s+/).filter((w) => w);
  vscode.setState({ search: search.value });
  const rows = root.querySelectorAll('.row[data-search]');
  let shown = 0;
  for (const d of root.querySelectorAll('details')) d.classList.toggle('hidden', words.length > 0);
  for (const row of rows) {
    const match = words.every((w) => row.dataset.search.includes(w));
    row.classList.toggle('hidden', !match);
    row.classList.toggle('match', match && words.length > 0);
    if (!match) continue;
    shown++;
    // Show and open every sequence, item and group around a match.
    for (let d = row.closest('details'); d; d = d.parentElement.closest('details')) {
      d.classList.remove('hidden');
      d.open = true;
    }
  }
  // A sequence that matches keeps its items visible: it was searched for as a whole.
  if (words.length) {
    for (const d of root.querySelectorAll('details.sequence')) {
      const own = d.querySelector(':scope > summary > .row');
      if (own && !own.classList.contains('hidden')) for (const inner of d.querySelectorAll('details, .row')) inner.classList.remove('hidden');
    }
  }
  count.textContent = words.length ? shown + ' of ' + rows.length + ' attributes' : '';
  return Array.from(root.querySelectorAll('.row.match'), (r) => r.dataset.path);
}

function report(id) {
  vscode.postMessage({ type: 'state', id, matches: Array.from(root.querySelectorAll('.row.match'), (r) => r.dataset.path), visible: visibleRows().length,
    rows: root.querySelectorAll('.row[data-path]').length, viewportWidth: document.documentElement.clientWidth, scrollWidth: document.documentElement.scrollWidth });
}

window.addEventListener('message', (event) => {
  const message = event.data;
  if (!message) return;
  if (message.type === 'search') { search.value = message.text; applySearch(); }
  if (message.type === 'search' || message.type === 'report') report(message.id);
});

search.addEventListener('input', applySearch);
search.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') { search.value = ''; applySearch(); }
  else if (event.key === 'ArrowDown') { event.preventDefault(); focusRow(0); }
});

document.body.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-command]');
  if (!button) return;
  event.preventDefault();
  const command = button.dataset.command;
  if (command === 'expandAll' || command === 'collapseAll') {
    for (const d of root.querySelectorAll('details.sequence, details.item')) d.open = command === 'expandAll';
    return;
  }
  vscode.postMessage({ type: command, path: button.dataset.path });
});

function focusRow(index) {
  const rows = visibleRows();
  if (!rows.length) return;
  const row = rows[Math.max(0, Math.min(index, rows.length - 1))];
  for (const r of rows) r.tabIndex = -1;
  row.tabIndex = 0;
  row.focus();
}
document.addEventListener('keydown', (event) => {
  if (event.key === '/' && event.target !== search) { event.preventDefault(); search.focus(); search.select(); return; }
  const row = event.target.closest && event.target.closest('.row[data-path]');
  if (!row) return;
  const rows = visibleRows();
  const at = rows.indexOf(row);
  const details = row.parentElement.tagName === 'SUMMARY' ? row.parentElement.parentElement : null;
  if (event.key === 'ArrowDown') { event.preventDefault(); focusRow(at + 1); }
  else if (event.key === 'ArrowUp') { event.preventDefault(); if (at === 0) search.focus(); else focusRow(at - 1); }
  else if (event.key === 'Home') { event.preventDefault(); focusRow(0); }
  else if (event.key === 'End') { event.preventDefault(); focusRow(rows.length - 1); }
  else if (event.key === 'ArrowRight' && details) { event.preventDefault(); details.open = true; }
  else if (event.key === 'ArrowLeft' && details) { event.preventDefault(); details.open = false; }
  else if ((event.key === 'Enter' || event.key === ' ') && details) { event.preventDefault(); details.open = !details.open; }
  else if (event.key === 'c' && (event.ctrlKey || event.metaKey) && row.querySelector('button.copy')) { row.querySelector('button.copy').click(); }
});

applySearch();
vscode.postMessage({ type: 'ready' });
`;
