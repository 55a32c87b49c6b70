/**
 * The HTML page around a webview's content, shared by the rule preview and the DICOM viewer:
 * a strict Content-Security-Policy (only elements carrying this page's nonce may style or run)
 * and `escapeHtml`, through which every value from a file must go (DICOM values are arbitrary text).
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

export interface WebviewPage {
  /** A fresh random value per page. */
  nonce: string;
  title: string;
  style: string;
  /** Trusted HTML shown above the content. */
  toolbar: string;
  /** Trusted HTML, the content of `<main id="root">`. */
  body: string;
  script: string;
  /** Extra attributes of the root, already escaped (e.g. ` data-generation="3"`). */
  rootAttributes?: string;
}

export function renderWebviewPage(page: WebviewPage): string {
  const nonce = escapeHtml(page.nonce);
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<style nonce="${nonce}">${page.style}</style>
</head>
<body>
${page.toolbar}
<main id="root"${page.rootAttributes ?? ''}>${page.body}</main>
<script nonce="${nonce}">${page.script}</script>
</body>
</html>`;
}
