/**
 * docs/editors.md's Emacs set-up, run for real: Debian's Emacs 28 in batch mode with eglot
 * (elpa-eglot) loads exactly the Elisp block of that page (pointed at this repository's
 * dist/server.js), opens a rule file with a mistake, and a probe reads back what an Emacs user
 * would see: Flymake's diagnostics and the hover on a tag.
 */
import * as assert from 'node:assert/strict';
import { headlessEditor } from './headlessEditor';

/**
 * Runs once the file is open. Batch Emacs runs no command loop, so the probe runs the
 * post-command hook that eglot-ensure waits on, then waits for the server and Flymake.
 */
const PROBE = String.raw`
(require 'json)
(let ((out (getenv "PACSW_EDITOR_OUT")) (deadline (+ (float-time) 30)))
  (run-hooks 'post-command-hook)
  (while (and (not (eglot-current-server)) (< (float-time) deadline))
    (accept-process-output nil 0.05)
    (run-hooks 'post-command-hook))
  (when (eglot-current-server)
    (flymake-start)
    (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (flymake-start)))
  ;; Read in the rule file's buffer: with-temp-file's body runs in another one.
  (let ((seen (json-encode
             (list (cons 'server (if (eglot-current-server) t :json-false))
                   (cons 'mode (symbol-name major-mode))
                   (cons 'diagnostics
                         (vconcat (mapcar (lambda (d)
                                            (save-excursion
                                              (goto-char (flymake-diagnostic-beg d))
                                              (list (cons 'line (1- (line-number-at-pos)))
                                                    (cons 'column (current-column))
                                                    (cons 'type (symbol-name (flymake-diagnostic-type d)))
                                                    (cons 'text (flymake-diagnostic-text d)))))
                                          (flymake-diagnostics))))
                   (cons 'hover
                         (if (eglot-current-server)
                             (let ((h (jsonrpc-request (eglot-current-server) :textDocument/hover
                                                       (list :textDocument (eglot--TextDocumentIdentifier)
                                                             :position (list :line 0 :character 3)))))
                               (or (plist-get (plist-get h :contents) :value) ""))
                           ""))))))
    (with-temp-file out (insert seen)))
  (kill-emacs 0))
`;

interface Seen {
  server: boolean;
  mode: string;
  diagnostics: Array<{ line: number; column: number; type: string; text: string }>;
  hover: string;
}

describe('Emacs + eglot (docs/editors.md set-up) against dist/server.js', function () {
  this.timeout(90_000);
  const openInEmacs = headlessEditor({
    command: 'emacs',
    install: '`apt-get install emacs-nox elpa-eglot` (Debian 12: Emacs 28.2, eglot 1.9; .ci/run installs them)',
    setup: 'elisp',
    probe: PROBE,
    // Batch mode activates no packages by itself: package-initialize is what an interactive Emacs 28 does at start.
    args: ({ init, probe, file }) => ['--batch', '--eval', '(package-initialize)', '-l', init, '--eval', "(require 'eglot)", file, '-l', probe],
    limitMs: 75_000,
  });

  it('shows the server\'s diagnostics in Flymake and its hover', async () => {
    const { seen, output } = (await openInEmacs('(0010,0010)=uper((0010,0010))\n(0010,0020)=\n')) as { seen: Seen; output: string };
    assert.equal(seen.mode, 'pacs-coercion-mode', `auto-mode-alist of the set-up picks the mode; output:\n${output}`);
    assert.equal(seen.server, true, `eglot connected to the server; output:\n${output}`);
    const unknown = seen.diagnostics.find((d) => /uper/.test(d.text));
    assert.ok(unknown, `a diagnostic about uper expected, got ${JSON.stringify(seen.diagnostics)}`);
    assert.deepEqual([unknown.line, unknown.column, unknown.type], [0, 12, 'eglot-error']);
    assert.match(unknown.text, /\[unknown-function\]/);
    assert.ok(seen.diagnostics.some((d) => d.line === 1), 'the empty value on line 2 is reported too');
    assert.match(seen.hover, /Patient's Name/);
  });
});
