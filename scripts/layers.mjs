// The layer rules of docs/architecture.md, as data, and the check that enforces them: every
// import, require() and import() in core/, server/, client/ and cli/ is resolved and judged.
// `npm run lint` runs it (node scripts/layers.mjs [REPO]); eslint.config.mjs turns the same
// table into no-restricted-imports, so editors underline a forbidden import as it is typed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The pure language modules: no I/O, no vscode, no LSP; they import only each other. */
export const PURE = ['core/src/text', 'core/src/dictionary', 'core/src/coercion', 'core/src/devices', 'core/src/ruletest'];
/** The I/O layer of core, above the pure modules (DICOM files, network, deploy, receiving, forwarding, referenced files). */
export const IO = ['core/src/dicom', 'core/src/net', 'core/src/deploy', 'core/src/receiver', 'core/src/forward', 'core/src/files'];
/**
 * The I/O modules the language server may use: it checks the files a .pacs file refers to on
 * disk, and must read them with the same bounds and path policy as the CLI.
 */
export const SERVER_IO = ['core/src/files'];
/** npm packages a pure module may use (everything else, and every Node built-in, is I/O or editor). */
export const PURE_PACKAGES = ['chevrotain'];
/** Node built-ins that do no I/O: path arithmetic only. */
export const PURE_BUILTINS = ['node:path', 'path'];
/** Packages that belong to VS Code or the LSP: never in core. */
export const EDITOR_PACKAGES = ['vscode', 'vscode-languageserver', 'vscode-languageserver-textdocument', 'vscode-languageserver-protocol', 'vscode-languageclient'];

/**
 * Known exceptions, each with its reason. Keep this list short: a new entry needs a reason a
 * reviewer accepts, and an entry that no longer matches anything fails the check.
 */
export const EXCEPTIONS = [];  // none today: core/src/devices/resolve.ts's disk reads moved to core/src/files

const ADAPTERS = ['server/src', 'client/src', 'cli/src'];

/** Which part of the tree a repository path belongs to, or undefined outside the checked folders. */
export function partOf(rel) {
  for (const p of [...PURE, ...IO, ...ADAPTERS]) if (rel === p || rel.startsWith(p + '/')) return p;
  if (/^core\/src\/[^/]+\.ts$/.test(rel)) return 'core/src'; // shared pure files: diagnostics.ts, contributes.ts
  if (rel.startsWith('core/src/')) return 'core/src/?';
  return undefined;
}

const isPure = (part) => part === 'core/src' || PURE.includes(part);
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const isBuiltin = (spec) => spec.startsWith('node:') || builtinModules.includes(packageOf(spec));

/** Why `from` may not import `spec` (resolved to repository path `target` when relative), or undefined. */
export function violation(from, spec, target) {
  const part = partOf(from);
  if (part === undefined) return undefined;
  if (part === 'core/src/?') {
    return `${path.dirname(from)} is in no layer: add it to PURE or IO in scripts/layers.mjs and to the code map in docs/architecture.md`;
  }
  const inCore = part.startsWith('core/src');
  if (target === undefined) {
    const pkg = packageOf(spec);
    if (inCore && EDITOR_PACKAGES.includes(pkg)) return `core never imports ${pkg}: it is shared by the server, the client and the CLI; convert in server/src/convert.ts or the client instead`;
    if (part === 'cli/src' && EDITOR_PACKAGES.includes(pkg)) return `the CLI runs without VS Code; ${pkg} belongs to the client and server`;
    if (part === 'server/src' && (pkg === 'vscode' || pkg === 'vscode-languageclient')) return `the language server runs outside VS Code; ${pkg} belongs to the client`;
    if (isPure(part) && !PURE_BUILTINS.includes(spec) && (isBuiltin(spec) || !PURE_PACKAGES.includes(pkg))) {
      return `${part} is a pure language module (no I/O): ${spec} is not allowed here; do the I/O in ${IO.join(', ')} or an adapter and pass the data in`;
    }
    return undefined;
  }
  const targetPart = partOf(target);
  if (inCore && ADAPTERS.includes(targetPart)) return `core never imports the adapters (${targetPart}); move what both need into core`;
  if (isPure(part) && IO.includes(targetPart)) return `${part} is a pure language module; it may not import the I/O layer (${targetPart})`;
  if (part === 'server/src' && IO.includes(targetPart) && !SERVER_IO.includes(targetPart)) {
    return `the language server imports only the pure modules of core (and ${SERVER_IO.join(', ')}), not ${targetPart}`;
  }
  if (ADAPTERS.includes(part) && ADAPTERS.includes(targetPart) && targetPart !== part) return `${part} may not import ${targetPart}: adapters share code only through core`;
  return undefined;
}

function sourceFiles(repo, dir) {
  const root = path.join(repo, dir);
  let names;
  try {
    names = readdirSync(root, { recursive: true }).map(String);
  } catch {
    return [];
  }
  return names.filter((n) => /\.(ts|mts|cts)$/.test(n) && !n.endsWith('.d.ts')).map((n) => path.join(dir, n).split(path.sep).join('/'))
    .filter((rel) => statSync(path.join(repo, rel)).isFile());
}

function resolveRelative(repo, from, spec) {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    try {
      if (statSync(path.join(repo, candidate)).isFile()) return candidate;
    } catch { /* next */ }
  }
  return base;
}

/** Every forbidden import in the tree at `repo`, as `file:line: message` lines. */
export function checkLayers(repo, exceptions = EXCEPTIONS) {
  const problems = [];
  const usedExceptions = new Set();
  for (const from of ['core', 'server', 'client', 'cli'].flatMap((d) => sourceFiles(repo, d))) {
    const text = readFileSync(path.join(repo, from), 'utf8');
    const info = ts.preProcessFile(text, true, true);
    for (const { fileName: spec, pos } of info.importedFiles) {
      const target = spec.startsWith('.') ? resolveRelative(repo, from, spec) : undefined;
      const why = violation(from, spec, target);
      if (!why) continue;
      const exception = exceptions.find((e) => e.file === from && e.imports.includes(spec));
      if (exception) {
        usedExceptions.add(exception);
        continue;
      }
      const line = text.slice(0, pos).split('\n').length;
      problems.push(`${from}:${line}: imports '${spec}': ${why} (docs/architecture.md, "Layers")`);
    }
  }
  for (const e of exceptions) {
    if (!usedExceptions.has(e)) problems.push(`scripts/layers.mjs: the exception for ${e.file} matches nothing any more; remove it`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkLayers(repo);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`layers: ${problems.length} forbidden import${problems.length === 1 ? '' : 's'}`);
    process.exitCode = 1;
  } else {
    console.log('layers: every import keeps to its layer');
  }
}
