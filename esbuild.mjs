// Bundles the three programs that ship: the VS Code client, the language server and the CLI.
// Each is a single CommonJS file so that the .vsix needs no node_modules and starts fast.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

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

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  // The CLI: a small launcher (the bin) and the bundle it runs with a V8 code cache (see
  // cli/src/launcher.ts). The build id ties a cache to the bundle it was made from; in watch
  // mode the bundle changes under the same id, so it gets none and runs without a cache.
  {
    ...common,
    entryPoints: ['cli/src/pacsw.ts'],
    outfile: 'dist/pacsw-cli.js',
    banner: { js: `// pacsw-build ${watch ? 'none' : randomUUID()}` },
  },
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
