/**
 * dist/server.js, what clients start: loads the language server's bundle (dist/server-main.js,
 * from server.ts) with core/src/files/bundle.ts — read as one-byte text, and with the V8 code
 * cache that an earlier start on the same runtime left beside it — instead of Node's loader,
 * which reads it as UTF-8 and compiles all of it on every start (docs/benchmarks.md, Activation).
 */
import * as path from 'node:path';
import { loadBundleWithSelfCache } from '../../core/src/files/bundle';

/** After the warm-up (server.ts) has run, so the cache holds the first validation's functions too. */
const CACHE_AFTER_MS = 5_000;

loadBundleWithSelfCache(path.join(__dirname, 'server-main.js'), module, CACHE_AFTER_MS);
