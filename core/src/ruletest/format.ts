/**
 * Formatter of rule-test files: `rules` and `case` lines start at column 0, the lines of a case
 * are indented by two spaces, words are separated by one space, values are formatted as the
 * coercion formatter formats a rule, one blank line separates cases. A line with an error is
 * only re-indented. Never changes what a test means.
 */
import { formatRuleLine } from '../coercion/format';
import { splitLines } from '../coercion/fileParser';
import type { AttributeNode, Expectation, TestLine, ValueNode } from './ast';
import { parseRuleTest } from './parser';

const quote = (s: string): string => `"${s.replace(/"/g, '\\"')}"`;

function attribute(a: AttributeNode): string {
  return a.text.startsWith('(') || /^SEQ\(/i.test(a.text) ? a.text.replace(/\s+/g, '').toUpperCase() : a.text;
}

function value(v: ValueNode): string {
  if (v.kind === 'absent') return 'absent';
  // The coercion formatter on `$(v)=EXPR`, prefix taken off again.
  const formatted = formatRuleLine(`$(v)=${v.text}`);
  return formatted.startsWith('$(v)=') ? formatted.slice(5) : v.text;
}

function expectation(e: Expectation): string {
  switch (e.kind) {
    case 'stopped': return e.stopped ? 'expect stopped' : 'expect not stopped';
    case 'snapshot': return 'expect snapshot';
    case 'unchanged': return `expect ${attribute(e.attribute)} is unchanged`;
    case 'value': return `expect ${attribute(e.attribute)} is ${value(e.value)}`;
  }
}

function formatLine(line: TestLine, original: string, inCase: boolean): string {
  const indent = inCase ? '  ' : '';
  switch (line.kind) {
    case 'blank': return '';
    case 'comment': return `${indent}${line.text}`;
    case 'invalid': return `${indent}${original.trim()}`;
    case 'rules': {
      const r = line.node;
      return r.kind === 'file' ? `rules ${quote(r.path)}` : `rules device ${r.device} in ${quote(r.table)}`;
    }
    case 'case': return `case ${quote(line.node.name)}`;
    case 'from': return `  from ${quote(line.node.path)}`;
    case 'with': return `  with ${attribute(line.node.attribute)} ${value(line.node.value)}`;
    case 'expect': return `  ${expectation(line.node)}`;
  }
}

export function formatRuleTest(text: string): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const { file } = parseRuleTest(text);
  const originals = splitLines(bom ? text.slice(1) : text);
  const out: string[] = [];
  let inCase = false;
  file.lines.forEach((line, i) => {
    if (line.kind === 'case') {
      inCase = true;
      // One blank line before a case (none at the top of the file), or before the comment
      // lines right above it, which describe it.
      if (!out.length || !out[out.length - 1].startsWith('#')) {
        while (out.length && out[out.length - 1] === '') out.pop();
        if (out.length) out.push('');
      }
    }
    // A blank line ends a case's block: a comment after it is about what follows.
    if (line.kind === 'rules' || line.kind === 'blank') inCase = false;
    const formatted = formatLine(line, originals[i], inCase && line.kind !== 'case');
    // Runs of blank lines become one.
    if (formatted === '' && (out.length === 0 || out[out.length - 1] === '')) return;
    out.push(formatted);
  });
  while (out.length && out[out.length - 1] === '') out.pop();
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  return `${bom}${out.join(eol)}${eol}`;
}
