// The layer rules of docs/architecture.md hold for the tree, and the check (scripts/layers.mjs,
// run by `npm run lint`) names the file, the line and the rule of a forbidden import.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.join(__dirname, '../../..');
// Node >= 20.19 loads an ES module with require(); the check runs in this process.
interface LayerException { file: string; imports: string[]; reason: string }
const layers = require(path.join(repo, 'scripts/layers.mjs')) as { checkLayers(root: string, exceptions?: LayerException[]): string[] };

function check(root: string, exceptions?: LayerException[]): { status: number; stderr: string } {
  const problems = layers.checkLayers(root, exceptions);
  return { status: problems.length ? 1 : 0, stderr: problems.join('\n') };
}

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsw-layers-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('layer rules', function () {
  this.timeout(20_000); // reads and resolves every import of the tree: near mocha's 2 s default at load 20
  it('hold for every import of core, server, client and cli', () => {
    const r = check(repo);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });

  const forbidden: Array<[string, Record<string, string>, RegExp]> = [
    ['a pure module reading files', { 'core/src/coercion/x.ts': "export {};\nimport * as fs from 'node:fs';\n" }, /^core\/src\/coercion\/x\.ts:2: imports 'node:fs': core\/src\/coercion is a pure language module \(no I\/O\)/m],
    ['a pure module importing the I/O layer', { 'core/src/dicom/files.ts': '', 'core/src/devices/y.ts': "import { a } from '../dicom/files';\n" }, /^core\/src\/devices\/y\.ts:1: .*may not import the I\/O layer \(core\/src\/dicom\)/m],
    ['core importing the LSP', { 'core/src/net/z.ts': "import type { Range } from 'vscode-languageserver';\n" }, /^core\/src\/net\/z\.ts:1: .*core never imports vscode-languageserver/m],
    ['a pure module reading referenced files (resolve.ts before its disk half moved out)', { 'core/src/devices/resolve.ts': "import * as fs from 'node:fs';\nimport * as path from 'node:path';\n" }, /^core\/src\/devices\/resolve\.ts:1: imports 'node:fs': core\/src\/devices is a pure language module/m],
    ['the server importing the network layer', { 'core/src/net/index.ts': '', 'server/src/s.ts': "const net = require('../../core/src/net');\n" }, /^server\/src\/s\.ts:1: .*the language server imports only the pure modules/m],
    ['the CLI importing vscode', { 'cli/src/c.ts': "import('vscode');\n" }, /^cli\/src\/c\.ts:1: .*the CLI runs without VS Code/m],
    ['a core folder in no layer', { 'core/src/viewer/v.ts': "import { x } from '../text/range';\n" }, /core\/src\/viewer is in no layer: add it to PURE or IO in scripts\/layers\.mjs/],
  ];
  for (const [what, files, message] of forbidden) {
    it(`fail on ${what}, naming file, line and rule`, () => {
      const root = tree(files);
      try {
        const r = check(root);
        assert.equal(r.status, 1);
        assert.match(r.stderr, message);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('let the server read referenced files through core/src/files, and nothing else of the I/O layer', () => {
    const root = tree({ 'core/src/files/referencedFiles.ts': '', 'core/src/deploy/index.ts': '', 'server/src/s.ts': "import { a } from '../../core/src/files/referencedFiles';\nimport { b } from '../../core/src/deploy';\n" });
    try {
      const r = check(root);
      assert.doesNotMatch(r.stderr, /s\.ts:1:/);
      assert.match(r.stderr, /^server\/src\/s\.ts:2: .*the language server imports only the pure modules of core \(and core\/src\/files\), not core\/src\/deploy/m);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('accept a listed exception, and fail on one that matches nothing any more', () => {
    const exception = { file: 'core/src/devices/r.ts', imports: ['node:fs'], reason: 'test' };
    const root = tree({ 'core/src/devices/r.ts': "import * as fs from 'node:fs';\n" });
    try {
      assert.deepEqual(check(root, [exception]), { status: 0, stderr: '' });
      fs.writeFileSync(path.join(root, 'core/src/devices/r.ts'), 'export {};\n');
      const r = check(root, [exception]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /the exception for core\/src\/devices\/r\.ts matches nothing any more/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
