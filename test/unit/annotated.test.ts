/** The caret-annotation helper the validator tests are written with (test/unit/annotated.ts). */
import * as assert from 'node:assert/strict';
import type { CoreDiagnostic } from '../../core/src/diagnostics';
import { annotate, annotatedText, expectDiagnostics } from './annotated';

const at = (line: number, from: number, to: number, code: string, severity: CoreDiagnostic['severity'] = 'error', endLine = line): CoreDiagnostic =>
  ({ range: { start: { line, character: from }, end: { line: endLine, character: to } }, severity, code, message: code });

describe('caret-annotated diagnostics', () => {
  const source = `
    (0008,0080)=concatt("a")
    //          ^^^^^^^ unknown-function
    (0010,0010)="X"
    ^^^^^^^^^^^ retired-tag (warning)
    //          | empty-range (hint)
  `;
  const found = [at(0, 12, 19, 'unknown-function'), at(1, 0, 11, 'retired-tag', 'warning'), at(1, 12, 12, 'empty-range', 'hint')];

  it('reads the text without its annotation lines and indentation', () => {
    assert.equal(annotatedText(source), '(0008,0080)=concatt("a")\n(0010,0010)="X"');
  });

  it('writes diagnostics under their lines: carets, code, severity unless error', () => {
    assert.equal(annotate(annotatedText(source), found), source.trim().split('\n').map((l) => l.trim()).join('\n'));
    assert.equal(annotate('ab\ncd', [at(0, 1, 1, 'x', 'error', 1)]), 'ab\n ^ x (to 2:2)\ncd');
  });

  it('passes on exactly the annotated diagnostics and fails on a moved, missing or extra one', () => {
    assert.deepEqual(expectDiagnostics(source, () => found), found);
    assert.throws(() => expectDiagnostics(source, () => [at(0, 13, 19, 'unknown-function'), ...found.slice(1)]), /unknown-function/);
    assert.throws(() => expectDiagnostics(source, () => found.slice(1)));
    assert.throws(() => expectDiagnostics(source, () => [...found, at(0, 0, 1, 'extra')]));
    assert.throws(() => expectDiagnostics(source, () => [at(0, 12, 19, 'unknown-function', 'warning'), ...found.slice(1)]));
    assert.deepEqual(expectDiagnostics(source, () => [...found, at(0, 0, 1, 'extra')], (d) => d.code !== 'extra'), found);
  });
});
