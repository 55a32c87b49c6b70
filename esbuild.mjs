// Bundles the three programs that ship: the VS Code client, the language server and the CLI.
// Each is a single CommonJS file so that the .vsix needs no node_modules and starts fast.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
};

/**
 * Generated data (the DICOM dictionary, 450 KB) as `JSON.parse('...')` rather than the object
 * literal esbuild would write: V8 reads JSON text faster than it compiles the same data as
 * code, and the code cache of a literal is larger (870 against 1,190 KB for the apply bundle).
 */
const generatedJsonAsParse = {
  name: 'generated-json-as-parse',
  setup(build) {
    build.onLoad({ filter: /\.generated\.json$/ }, (args) => ({
      contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8'))))});`,
      loader: 'js',
    }));
  },
};
common.plugins = [generatedJsonAsParse];

/**
 * The CLI's bundles: whitespace and syntax minified (less to read and compile on every start;
 * names are kept, so an internal error's stack still reads). The build id ties a code cache to
 * the bundle it was made from; in watch mode the bundle changes under the same id, so it gets
 * none and runs without a cache.
 */
const buildBanner = () => ({ js: `// pacsw-build ${watch ? 'none' : randomUUID()}` });
const cliBundle = (entry, outfile) => ({
  ...common,
  entryPoints: [entry],
  outfile,
  minifyWhitespace: true,
  minifySyntax: true,
  banner: buildBanner(),
});

/** What the extension's and the server's loaders load (see the CLI's bundles above). */
const loadedBundle = () => ({ minifyWhitespace: true, minifySyntax: true, banner: buildBanner() });

const builds = [
  // The extension and the server: a small loader each (what VS Code and other editors start) and
  // the bundle it loads with the code cache an earlier start left (core/src/files/bundle.ts).
  // Whitespace-minified as the CLI's are: that also drops the comments, whose non-ASCII
  // characters made the loader read the whole bundle as UTF-8.
  { ...common, entryPoints: ['client/src/launcher.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension-main.js', external: ['vscode'], ...loadedBundle() },
  // The features activation does not need (client/src/features/lazy.ts loads it on first use).
  { ...common, entryPoints: ['client/src/features/lazyEntry.ts'], outfile: 'dist/extension-features.js', external: ['vscode'], ...loadedBundle() },
  { ...common, entryPoints: ['server/src/launcher.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server-main.js', ...loadedBundle() },
  // The CLI: a small launcher (the bin) and the bundles it runs with a V8 code cache (see
  // cli/src/launcher.ts): every command, and `pacsw apply` alone.
  cliBundle('cli/src/pacsw.ts', 'dist/pacsw-cli.js'),
  cliBundle('cli/src/applyEntry.ts', 'dist/pacsw-apply.js'),
  { ...common, entryPoints: ['cli/src/launcher.ts'], outfile: 'dist/pacsw.js', banner: { js: '#!/usr/bin/env node' } },
];

if (watch) {
  for (const options of builds) (await esbuild.context(options)).watch();
  console.log('esbuild: watching client, server and cli');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  // Runs the CLI over the examples and keeps V8's code cache of what it compiled. A failure
  // costs start-up time only, so it warns and the build goes on.
  const training = spawnSync(process.execPath, ['scripts/train-cli-cache.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (training.status !== 0) console.warn('esbuild.mjs: no code cache for pacsw (scripts/train-cli-cache.mjs failed); it will start a little slower');
}
