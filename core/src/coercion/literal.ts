/**
 * Writing values as coercion-language text: a quoted string with the language's escapes
 * (`\\`, `\"`, `\n`; docs/coercion-language.md), and a whole assignment rule such as
 * `(0010,0010)="DOE^JANE"` for "Copy as Rule".
 */

export function quoteString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** `target="value"`; `target` is how a rule names the attribute: `(gggg,eeee)` or `SEQ(...)`. */
export function assignmentRule(target: string, value: string): string {
  return `${target}=${quoteString(value)}`;
}
