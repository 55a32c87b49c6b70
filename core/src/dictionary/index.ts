/**
 * The DICOM data dictionary (PS3.6) behind hover, completion, validation and the CLI.
 * Data: dictionary.generated.json, written by scripts/generate-dictionary.mjs (docs/dictionary.md).
 */
import type { DicomDictionary, DictionaryEntry } from './types';
import { formatTag, parseTag, tagNumber } from './tag';

export type { DicomDictionary, DictionaryEntry } from './types';
export { formatTag, parseTag, tagNumber } from './tag';

/** Shape of dictionary.generated.json. A type-only import: tsc copies the file to out/ for tests,
 *  and the data itself is only read (and bundled by esbuild) through the require() below. */
type GeneratedFile = typeof import('./dictionary.generated.json');
type Row = [string, string, string, string, string, number];

/** Private data elements live in odd groups, except 0001-0007 and FFFF (PS3.5 7.8.1). */
export function isPrivateGroup(group: number): boolean {
  return (group & 1) === 1 && group > 0x0007 && group !== 0xffff;
}

/** Private Creator elements: (gggg,0010)-(gggg,00FF) of a private group (PS3.5 7.8.1). */
export function isPrivateCreator(group: number, element: number): boolean {
  return isPrivateGroup(group) && element >= 0x0010 && element <= 0x00ff;
}

/** For a private data element (gggg,xxee), xx >= 0x10: the creator element (gggg,00xx) that
 *  reserves its block. Undefined for anything else. */
export function privateCreatorElementFor(group: number, element: number): number | undefined {
  if (!isPrivateGroup(group) || element < 0x1000) return undefined;
  return element >> 8;
}

/** Default number of results of `search`. */
export const DEFAULT_SEARCH_LIMIT = 50;

interface Pattern {
  group: number;
  groupMask: number;
  element: number;
  elementMask: number;
  entry: DictionaryEntry;
}

interface TagIndex {
  exact: Map<number, number>;
  patterns: Pattern[];
}

/** What search compares against, lower-cased once at load. */
interface SearchKey {
  entry: DictionaryEntry;
  keyword: string;
  /** Words of the display name and of the keyword split at capitals. */
  words: string[];
  /** Eight hex digits, upper-case; `x` where a repeating entry varies. */
  digits: string;
}

/** Search tiers, best first (see docs/dictionary.md). */
const enum Tier {
  ExactKeyword = 0,
  ExactTag = 1,
  KeywordPrefix = 2,
  WordPrefixes = 3,
  TagPrefix = 4,
  KeywordContains = 5,
  /** Digits-only-in-letters queries such as "fffe": tags last, since "face" is a word. */
  HexWordTag = 6,
}
const TIER_COUNT = 7;

/** `(60xx,3000)` → base 0x6000 and mask 0x00FF for the part. */
function partFromPattern(text: string): { value: number; mask: number } {
  let value = 0;
  let mask = 0;
  for (const c of text) {
    value <<= 4;
    mask <<= 4;
    if (c === 'x') mask |= 0xf;
    else value |= parseInt(c, 16);
  }
  return { value, mask };
}

/** Name words plus keyword words split at capitals (`SOPClassUID` → sop, class, uid). */
function wordsOf(entry: DictionaryEntry): string[] {
  const words: string[] = entry.name.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  for (const w of entry.keyword.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+/g) ?? []) {
    const lower = w.toLowerCase();
    if (!words.includes(lower)) words.push(lower);
  }
  return words;
}

/**
 * Indexes are built on first use, and entry objects one by one as they are asked for: `pacsw
 * apply` looks up a few dozen tags and should not pay for 5,000 entries (about 15 ms).
 */
class Dictionary implements DicomDictionary {
  readonly edition: string;
  private readonly rows: Row[];
  private readonly made: Array<DictionaryEntry | undefined>;
  private tagIndexCache: TagIndex | undefined;
  private keywordCache: Map<string, number> | undefined;
  private lowerKeywordCache: Map<string, number> | undefined;
  private entriesCache: DictionaryEntry[] | undefined;
  private readonly groupLengths = new Map<number, DictionaryEntry>();
  /** Built on the first search, so that hover-only use does not pay for it. */
  private keysCache: SearchKey[] | undefined;

