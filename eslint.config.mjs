// ESLint: correctness rules only (no style), with type information. The layer rules come from
// scripts/layers.mjs, the same table `npm run lint` checks every import against.
import tseslint from 'typescript-eslint';
import { EDITOR_PACKAGES, IO, PURE, PURE_PACKAGES, SERVER_IO } from './scripts/layers.mjs';

const editorImports = { group: EDITOR_PACKAGES.flatMap((p) => [p, `${p}/*`]), message: 'core never imports VS Code or the LSP (docs/architecture.md, "Layers").' };
const ioImports = (message, folders = IO) => ({
  group: folders.map((f) => f.replace('core/src/', '')).flatMap((f) => [`**/${f}/*`, `../${f}`, `**/core/src/${f}/*`]),
  message,
});
const nodeImports = { group: ['node:*', '!node:path', 'fs', 'fs/*', 'net', 'tls', 'http', 'https', 'child_process', 'os', 'zlib', 'crypto', 'worker_threads', 'dgram', 'dns'], message: 'pure language modules do no I/O (docs/architecture.md, "Layers").' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', 'test/workspace/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    // Directives written for rules we do not run (e.g. no-require-imports) are not errors.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-unsafe-finally': 'error',
      'no-self-assign': 'error',
      'no-dupe-keys': 'error',
      'no-duplicate-case': 'error',
      'no-unreachable': 'error',
      'no-cond-assign': ['error', 'except-parens'],
      'no-fallthrough': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
    },
  },
  {
    files: ['core/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [editorImports, { group: ['**/server/src/*', '**/client/src/*', '**/cli/src/*'], message: 'core never imports the adapters.' }] }] },
  },
  {
    files: [...PURE.map((f) => `${f}/**/*.ts`), 'core/src/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          editorImports,
          nodeImports,
          ioImports('pure language modules may not import the I/O layer (docs/architecture.md, "Layers").'),
          { regex: `^(?!\\.|node:|path$|(${[...PURE_PACKAGES, ...EDITOR_PACKAGES].join('|')})(/|$))`, message: `pure language modules use no npm package but ${PURE_PACKAGES.join(', ')}.` },
        ],
      }],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'the language server runs outside VS Code.' }, { name: 'vscode-languageclient', message: 'the language server runs outside VS Code.' }],
        patterns: [ioImports('the language server imports only the pure modules of core, and core/src/files (docs/architecture.md, "Layers").', IO.filter((f) => !SERVER_IO.includes(f))), { group: ['**/client/src/*', '**/cli/src/*'], message: 'adapters share code only through core.' }],
      }],
    },
  },
  {
    files: ['cli/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: EDITOR_PACKAGES, message: 'the CLI runs without VS Code.' }, { group: ['**/client/src/*', '**/server/src/*'], message: 'adapters share code only through core.' }] }] },
  },
  {
    files: ['client/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/src/*', '**/cli/src/*'], message: 'adapters share code only through core.' }] }] },
  },
);
