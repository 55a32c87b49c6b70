/**
 * The getting-started walkthrough (contributes.walkthroughs): every step's page exists, every
 * command it links to or waits for is one VS Code has (ours from package.json, or a built-in
 * one), and the steps go from the example rules to a dry-run deploy.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRepoJson, repoRoot } from '../repo';


const root = repoRoot();
const manifest = readRepoJson('package.json');
const ours = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
for (const view of Object.values(manifest.contributes.views as Record<string, Array<{ id: string }>>).flat()) ours.add(`${view.id}.focus`);
/** Built-in commands the walkthrough uses. */
const BUILT_IN = new Set(['workbench.action.quickOpen', 'editor.action.triggerSuggest']);

interface Step { id: string; title: string; description: string; media: { markdown?: string }; completionEvents?: string[] }

describe('walkthrough', () => {
  const [walkthrough] = manifest.contributes.walkthroughs as Array<{ id: string; steps: Step[] }>;

  it('goes from the example rules through a first rule, the preview and an echo to a dry-run deploy', () => {
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['openExamples', 'firstRule', 'preview', 'echo', 'dryRun']);
  });

  for (const step of (manifest.contributes.walkthroughs?.[0]?.steps ?? []) as Step[]) {
    it(`step ${step.id}: its page exists and its commands are real`, () => {
      assert.ok(step.media.markdown, `${step.id} has no markdown page`);
      assert.ok(fs.existsSync(path.join(root, step.media.markdown)), `${step.media.markdown} (walkthrough step ${step.id}) is missing`);
      const linked = [...step.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);
      const awaited = (step.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length));
      assert.ok(linked.length > 0, `step ${step.id} links to no command`);
      for (const id of [...linked, ...awaited]) {
        assert.ok(ours.has(id) || BUILT_IN.has(id), `walkthrough step ${step.id} names command ${id}, which is neither in package.json nor a known built-in`);
      }
      assert.ok((step.completionEvents ?? []).length > 0, `step ${step.id} has no completion event`);
    });
  }

  it('names only palette titles that exist in its pages', () => {
    const titles = new Set(manifest.contributes.commands.map((c: { category?: string; title: string }) => `${c.category}: ${c.title}`.replace(/\.\.\./g, '…')));
    for (const step of walkthrough.steps) {
      const page = fs.readFileSync(path.join(root, step.media.markdown!), 'utf8');
      for (const [, name] of page.matchAll(/\*\*(PACS [A-Za-z]+: [^*]+)\*\*/g)) {
        const normal = name.replace(/\s+/g, ' ').replace(/\.\.\./g, '…');
        assert.ok(titles.has(normal), `${step.media.markdown} names "${normal}", which is no command`);
      }
    }
  });
});
