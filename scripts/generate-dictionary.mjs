// Generates core/src/dictionary/dictionary.generated.json, the DICOM data dictionary that the
// language server and CLI ship with. Run with `npm run generate:dictionary`; never edit the
// output by hand. Output is sorted and stable: re-running with the same packages gives no diff.
//
// Sources (both installed npm packages, no network):
//   - dcmjs (its `dcmjs/dictionary` export, cross-checked against the runtime
//     `DicomMetaDictionary.nameMap`): tag, keyword, VR, VM, retired flag (RETIRED_ prefix),
//     repeating groups written `(6000-60FF,eeee)`. Newer than PS3.6-2022b; see docs/dictionary.md.
//   - @iwharris/dicom-data-dictionary: display names (PS3.6-2019e), and the few old repeating
//     entries that dcmjs lacks (e.g. (0028,04x0), (7Fxx,0010)).
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const outFile = path.join(root, 'core/src/dictionary/dictionary.generated.json');

// dcmjs's `exports` hides its package.json, so read it from node_modules directly.
const versionOf = (pkg) =>
  JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;

const { dictionary: dcmjsDictionary } = await import(require.resolve('dcmjs/dictionary'));
const dcmjs = require('dcmjs');
const iwharris = require('@iwharris/dicom-data-dictionary');

// dcmjs uses DCMTK's pseudo-VRs for elements whose VR depends on context.
const DCMJS_VR = { ox: 'OB|OW', xs: 'US|SS', lt: 'US|SS|OW', up: 'UL', na: '' };

function fail(message) {
  console.error(`generate-dictionary: ${message}`);
  process.exit(1);
}

/** `(6000-60FF,3000)` → `(60xx,3000)`, `(0020,3100-31FF)` → `(0020,31xx)`; hex upper-cased.
 *  Every range in PS3.6 is nibble-aligned, so the `x` notation loses nothing (checked). */
function normaliseDcmjsTag(tag) {
  const m = /^\(([0-9A-Fa-f]{4}(?:-[0-9A-Fa-f]{4})?),([0-9A-Fa-f]{4}(?:-[0-9A-Fa-f]{4})?)\)$/.exec(tag);
  if (!m) return undefined;
  return `(${rangeToPattern(m[1], tag)},${rangeToPattern(m[2], tag)})`;
}

function rangeToPattern(part, tag) {
  const [lo, hi] = part.toUpperCase().split('-');
  if (!hi) return lo;
  const pattern = [...lo].map((c, i) => (c === hi[i] ? c : c === '0' && hi[i] === 'F' ? 'x' : '?')).join('');
  if (pattern.includes('?')) fail(`range ${tag} is not nibble-aligned`);
  return pattern;
}

/** iwharris writes `(60xx,3000)`, `(0028,04x0)`: hex upper, `x` lower. */
function normaliseIwharrisTag(tag) {
  const m = /^\(([0-9A-Fa-fx]{4}),([0-9A-Fa-fx]{4})\)$/.exec(tag);
  if (!m) fail(`unexpected iwharris tag ${tag}`);
  const up = (s) => s.replace(/[0-9a-f]/g, (c) => c.toUpperCase());
  return `(${up(m[1])},${up(m[2])})`;
}

