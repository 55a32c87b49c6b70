/**
 * Which characters of a value a rule changed: the longest common subsequence of before and
 * after, as runs of kept, removed and added text. Values are short (the model clips them at 500
 * characters), so the quadratic table is small; past `MAX_CELLS` only the common prefix and
 * suffix are kept and the middle is marked as a whole.
 */
export type Segment = { kind: 'same' | 'removed' | 'added'; text: string };

const MAX_CELLS = 250_000;

function push(out: Segment[], kind: Segment['kind'], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last && last.kind === kind) last.text += text;
  else out.push({ kind, text });
}

/** Runs that turn `before` into `after`: `same` and `removed` spell before, `same` and `added` spell after. */
export function diffChars(before: string, after: string): Segment[] {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const a = before.slice(prefix, before.length - suffix);
  const b = after.slice(prefix, after.length - suffix);
  const out: Segment[] = [];
  push(out, 'same', before.slice(0, prefix));
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) {
    push(out, 'removed', a);
    push(out, 'added', b);
  } else {
    // lengths[i][j]: LCS length of a[i..] and b[j..].
    const width = b.length + 1;
    const lengths = new Uint16Array((a.length + 1) * width);
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1] + 1 : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        push(out, 'same', a[i]);
        i++;
        j++;
      } else if (j < b.length && (i === a.length || lengths[i * width + j + 1] >= lengths[(i + 1) * width + j])) {
        push(out, 'added', b[j++]);
      } else {
        push(out, 'removed', a[i++]);
      }
    }
  }
  push(out, 'same', before.slice(before.length - suffix));
  return cleanUp(out);
}

/**
 * A kept run of one or two characters between changes (the `i` shared by "Clinic" and
 * "Hospital") is noise to a reader: it becomes part of the change on both sides.
 */
function cleanUp(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  segments.forEach((s, i) => {
    const inner = i > 0 && i < segments.length - 1;
    if (s.kind === 'same' && inner && s.text.length <= 2) {
      push(out, 'removed', s.text);
      push(out, 'added', s.text);
    } else {
      push(out, s.kind, s.text);
    }
  });
  // Removed runs first, then added, within each changed stretch.
  const result: Segment[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    push(result, 'removed', removed);
    push(result, 'added', added);
    removed = added = '';
  };
  for (const s of out) {
    if (s.kind === 'same') {
      flush();
      push(result, 'same', s.text);
    } else if (s.kind === 'removed') removed += s.text;
    else added += s.text;
  }
  flush();
  return result;
}

/** The text of one side: `before` from same + removed runs, `after` from same + added. */
export function sideOf(segments: Segment[], side: 'before' | 'after'): Segment[] {
  return segments.filter((s) => s.kind === 'same' || s.kind === (side === 'before' ? 'removed' : 'added'));
}
