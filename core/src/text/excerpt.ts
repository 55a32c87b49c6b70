/**
 * Short quotations of user text for messages. A message that quotes a whole word or line
 * grows with the input: a 70 KB line quoted once per token made diagnostics quadratic.
 */

/** Longest quotation a message carries, in UTF-16 code units. */
export const EXCERPT_LIMIT = 40;

/** `text` when it is short, else its start and an ellipsis. */
export function excerpt(text: string, limit = EXCERPT_LIMIT): string {
  if (text.length <= limit) return text;
  // Do not cut a surrogate pair in two.
  let end = limit;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A path (or another text whose end matters as much as its start) when short, else its start, an ellipsis and its end. */
export function excerptMiddle(text: string, limit = 2 * EXCERPT_LIMIT): string {
  if (text.length <= limit) return text;
  const head = excerpt(text, Math.ceil(limit / 2)).slice(0, -1);
  let from = text.length - Math.floor(limit / 2);
  const c = text.charCodeAt(from);
  if (c >= 0xdc00 && c <= 0xdfff) from++;
  return `${head}…${text.slice(from)}`;
}

/** A list of names for a message: all of them when few, else the first `count` and how many more. */
export function excerptList(names: readonly string[], count = 10): string {
  const shown = names.slice(0, count).map((n) => excerpt(n)).join(', ');
  return names.length > count ? `${shown} and ${names.length - count} more` : shown;
}
