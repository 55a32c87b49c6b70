/** `pacsw check` as a person reads it: code frame with a caret, CLI-worded help, closing summary, colour. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pacsw, suiteTempDir, writeRules } from './dicom-helpers';

describe('pacsw check output', function () {
  this.timeout(30_000);
  const dir = suiteTempDir('cli-output');

  it('shows the line with a caret under the problem, the help the CLI way, and a summary', () => {
    const file = writeRules(dir(), 'ext.coerce', '(0010,0010)=upper((0010,0010))\n(0010,0030)=(0010,0010),"^",1\n');
    const r = pacsw(['check', file], { env: { NO_COLOR: '1' } });
    assert.equal(r.status, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(1, 4), [
      '  1 | (0010,0010)=upper((0010,0010))',
      '    |             ^^^^^',
      '  help: run with --dialect extended to allow PACS Workbench extension functions',
    ]);
    // Bug 4: the CLI never tells a user of the CLI to change a VS Code setting.
    assert.doesNotMatch(r.stdout, /pacsWorkbench\./);
    assert.equal(lines[lines.length - 1], '1 error, 1 warning in 1 file');
    assert.doesNotMatch(r.stdout, /\x1b\[/, 'NO_COLOR: no escape codes');
  });

  it('colours with FORCE_COLOR even when stdout is not a terminal', () => {
    const file = writeRules(dir(), 'bad.coerce', '(0010,0010)=nosuch("A")\n');
    const r = pacsw(['check', file], { env: { FORCE_COLOR: '1' } });
    assert.match(r.stdout, /\x1b\[31m.*error unknown-function/);
    assert.doesNotMatch(pacsw(['check', file]).stdout, /\x1b\[/, 'a pipe gets plain text');
  });
});
