/** Markdown descriptions shared by hover and completion, so both say the same thing. */
import type { DictionaryEntry } from '../../../core/src/dictionary/types';
import { signatureLabel, type FunctionInfo } from '../../../core/src/coercion/functions';
import type { CoercionDialect } from '../languages';

export function tagDocumentation(entry: DictionaryEntry): string {
  const lines = [
    `**${entry.name}**${entry.keyword ? ` \`${entry.keyword}\`` : ''}`,
    '',
    `Tag \`${entry.tagText}\` · VR \`${entry.vr}\` · VM \`${entry.vm}\``,
  ];
  if (entry.retired) lines.push('', '*Retired* from the DICOM standard.');
  return lines.join('\n');
}

export function functionDocumentation(f: FunctionInfo, dialect: CoercionDialect): string {
  const lines = ['```pacs-coercion', signatureLabel(f), '```', '', f.summary, ''];
  for (const p of f.params) lines.push(`- \`${p.name}\`: ${p.doc}`);
  if (f.repeats) lines.push(`- \`${f.repeats.name}...\`: ${f.repeats.doc}`);
  lines.push('', `**NULL:** ${f.nullBehaviour}`);
  if (f.decisions) lines.push('', `**Where the eRAD help is silent:** ${f.decisions}`);
  if (f.dialect === 'extension') {
    lines.push('', dialect === 'strict'
      ? '**PACS Workbench extension**: eRAD PACS may reject it. An error in the `strict` dialect (setting `pacsWorkbench.coercion.dialect`).'
      : '**PACS Workbench extension**: not portable to eRAD PACS.');
  }
  if (f.example) lines.push('', 'Example:', '```pacs-coercion', f.example, '```');
  return lines.join('\n');
}
