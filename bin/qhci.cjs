#!/usr/bin/env node
// Runs the qhci command-line tool from a source checkout (after `npm ci`; bin/qhci starts it). When `npm run build` has bundled
// it (out/cli/qhci-main.cjs, started by out/cli/qhci.cjs with V8's code cache) and none of the files it was
// built from is newer, the bundle runs in this process (a cold start without compiling TypeScript);
// otherwise the sources run through tsx in a child node. Plain Node: the check costs a few stats.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'out', 'cli');

/**
 * Whether the bundle is there and newer than every file it was built from (out/cli/inputs.json, written
 * by the build: the tool's own sources, not the renderer's, and package-lock.json). A file that is gone
 * counts as changed.
 */
function fresh() {
  try {
    const built = Math.min(
      statSync(join(out, 'qhci-main.cjs')).mtimeMs,
      statSync(join(out, 'qhci.cjs')).mtimeMs,
    );
    const inputs = JSON.parse(readFileSync(join(out, 'inputs.json'), 'utf8'));
    return inputs.every((f) => statSync(join(root, f)).mtimeMs <= built);
  } catch {
    return false;
  }
}

if (fresh()) {
  require(join(out, 'qhci.cjs'));
} else {
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (r.error) throw r.error;
  process.exitCode = r.status ?? 1;
}
