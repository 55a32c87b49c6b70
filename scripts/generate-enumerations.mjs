#!/usr/bin/env node
/**
 * Writes core/src/dictionary/enumerations.generated.json: the Enumerated Values (PS3.3) of the
 * attributes a coercion rule commonly writes. PS3.6 — the source of the data dictionary — has
 * no values at all, and no package we can install carries PS3.3's module tables, so the values
 * are transcribed here, by keyword, with the module that defines them. Only *Enumerated* Values
 * are listed (a value outside them is invalid), never Defined Terms (which may be extended).
 *
 * Each row was checked against dicom3tools' machine-readable transcription of PS3.3
 * (github.com/malaterre/dicom3tools: libsrc/standard/module/*.tpl names the StringEnumValues of
 * each attribute per module, libsrc/standard/strval/*.tpl lists them), Image Laterality's and
 * Content Qualification's modules corrected from that check; where modules differ, the row is
 * the widest set (a value outside it is invalid in every module) and the meaning says which
 * modules allow less.
 *
 * Usage: node scripts/generate-enumerations.mjs   (npm run generate:enumerations)
 * Each keyword is checked against the data dictionary, and the tag written from it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'core', 'src', 'dictionary', 'enumerations.generated.json');
const dictionary = JSON.parse(readFileSync(join(root, 'core', 'src', 'dictionary', 'dictionary.generated.json'), 'utf8'));

/** keyword → [values, module of PS3.3 that defines them, meaning of each value]. */
const ENUMERATED = {
  PatientSex: [['M', 'F', 'O'], 'Patient Module', 'M male, F female, O other'],
  PatientSexNeutered: [['ALTERED', 'UNALTERED'], 'Patient Module', 'ALTERED altered/neutered, UNALTERED unaltered/intact'],
  PatientIdentityRemoved: [['YES', 'NO'], 'Patient Module', 'YES when the identity was removed (de-identified)'],
  Laterality: [['R', 'L'], 'General Series Module', 'R right, L left'],
  ImageLaterality: [['R', 'L', 'U', 'B'], 'DX Anatomy Imaged Module', 'R right, L left, U unpaired, B both; the Mammography and Intra-oral Image Modules allow only R, L, B'],
  PresentationIntentType: [['FOR PRESENTATION', 'FOR PROCESSING'], 'DX Series Module', 'which processing the image is meant for'],
  BurnedInAnnotation: [['YES', 'NO'], 'General Image Module', 'whether the pixels contain burned-in text identifying the patient; some IODs (e.g. Enhanced MR, Ophthalmic Photography) allow only NO'],
  RecognizableVisualFeatures: [['YES', 'NO'], 'General Image Module', 'whether the image shows features that identify the patient'],
  LossyImageCompression: [['00', '01'], 'General Image Module', '00 never lossy compressed, 01 lossy compressed'],
  CompletionFlag: [['PARTIAL', 'COMPLETE'], 'SR Document General Module', 'whether the content is complete'],
  VerificationFlag: [['UNVERIFIED', 'VERIFIED'], 'SR Document General Module', 'whether the content was verified by an observer'],
  ContentQualification: [['PRODUCT', 'RESEARCH', 'SERVICE'], 'Enhanced CT, MR, PET and XA/XRF Image Modules', 'what the content was made for'],
};

const byKeyword = new Map(dictionary.rows.map((row) => [row[1], row]));
const entries = Object.entries(ENUMERATED).map(([keyword, [values, module, meaning]]) => {
  const row = byKeyword.get(keyword);
  if (!row) throw new Error(`${keyword} is not a keyword of the data dictionary`);
  return { tag: row[0], keyword, values, module, meaning };
}).sort((a, b) => a.tag.localeCompare(b.tag));

writeFileSync(out, JSON.stringify({
  generatedBy: 'scripts/generate-enumerations.mjs (npm run generate:enumerations); do not edit by hand',
  source: 'DICOM PS3.3 module definitions (Enumerated Values only), transcribed in the script',
  entries,
}, null, 2) + '\n');
console.log(`${out}: ${entries.length} attributes`);
