/** One data element of the DICOM data dictionary (PS3.6). */
export interface DictionaryEntry {
  /** Tag as a number: group << 16 | element. For repeating groups, the 50xx/60xx base entry has
   *  group 0x5000/0x6000 and `repeatingMask` set. */
  tag: number;
  /** Canonical text `(gggg,eeee)`, upper-case hex; repeating groups written `(60xx,3000)`. */
  tagText: string;
  /** PS3.6 keyword, e.g. `PatientName`. Empty for the few entries that have none. */
  keyword: string;
  /** Display name, e.g. `Patient's Name`. */
  name: string;
  /** Value representation(s), e.g. `PN`, or `US or SS` (written `US|SS`). */
  vr: string;
  /** Value multiplicity, e.g. `1`, `1-n`, `2-2n`. */
  vm: string;
  retired: boolean;
  /** Set for repeating-group entries (50xx, 60xx): the mask that selects the group bits that vary. */
  repeatingMask?: number;
  /** Set for the few retired entries whose element varies, e.g. `(0028,04x0)` (mask 0x00F0);
   *  `tag` then holds the element with the varying bits zero. */
  repeatingElementMask?: number;
}

export interface DicomDictionary {
  /** Standard edition the data was generated from, e.g. `2024c`. */
  readonly edition: string;
  readonly entries: readonly DictionaryEntry[];
  /** Exact tag, then repeating groups (6002,3000 finds 60xx,3000). Private tags (odd group) give
   *  undefined; the caller decides what to say about them. */
  byTag(group: number, element: number): DictionaryEntry | undefined;
  /** Case-sensitive keyword lookup, e.g. `PatientName`. */
  byKeyword(keyword: string): DictionaryEntry | undefined;
  /** The entry whose keyword is `keyword` in any letter case (`patientname`). */
  byKeywordIgnoringCase(keyword: string): DictionaryEntry | undefined;
  /** Ranked matches for completion: keyword prefix, words of the name, or tag digits. */
  search(query: string, limit?: number): DictionaryEntry[];
}
