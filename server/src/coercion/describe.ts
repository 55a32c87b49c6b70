/** Markdown descriptions shared by hover and completion, so both say the same thing. */
import type { DictionaryEntry } from '../../../core/src/dictionary/types';
import { enumeratedValuesOf } from '../../../core/src/dictionary/enumerations';
import { vrRequirements } from '../../../core/src/coercion/vrRules';
import { signatureLabel, type FunctionInfo } from '../../../core/src/coercion/functions';
import type { CoercionDialect } from '../languages';
import { settingId, SETTINGS } from '../../../core/src/contributes';

export function tagDocumentation(entry: DictionaryEntry): string {
  const lines = [
    `**${entry.name}**${entry.keyword ? ` \`${entry.keyword}\`` : ''}`,
    '',
    `Tag \`${entry.tagText}\` · VR \`${entry.vr}\` · VM \`${entry.vm}\``,
  ];
  if (entry.retired) lines.push('', '*Retired* from the DICOM standard.');
  const requirements = vrRequirements(entry.vr);
  if (requirements) lines.push('', `**A value:** ${requirements.join(' · ')}`);
  const enumerated = enumeratedValuesOf(entry.tagText);
  if (enumerated) {
    lines.push('', `**Enumerated values** (PS3.3 ${enumerated.module}): ${enumerated.values.map((v) => `\`${v}\``).join(', ')} — ${enumerated.meaning}. Any other value is invalid.`);
  }
  lines.push('', `[${entry.tagText} in the DICOM standard (PS3.6 registry)](${DICOM_REGISTRY_URL})`);
  return lines.join('\n');
}

/** PS3.6 chapter 6, the registry of data elements (the current edition on the NEMA site). */
export const DICOM_REGISTRY_URL = 'https://dicom.nema.org/medical/dicom/current/output/chtml/part06/chapter_6.html';

export function functionDocumentation(f: FunctionInfo, dialect: CoercionDialect): string {
  const lines = ['```pacs-coercion', signatureLabel(f), '```', '', f.summary, ''];
  for (const p of f.params) lines.push(`- \`${p.name}\`: ${p.doc}`);
  if (f.repeats) lines.push(`- \`${f.repeats.name}...\`: ${f.repeats.doc}`);
  lines.push('', `**NULL:** ${f.nullBehaviour}`);
  if (f.decisions) lines.push('', `**Where the eRAD help is silent:** ${f.decisions}`);
  if (f.dialect === 'extension') {
    lines.push('', dialect === 'strict'
      ? `**PACS Workbench extension**: eRAD PACS may reject it. An error in the \`strict\` dialect (setting \`${settingId(SETTINGS.dialect)}\`).`
      : '**PACS Workbench extension**: not portable to eRAD PACS.');
  }
  if (f.example) lines.push('', 'Example:', '```pacs-coercion', f.example, '```');
  return lines.join('\n');
}