  constructor(file: GeneratedFile) {
    this.edition = file.edition;
    this.rows = file.rows as Row[];
    this.made = new Array<DictionaryEntry | undefined>(this.rows.length);
  }

  get entries(): readonly DictionaryEntry[] {
    this.entriesCache ??= this.rows.map((_, i) => this.entry(i));
    return this.entriesCache;
  }

  private entry(index: number): DictionaryEntry {
    let entry = this.made[index];
    if (!entry) {
      const [tagText, keyword, name, vr, vm, retired] = this.rows[index];
      const g = partFromPattern(tagText.slice(1, 5));
      const e = partFromPattern(tagText.slice(6, 10));
      entry = { tag: tagNumber(g.value, e.value), tagText, keyword, name, vr, vm, retired: retired === 1 };
      if (g.mask) entry.repeatingMask = g.mask;
      if (e.mask) entry.repeatingElementMask = e.mask;
      this.made[index] = entry;
    }
    return entry;
  }

  /** Tag number → row for exact tags; repeating entries (`x` digits) as patterns, tried in order. */
  private get tagIndex(): TagIndex {
    if (!this.tagIndexCache) {
      const exact = new Map<number, number>();
      const patterns: Pattern[] = [];
      this.rows.forEach(([tagText], i) => {
        if (!tagText.includes('x')) {
          exact.set(parseInt(tagText.slice(1, 5) + tagText.slice(6, 10), 16), i);
          return;
        }
        const entry = this.entry(i);
        patterns.push({
          group: entry.tag >>> 16, groupMask: entry.repeatingMask ?? 0,
          element: entry.tag & 0xffff, elementMask: entry.repeatingElementMask ?? 0,
          entry,
        });
      });
      this.tagIndexCache = { exact, patterns };
    }
    return this.tagIndexCache;
  }

  private get keys(): SearchKey[] {
    this.keysCache ??= this.entries.map((entry) => ({
      entry,
      keyword: entry.keyword.toLowerCase(),
      words: wordsOf(entry),
      digits: entry.tagText.slice(1, 5) + entry.tagText.slice(6, 10),
    }));
    return this.keysCache;
  }

  byTag(group: number, element: number): DictionaryEntry | undefined {
    if ((group & 1) === 1) return undefined; // private (or illegal odd) group: caller decides
    const { exact, patterns } = this.tagIndex;
    const hit = exact.get(tagNumber(group, element));
    if (hit !== undefined) return this.entry(hit);
    if (element === 0x0000) return this.groupLength(group);
    for (const p of patterns) {
      if ((group & ~p.groupMask) === p.group && (element & ~p.elementMask) === p.element) return p.entry;
    }
    return undefined;
  }

  byKeyword(keyword: string): DictionaryEntry | undefined {
    if (!this.keywordCache) {
      this.keywordCache = new Map();
      this.rows.forEach(([, k], i) => {
        if (k) this.keywordCache!.set(k, i);
      });
    }
    const index = this.keywordCache.get(keyword);
    return index === undefined ? undefined : this.entry(index);
  }

  byKeywordIgnoringCase(keyword: string): DictionaryEntry | undefined {
    if (!this.lowerKeywordCache) {
      this.lowerKeywordCache = new Map();
      this.rows.forEach(([, k], i) => {
        const lower = k.toLowerCase();
        if (k && !this.lowerKeywordCache!.has(lower)) this.lowerKeywordCache!.set(lower, i);
      });
    }
    const index = this.lowerKeywordCache.get(keyword.toLowerCase());
    return index === undefined ? undefined : this.entry(index);
  }

