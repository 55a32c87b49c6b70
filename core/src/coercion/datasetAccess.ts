/**
 * What the rule evaluator needs from a data set, whatever it was read from (a Part 10 file, a
 * DICOM JSON object, or the preview's in-memory copy): read, write and delete one attribute's
 * value as a string, addressed by tag and SEQ path.
 *
 * Values are strings exactly as the coercion language sees them: the whole multi-valued value
 * with its backslashes, trailing padding removed; `null` when the attribute is absent.
 */
import { formatTag } from '../dictionary/tag';

/** One step into a sequence: the sequence attribute and the 0-based item. */
export interface SequenceStep {
  group: number;
  element: number;
  item: number;
}

/** An attribute at the top level (`sequence` empty) or inside nested sequence items. */
export interface AttributeRef {
  sequence: SequenceStep[];
  group: number;
  element: number;
}

/** Why an assignment cannot be made; the evaluator records the reason in the trace. */
export class AccessRefusal extends Error {
  constructor(message: string, readonly kind: 'skip' | 'error') {
    super(message);
    this.name = 'AccessRefusal';
  }
}

export interface DatasetAccess {
  /** The value, or null when the attribute (or one of its containing items) is absent. */
  get(ref: AttributeRef): string | null;
  /** True when every sequence and item on the path exists (always true at the top level). */
  hasContainer(ref: AttributeRef): boolean;
  /** The attribute's VR: as stored when present (explicit VR), else from the dictionary. */
  vrOf(ref: AttributeRef): string | undefined;
  /**
   * Creates or replaces the value. Throws AccessRefusal when it cannot be written. May return a
   * note for the trace (how it was written, when that is not the obvious way).
   */
  set(ref: AttributeRef, value: string): string | void;
  /** Removes the attribute if present. Throws AccessRefusal when it cannot be removed. */
  delete(ref: AttributeRef): string | void;
}

/** `(0010,0010)` or `SEQ(0008,1140,0,0008,1155)`, the way a rule would name the attribute. */
export function formatRef(ref: AttributeRef): string {
  if (ref.sequence.length === 0) return formatTag(ref.group, ref.element);
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
  const parts = ref.sequence.map((s) => `${hex(s.group)},${hex(s.element)},${s.item}`);
  return `SEQ(${parts.join(',')},${hex(ref.group)},${hex(ref.element)})`;
}

/** A stable map key for a reference (cheap: called for every assignment). */
export function refKey(ref: AttributeRef): string {
  let key = String(((ref.group << 16) | ref.element) >>> 0);
  for (const s of ref.sequence) key = `${((s.group << 16) | s.element) >>> 0}.${s.item}/${key}`;
  return key;
}
