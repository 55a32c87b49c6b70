/**
 * What kind of thing belongs at the cursor, decided from the text of the line before it.
 * Works on half-typed text (`(0010,`, `concat(`, `$(na`), where a tree would be mostly
 * recovery nodes, and costs one pass over one line.
 */

export type Side = 'lvalue' | 'value';

export type CompletionContext =
  | { kind: 'none' }
  /** A target or a value: `typed` is the partial word before the cursor (may be empty or `$`). */
  | { kind: 'slot'; side: Side; typed: string; replaceStart: number; replaceEnd: number }
  /** Inside `(`…: a tag being typed by number or keyword; the edit replaces it from its `(`. */
  | { kind: 'tag'; side: Side; typed: string; replaceStart: number; replaceEnd: number }
  /** Inside `$(`…: a variable name. */
  | { kind: 'variable'; side: Side; typed: string; replaceStart: number; replaceEnd: number; closed: boolean };

type Open = 'call' | 'tag' | 'var' | 'seq' | 'user';

const WORD = /[A-Za-z0-9_]/;

/**
 * @param line whole text of the line
 * @param character cursor offset in it
 */
export function completionContext(line: string, character: number): CompletionContext {
  const before = line.slice(0, character);
  if (/^\s*#/.test(before)) return { kind: 'none' };

  const stack: Array<{ kind: Open; at: number }> = [];
  let inString = false;
  let seenEquals = false;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '=' && stack.length === 0) seenEquals = true;
    else if (c === ')') stack.pop();
    else if (c === '(') stack.push({ kind: openKind(before, i), at: i });
  }
  if (inString) return { kind: 'none' };
  const side: Side = seenEquals ? 'value' : 'lvalue';
  const top = stack[stack.length - 1];

  if (top?.kind === 'var') {
    const typed = before.slice(top.at + 1);
    if (!/^\s*@?[A-Za-z0-9_.-]*$/.test(typed)) return { kind: 'none' };
    const rest = /^[A-Za-z0-9_.@-]*(\))?/.exec(line.slice(character))!;
    return {
      kind: 'variable', side, typed: typed.trim(), replaceStart: top.at + 1,
      replaceEnd: character + rest[0].length, closed: rest[1] !== undefined,
    };
  }
  if (top?.kind === 'tag') {
    const typed = before.slice(top.at);
    // `(0010,00` or `(Patient`: anything else inside a bare parenthesis is not a tag.
    if (!/^\(\s*[A-Za-z0-9_' ]*(,\s*[0-9A-Fa-f]{0,4})?$/.test(typed)) return { kind: 'none' };
    const rest = /^[0-9A-Fa-f,]*\)?/.exec(line.slice(character))!;
    const tagSide: Side = before.slice(0, top.at).trim().length === 0 ? 'lvalue' : 'value';
    return { kind: 'tag', side: tagSide, typed, replaceStart: top.at, replaceEnd: character + rest[0].length };
  }
  if (top && top.kind !== 'call') return { kind: 'none' }; // SEQ(...) / USER(...) arguments

  // A target or value may be typed as several words of an attribute's name (`study desc`).
  const word = /(?:[A-Za-z][A-Za-z0-9_]* +)+[A-Za-z0-9_]*$/.exec(before)?.[0] ?? /\$?[A-Za-z0-9_]*$/.exec(before)![0];
  const wordStart = character - word.length;
  const prev = before.slice(0, wordStart).trimEnd();
  const prevChar = prev[prev.length - 1];
  const slotOk = top ? prevChar === '(' || prevChar === ',' : seenEquals ? prevChar === '=' : prev.length === 0;
  if (!slotOk) return { kind: 'none' };
  const restWord = /^[A-Za-z0-9_]*/.exec(line.slice(character))![0];
  return { kind: 'slot', side: top ? 'value' : side, typed: word, replaceStart: wordStart, replaceEnd: character + restWord.length };
}

/** What the `(` at `i` opens, judged by the word right before it. */
function openKind(text: string, i: number): Open {
  let j = i;
  while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
  if (text[j - 1] === '$') return 'var';
  let k = j;
  while (k > 0 && WORD.test(text[k - 1])) k--;
  if (k === j) return 'tag';
  const word = text.slice(k, j).toUpperCase();
  return word === 'SEQ' ? 'seq' : word === 'USER' ? 'user' : 'call';
}
