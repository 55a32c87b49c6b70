// Bundles the three programs that ship: the VS Code client, the language server and the CLI.
// Each is a single CommonJS file so that the .vsix needs no node_modules and starts fast.
import * as esbuild from 'esbuild';

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
 * dcmjs-dimse (with its codecs, 2.6 MB) is needed only when a device is echoed: it gets a bundle
 * of its own, dist/dimse.js, which the client and CLI load on first use, so that activation and
 * every other pacsw command do not compile it.
 */
const dimseApart = {
  name: 'dcmjs-dimse-apart',
  setup(build) {
    build.onResolve({ filter: /^dcmjs-dimse$/ }, () => ({ path: './dimse.js', external: true }));
  },
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [dimseApart] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  {
    ...common,
    entryPoints: ['cli/src/pacsw.ts'],
    outfile: 'dist/pacsw.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [dimseApart],
  },
  { ...common, entryPoints: ['dcmjs-dimse'], outfile: 'dist/dimse.js' },
];

if (watch) {
  for (const options of builds) (await esbuild.context(options)).watch();
  console.log('esbuild: watching client, server and cli');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