function decodeEntities(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The XML of PS3.6 carries zero-width spaces and line breaks inside some names. */
function cleanName(text) {
  return decodeEntities(text).replace(/[\u200b\u200c\u200d\ufeff]/g, '').replace(/\s+/g, ' ').trim();
}

/** `SOPClassUID` → `SOP Class UID`, `NumberOfFrames` → `Number of Frames` (PS3.6 mostly writes
 *  these small words in lower case inside a name). */
function nameFromKeyword(keyword) {
  return keyword
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .replace(/ (Of|To|And|The|In|Or)(?= )/g, (m) => m.toLowerCase());
}

function iwharrisVr(vr) {
  const v = vr.trim();
  if (/^see note/i.test(v)) return '';
  return v.split(/\s+or\s+/).join('|');
}

// ---- dcmjs ----
const rows = new Map(); // tagText -> row
let dcmjsCount = 0;
for (const e of Object.values(dcmjsDictionary)) {
  // PrivateTag: vendor dictionaries; PRIVATE/ILLEGAL/GENERIC: DCMTK-style catch-all ranges such
  // as (0009-o-FFFF,0000) that core/src/dictionary/index.ts implements as rules instead.
  if (!e || !e.tag || ['PrivateTag', 'PRIVATE', 'ILLEGAL', 'GENERIC'].includes(e.version)) continue;
  const tagText = normaliseDcmjsTag(e.tag);
  if (!tagText) fail(`unexpected dcmjs tag ${e.tag}`);
  const retired = e.name.startsWith('RETIRED_');
  let keyword = retired ? e.name.slice('RETIRED_'.length) : e.name;
  if (keyword === 'undefined') keyword = ''; // PS3.6 has a few retired elements without keyword
  if (!(e.vr in DCMJS_VR) && !/^[A-Z]{2}$/.test(e.vr)) fail(`unexpected VR ${e.vr} at ${e.tag}`);
  const vr = e.vr in DCMJS_VR ? DCMJS_VR[e.vr] : e.vr;
  if (rows.has(tagText)) fail(`duplicate dcmjs tag ${tagText}`);
  rows.set(tagText, { tagText, keyword, name: '', vr, vm: e.vm, retired, from: 'dcmjs' });
  dcmjsCount++;
}

// The runtime nameMap is what dcmjs itself uses; make sure the export we read agrees with it.
const nameMap = dcmjs.data.DicomMetaDictionary.nameMap;
for (const [name, e] of Object.entries(nameMap)) {
  const row = rows.get(normaliseDcmjsTag(e.tag)) ??
    [...rows.values()].find((r) => r.tagText.includes('x') && matchesPattern(r.tagText, e.tag));
  const keyword = name === 'RETIRED_undefined' ? '' : name.replace(/^RETIRED_/, '');
  if (!row || row.keyword !== keyword || row.vm !== e.vm) fail(`nameMap entry ${name} ${e.tag} disagrees`);
}

function matchesPattern(pattern, tagText) {
  return [...pattern].every((c, i) => c === 'x' || c === tagText[i]);
}

// ---- iwharris ----
let namesFromIwharris = 0;
let iwharrisOnly = 0;
let renamedSince2019e = 0;
for (const e of Object.values(iwharris.elements)) {
  const tagText = normaliseIwharrisTag(e.tag);
  const name = cleanName(e.name);
  const keyword = cleanName(e.keyword);
  let row = rows.get(tagText);
  if (!row && tagText.includes('x')) row = adoptPattern(tagText, keyword);
  if (!row) {
    rows.set(tagText, {
      tagText, keyword, name, vr: iwharrisVr(e.vr), vm: e.vm.trim(), retired: !!e.isRetired, from: 'iwharris',
    });
    iwharrisOnly++;
    namesFromIwharris++;
  } else if (row.keyword === '' || row.keyword === keyword) {
    if (row.keyword === '') row.keyword = keyword;
    row.name = name;
    namesFromIwharris++;
  } else {
    renamedSince2019e++; // keyword changed after 2019e, so the 2019e name is stale
  }
}

/** dcmjs (like DCMTK) lists some old repeating elements as one instance, e.g. (0028,0410) for
 *  PS3.6's (0028,04x0). Re-key such a row to the PS3.6 pattern so every instance is found. */
function adoptPattern(pattern, keyword) {
  const row = [...rows.values()].find((r) => r.keyword === keyword && matchesPattern(pattern, r.tagText));
  if (!row) return undefined;
  rows.delete(row.tagText);
  row.tagText = pattern;
  rows.set(pattern, row);
  return row;
}

let namesDerived = 0;
for (const row of rows.values()) {
  if (row.name) continue;
  row.name = row.keyword ? nameFromKeyword(row.keyword) : 'Unnamed retired element';
  namesDerived++;
}

// Keywords must be unique for byKeyword to mean anything.
const seen = new Map();
for (const row of rows.values()) {
  if (!row.keyword) continue;
  if (seen.has(row.keyword)) fail(`keyword ${row.keyword} on ${seen.get(row.keyword)} and ${row.tagText}`);
  seen.set(row.keyword, row.tagText);
}

const sortKey = (t) => t.replace(/x/g, '0') + t; // base tag number first, pattern text breaks ties
const sorted = [...rows.values()].sort((a, b) => (sortKey(a.tagText) < sortKey(b.tagText) ? -1 : 1));

const counts = {
  entries: sorted.length,
  retired: sorted.filter((r) => r.retired).length,
  repeating: sorted.filter((r) => r.tagText.includes('x')).length,
  fromDcmjs: dcmjsCount,
  onlyInIwharris: iwharrisOnly,
  namesFromIwharris,
  namesDerivedFromKeyword: namesDerived,
  keywordsRenamedSince2019e: renamedSince2019e,
};

const header = {
  generatedBy: 'scripts/generate-dictionary.mjs (npm run generate:dictionary); do not edit by hand',
  edition: 'newer than 2022b (dcmjs does not record its edition); names from 2019e',
  sources: [
    `dcmjs ${versionOf('dcmjs')}: tag, keyword, VR, VM, retired flag, repeating groups`,
    `@iwharris/dicom-data-dictionary ${versionOf('@iwharris/dicom-data-dictionary')} (PS3.6-${iwharris.revision}): display names; old repeating entries missing from dcmjs`,
  ],
  columns: ['tag', 'keyword', 'name', 'vr', 'vm', 'retired'],
  counts,
};

const lines = sorted.map((r) =>
  JSON.stringify([r.tagText, r.keyword, r.name, r.vr, r.vm, r.retired ? 1 : 0]));
const text =
  JSON.stringify(header, null, 2).replace(/\n}$/, ',\n') +
  `  "rows": [\n    ${lines.join(',\n    ')}\n  ]\n}\n`;
JSON.parse(text); // never write a file we cannot read back
const relative = path.relative(root, outFile);
if (process.argv.includes('--check')) {
  // Used by the unit tests: the committed file must be exactly what the packages produce.
  const current = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  if (current !== text) fail(`${relative} is out of date; run npm run generate:dictionary`);
  console.log(`generate-dictionary: ${relative} is up to date`);
} else {
  writeFileSync(outFile, text);
  console.log(`generate-dictionary: wrote ${relative}`, counts);
}
