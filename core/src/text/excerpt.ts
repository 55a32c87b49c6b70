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