  search(query: string, limit = DEFAULT_SEARCH_LIMIT): DictionaryEntry[] {
    if (limit <= 0) return [];
    const q = query.trim().toLowerCase();
    if (!q) return this.entries.filter((e) => !e.retired).slice(0, limit);

    const compact = q.replace(/[^a-z0-9]/g, '');
    const queryWords = q.split(/[^a-z0-9]+/).filter(Boolean);
    const tagQuery = parseTagQuery(q);
    const hexWord = !/[0-9]/.test(q);
    // buckets[tier * 2 + (retired ? 1 : 0)]: non-retired before retired within a tier.
    const buckets: SearchKey[][] = Array.from({ length: TIER_COUNT * 2 }, () => []);

    for (const key of this.keys) {
      const tier = this.tierOf(key, compact, queryWords, tagQuery, hexWord);
      if (tier !== undefined) buckets[tier * 2 + (key.entry.retired ? 1 : 0)].push(key);
    }

    const result: DictionaryEntry[] = [];
    for (let b = 0; b < buckets.length && result.length < limit; b++) {
      const bucket = buckets[b];
      if (bucket.length === 0) continue;
      const tier = b >> 1;
      // Tag tiers read best in tag order; keyword tiers: shortest (closest) keyword first.
      if (tier !== Tier.ExactTag && tier !== Tier.TagPrefix && tier !== Tier.HexWordTag) {
        bucket.sort((a, c) => a.keyword.length - c.keyword.length || a.entry.tag - c.entry.tag);
      }
      for (const key of bucket) {
        result.push(key.entry);
        if (result.length >= limit) break;
      }
    }
    return result;
  }

  private tierOf(
    key: SearchKey, compact: string, queryWords: string[], tagQuery: string | undefined, hexWord: boolean,
  ): Tier | undefined {
    if (compact && key.keyword) {
      if (key.keyword === compact) return Tier.ExactKeyword;
      if (key.keyword.startsWith(compact)) return Tier.KeywordPrefix;
    }
    const tagMatch = tagQuery !== undefined && digitsMatch(key.digits, tagQuery);
    if (tagMatch && !hexWord) return tagQuery.length === 8 ? Tier.ExactTag : Tier.TagPrefix;
    if (queryWords.length > 0 && queryWords.every((w) => key.words.some((kw) => kw.startsWith(w)))) {
      return Tier.WordPrefixes;
    }
    if (compact.length >= 3 && key.keyword.includes(compact)) return Tier.KeywordContains;
    return tagMatch ? Tier.HexWordTag : undefined;
  }

  /** (gggg,0000) of a group without its own entry: Group Length, retired since PS3.5-2008
   *  for every group but 0000 and 0002 (which have exact entries). */
  private groupLength(group: number): DictionaryEntry {
    let entry = this.groupLengths.get(group);
    if (!entry) {
      entry = { tag: tagNumber(group, 0), tagText: formatTag(group, 0), keyword: '', name: 'Group Length', vr: 'UL', vm: '1', retired: true };
      this.groupLengths.set(group, entry);
    }
    return entry;
  }
}

/**
 * Tag-number part of a query as upper-case hex digits, or undefined when the query is not
 * tag-like. `0010` and `00100010` are prefixes of the 8 digits; `(0010,00` pads the group.
 */
function parseTagQuery(q: string): string | undefined {
  const full = parseTag(q);
  if (full) return formatTag(full.group, full.element).replace(/[(),]/g, '');
  const m = /^\(?([0-9a-f]{1,8})(?:,([0-9a-f]{0,4}))?\)?$/.exec(q);
  if (!m) return undefined;
  if (m[2] === undefined) return m[1].toUpperCase();
  if (m[1].length > 4) return undefined;
  return (m[1].padStart(4, '0') + m[2]).toUpperCase();
}

/** Prefix match of hex digits, `x` in the entry matching any digit. */
function digitsMatch(entryDigits: string, queryDigits: string): boolean {
  for (let i = 0; i < queryDigits.length; i++) {
    const c = entryDigits[i];
    if (c !== 'x' && c !== queryDigits[i]) return false;
  }
  return true;
}

let instance: Dictionary | undefined;

/** The dictionary, loaded on first use (about 5,000 entries; a few milliseconds). */
export function getDictionary(): DicomDictionary {
  if (!instance) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    instance = new Dictionary(require('./dictionary.generated.json') as GeneratedFile);
  }
  return instance;
}
