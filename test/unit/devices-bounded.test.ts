/**
 * The device language stays bounded on hostile input: the findings of a long malformed line
 * grow with the line, not with its square; a file reports at most MAX_DEVICE_DIAGNOSTICS
 * findings and says so; formatting an unbalanced file does not indent without end.
 */
import * as assert from 'node:assert/strict';
import { formatDeviceFile } from '../../core/src/devices/format';
import { MAX_DEVICE_DIAGNOSTICS, validateDeviceText } from '../../core/src/devices/validate';
import { EXCERPT_LIMIT, excerpt } from '../../core/src/text/excerpt';

const totalMessageLength = (text: string): number => validateDeviceText(text).diagnostics.reduce((n, d) => n + d.message.length, 0);

describe('device language: bounded findings', () => {
  it('reports a run of unexpected words after a block name once, quoting a short excerpt', () => {
    // A 4,000-character first word and 2,000 extra words: 8 MB of messages before the fix.
    const line = `${'x'.repeat(4000)} name ${'a '.repeat(2000)}`;
    const { diagnostics } = validateDeviceText(line);
    const unexpected = diagnostics.filter((d) => d.code === 'unexpected-text');
    assert.equal(unexpected.length, 1, JSON.stringify(diagnostics.map((d) => d.code)));
    assert.match(unexpected[0].message, /^Unexpected `a` \(and 1999 more words\): expected `\{` after the x{40}… name\.$/);
    assert.deepEqual([unexpected[0].range.start.character, unexpected[0].range.end.character], [4006, 4006 + 3999]);
    for (const d of diagnostics) assert.ok(d.message.length < 300, `${d.code}: ${d.message.length} characters`);
  });

  it('keeps the findings of a long line proportional to it, not to its square', () => {
    const sizes = [1000, 8000].map((n) => totalMessageLength(`device ${'D'.repeat(n)} ${'w '.repeat(n / 4)}{\n  host ${'h '.repeat(n / 4)}\n}\n`));
    assert.ok(sizes[1] < 2 * sizes[0] + 1000, `messages: ${sizes.join(' and ')} characters`);
  });

  it('reports too many values on one line once', () => {
    const { diagnostics } = validateDeviceText(`device D {\n  type dicom\n  host ${'h '.repeat(3000)}\n}\n`);
    const extra = diagnostics.filter((d) => d.code === 'extra-value');
    assert.equal(extra.length, 1);
    assert.match(extra[0].message, /^Unexpected `h` \(and 2998 more values\): `host` takes one value/);
  });

  it('stops at MAX_DEVICE_DIAGNOSTICS findings and says how many more there are', () => {
    const text = Array.from({ length: 500 }, (_, i) => `} # ${i}`).join('\n');
    const { diagnostics } = validateDeviceText(text);
    assert.equal(diagnostics.length, MAX_DEVICE_DIAGNOSTICS);
    const last = diagnostics[diagnostics.length - 1];
    assert.equal(last.code, 'too-many-problems');
    assert.equal(last.range.start.line, MAX_DEVICE_DIAGNOSTICS - 1);
    assert.match(last.message, /^301 more problems \(all errors\) from here on are not shown \(at most 200 per file\)/);
  });

  it('formats 10,000 nested `services {` lines without indenting each deeper', () => {
    const text = `device X {\n${'  services {\n'.repeat(10_000)}}\n`;
    const formatted = formatDeviceFile(text);
    // Before the fix each line was indented one level deeper than the last: 100 MB of spaces.
    assert.ok(formatted.length < 2 * text.length, `${formatted.length} characters`);
    assert.equal(formatted.split('\n')[5000], '    services {');
  });

  it('validates 5,000 nested block openers without recursing (no stack limit to hit, unlike rule nesting)', () => {
    // Item 5 of issue 10 asked whether block nesting overflows like `concat(` did: the device
    // parser is flat (a `device` line inside a block starts the next block), so nothing recurses.
    const text = `server S {\n${'device D {\n'.repeat(5_000)}${'}\n'.repeat(5_001)}`;
    const { diagnostics } = validateDeviceText(text);
    assert.ok(diagnostics.length > 0 && diagnostics.length <= MAX_DEVICE_DIAGNOSTICS + 1, `${diagnostics.length} findings`);
    assert.ok(diagnostics.every((d) => !/stack/i.test(d.message)));
    assert.ok(diagnostics.some((d) => d.code === 'missing-close-brace'), JSON.stringify(diagnostics.slice(0, 3)));
  });

  it('excerpt keeps short text and cuts long text without splitting a surrogate pair', () => {
    assert.equal(excerpt('short'), 'short');
    assert.equal(excerpt('y'.repeat(100)), `${'y'.repeat(EXCERPT_LIMIT)}…`);
    const cut = excerpt(`${'y'.repeat(EXCERPT_LIMIT - 1)}😀😀`);
    assert.equal(cut, `${'y'.repeat(EXCERPT_LIMIT - 1)}…`);
  });
});
