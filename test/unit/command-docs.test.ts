/**
 * Every command a user can run from the palette is named in the docs of its area, and every
 * palette name the docs write (*Category: Title*) is a command that exists. Commands are read
 * from package.json at test time, so a command added by anyone is checked too; the failure
 * says which title is missing from which file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRepoJson, repoRoot } from '../repo';


const root = repoRoot();
const manifest = readRepoJson('package.json');

interface Command { command: string; title: string; category?: string }
const commands: Command[] = manifest.contributes.commands;
const hidden = new Set<string>(
  (manifest.contributes.menus?.commandPalette ?? []).filter((m: { when?: string }) => m.when === 'false').map((m: { command: string }) => m.command));
const paletteCommands = commands.filter((c) => !hidden.has(c.command));

/** The doc that describes a command, by the area in its id; anything else: README's Commands table. */
const DOC_BY_AREA: Record<string, string> = {
  devices: 'docs/device-tree.md',
  preview: 'docs/preview.md',
  deploy: 'docs/deploy.md',
  dicom: 'docs/viewer.md',
  receiver: 'docs/serve.md',
};
const docFor = (id: string): string => DOC_BY_AREA[id.split('.')[1] ?? ''] ?? 'README.md';

/** "..." and "…" are the same to a reader; so are runs of spaces and line breaks. */
const normalise = (text: string): string => text.replace(/\.\.\./g, '…').replace(/\s+/g, ' ');
const read = (rel: string): string => normalise(fs.readFileSync(path.join(root, rel), 'utf8'));
const docFiles = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The existing name sharing the most words with `name` (at least two), for the failure message. */
function closest(name: string, names: string[]): string | undefined {
  const words = (t: string) => new Set(t.toLowerCase().match(/[a-z]+/g) ?? []);
  const wanted = words(name);
  const score = (t: string) => [...words(t)].filter((w) => wanted.has(w)).length;
  const best = names.reduce<string | undefined>((b, t) => (b === undefined || score(t) > score(b) ? t : b), undefined);
  return best !== undefined && score(best) >= 3 ? best : undefined;
}

describe('command titles in the docs', () => {
  it('names every palette command in the doc of its area', () => {
    const missing = paletteCommands
      .filter((c) => !read(docFor(c.command)).includes(normalise(c.title)))
      .map((c) => `  "${c.title}" (${c.command}, palette: ${c.category ? `${c.category}: ` : ''}${c.title}) is missing from ${docFor(c.command)}`);
    assert.equal(missing.length, 0, `commands the docs do not name (write the title as it is in package.json):\n${missing.join('\n')}`);
  });

  it('names only commands that exist when it writes *Category: Title*', () => {
    const categories = new Set(commands.map((c) => c.category).filter(Boolean));
    const full = new Set(commands.map((c) => normalise(`${c.category}: ${c.title}`)));
    const wrong: string[] = [];
    for (const file of docFiles) {
      for (const [, category, title] of read(file).matchAll(/\*\*?(PACS [A-Za-z]+): ([^*]+?)\*\*?/g)) {
        const group = title === '…'; // "*PACS Devices: ...*" means the commands of that category
        if (group ? !categories.has(category) : !full.has(`${category}: ${title}`)) {
          const close = group ? undefined : closest(`${category}: ${title}`, [...full]);
          wrong.push(`  ${file}: "${category}: ${title}" is no command${close ? ` (did you mean "${close}"?)` : ` (categories: ${[...categories].join(', ')})`}`);
        }
      }
    }
    assert.equal(wrong.length, 0, `the docs name commands the palette does not have:\n${wrong.join('\n')}`);
  });
});
