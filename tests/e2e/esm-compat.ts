/**
 * Playwright loads test files (and the main-process sources they import) as CommonJS. `unixcrypt` is
 * ESM-only and its package exports have no `require` condition, so `require('unixcrypt')` cannot resolve,
 * although Node 20.19+ can require() the ES module itself. Point that one request at its entry file.
 * (Electron's build bundles unixcrypt; vitest loads it as ESM; only this test process needs the help.)
 * Import this module before anything that imports src/main.
 */
import Module from 'node:module';
import { join, resolve } from 'node:path';

const ESM_ONLY: Record<string, string> = {
  unixcrypt: join(resolve(__dirname, '../..'), 'node_modules', 'unixcrypt', 'dist', 'index.js'),
};

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const original = loader._resolveFilename;

loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return ESM_ONLY[request] ?? original.call(this, request, ...rest);
};
