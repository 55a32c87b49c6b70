/** core/src/contributes.ts and package.json's `contributes` name the same commands, settings and views. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, CUSTOM_EDITORS, idsOf, INTERNAL_COMMANDS, NAMESPACE, SETTINGS, settingId, VIEWS } from '../../core/src/contributes';
import { readRepoJson, repoRoot } from '../repo';

interface Contributes {
  commands: Array<{ command: string }>;
  configuration: { properties: Record<string, unknown> } | Array<{ properties: Record<string, unknown> }>;
  views: Record<string, Array<{ id: string }>>;
  viewsContainers: Record<string, Array<{ id: string }>>;
  customEditors: Array<{ viewType: string }>;
  menus: Record<string, Array<{ command?: string }>>;
}


const root = repoRoot();
const contributes = (readRepoJson('package.json') as { contributes: Contributes }).contributes;
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

describe('shared ids (core/src/contributes.ts)', () => {
  it('lists exactly the commands package.json contributes', () => {
    assert.deepEqual(sorted(idsOf(COMMANDS)), sorted(contributes.commands.map((c) => c.command)),
      'a command added to package.json goes into COMMANDS, and the other way round');
  });

  it('keeps the internal commands out of package.json (and out of the palette)', () => {
    const contributed = new Set(contributes.commands.map((c) => c.command));
    assert.deepEqual(idsOf(INTERNAL_COMMANDS).filter((id) => contributed.has(id)), []);
    assert.equal(new Set([...idsOf(COMMANDS), ...idsOf(INTERNAL_COMMANDS)]).size, idsOf(COMMANDS).length + idsOf(INTERNAL_COMMANDS).length, 'no id twice');
  });

  it('lists exactly the settings package.json contributes', () => {
    const sections = Array.isArray(contributes.configuration) ? contributes.configuration : [contributes.configuration];
    const declared = sections.flatMap((s) => Object.keys(s.properties));
    assert.deepEqual(sorted(Object.values(SETTINGS).map(settingId)), sorted(declared));
    assert.ok(declared.every((id) => id.startsWith(`${NAMESPACE}.`)));
  });

  it('lists the views, the view container and the custom editor package.json contributes', () => {
    const views = Object.values(contributes.views).flat().map((v) => v.id);
    const containers = Object.values(contributes.viewsContainers).flat().map((c) => c.id);
    assert.deepEqual(sorted(idsOf(VIEWS)), sorted([...views, ...containers]));
    assert.deepEqual(sorted(idsOf(CUSTOM_EDITORS)), sorted(contributes.customEditors.map((e) => e.viewType)));
  });

  it('menus name only commands that exist', () => {
    const known = new Set(idsOf(COMMANDS));
    const unknown = Object.values(contributes.menus).flat().map((m) => m.command).filter((c): c is string => c !== undefined && !known.has(c));
    assert.deepEqual(unknown, []);
  });

  it('is the only place client and server sources write a command or setting id', () => {
    const written: string[] = [];
    const ids = [...idsOf(COMMANDS), ...idsOf(INTERNAL_COMMANDS), ...Object.values(SETTINGS).map(settingId)];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) {
          const text = fs.readFileSync(file, 'utf8');
          for (const id of ids) if (text.includes(`'${id}'`) || text.includes(`"${id}"`)) written.push(`${path.relative(root, file)}: ${id}`);
          // Any other id under the namespace, written as a literal (a new command someone forgot to list).
          for (const [literal] of text.matchAll(/['"]pacsWorkbench\.[\w.]+['"]/g)) if (!written.some((w) => w.endsWith(literal.slice(1, -1)))) written.push(`${path.relative(root, file)}: ${literal}`);
        }
      }
    };
    for (const dir of ['client/src', 'server/src', 'cli/src']) walk(path.join(root, dir));
    assert.deepEqual(written, [], 'import the id from core/src/contributes.ts (or build it from NAMESPACE) instead');
  });
});
