/** Tag text conversions shared by the dictionary, hover, completion and the CLI. */

export interface TagParts {
  group: number;
  element: number;
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** `(GGGG,EEEE)`, upper-case hex, as PS3.6 and the coercion language write it. */
export function formatTag(group: number, element: number): string {
  return `(${hex4(group)},${hex4(element)})`;
}

/** `group << 16 | element` as an unsigned 32-bit number (sorting, map keys). */
export function tagNumber(group: number, element: number): number {
  return ((group & 0xffff) * 0x10000) + (element & 0xffff);
}

const TAG_FORMS = [
  /^\(([0-9a-f]{4}),([0-9a-f]{4})\)$/i, // (gggg,eeee)
  /^([0-9a-f]{4}),([0-9a-f]{4})$/i, // gggg,eeee
  /^([0-9a-f]{4})([0-9a-f]{4})$/i, // ggggeeee
];

/** Accepts `(gggg,eeee)`, `gggg,eeee` and `ggggeeee` (any case, surrounding spaces ignored). */
export function parseTag(text: string): TagParts | undefined {
  const t = text.trim();
  for (const form of TAG_FORMS) {
    const m = form.exec(t);
    if (m) return { group: parseInt(m[1], 16), element: parseInt(m[2], 16) };
  }
  return undefined;
}
