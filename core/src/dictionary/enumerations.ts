/**
 * Enumerated Values (PS3.3) of attributes, for hover and the validator: a value outside them is
 * invalid. Data: enumerations.generated.json, written by scripts/generate-enumerations.mjs.
 */

export interface EnumeratedValues {
  tag: string;
  keyword: string;
  values: readonly string[];
  /** The PS3.3 module that defines them. */
  module: string;
  /** What the values mean, in a few words. */
  meaning: string;
}

type GeneratedFile = typeof import('./enumerations.generated.json');

let byTag: Map<string, EnumeratedValues> | undefined;

/** The enumerated values of the attribute `(gggg,eeee)` (upper-case hex), if PS3.3 has them. */
export function enumeratedValuesOf(tagText: string): EnumeratedValues | undefined {
  if (!byTag) {
    const file = require('./enumerations.generated.json') as GeneratedFile;
    byTag = new Map(file.entries.map((e) => [e.tag, e]));
  }
  return byTag.get(tagText.toUpperCase());
}
