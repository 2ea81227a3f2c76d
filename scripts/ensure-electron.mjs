#!/usr/bin/env node
// Makes sure the Electron binary is present before `npm start` / `npm run dist`, and that native modules
// are built for Electron's ABI. Needs the internet once (Electron's own download); says so clearly if not.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const { electronBinary } = require('./electron-binary.cjs');

if (!electronBinary()) {
  console.log('Fetching the Electron binary (one time)…');
  const install = join(dirname(require.resolve('electron/package.json')), 'install.js');
  // Its stderr is captured: a failed download prints a stack trace, of which the first line says enough.
  const r = spawnSync(process.execPath, [install], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: 10 * 60_000,
  });
  if (r.status !== 0 || !electronBinary()) {
    const why =
      r.error?.message ??
      r.stderr
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l && !l.startsWith('at ')) ??
      `its installer exited with ${r.status}`;
    console.error(
      `\nQHCI cannot open its window here: that needs the Electron binary, which Electron downloads on first ` +
        `start, and the download failed (${why}). Everything else works without it: the command-line tool ` +
        '(bin/qhci, e.g. `bin/qhci host add local --uri qemu:///system`), the tests (npm test) and the build ' +
        '(npm run build). On a machine with the internet, npm start fetches it once; with an Electron zip at ' +
        'hand, unpack it and set ELECTRON_OVERRIDE_DIST_PATH to that directory.\n',
    );
    process.exit(1);
  }
}

if (process.argv.includes('--rebuild')) {
  // better-sqlite3 and ssh2 must match Electron's ABI to load in the app; `npm test` switches back.
  const r = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(
      'Could not rebuild native modules for Electron (this needs Electron headers from the internet).',
    );
    process.exit(1);
  }
}
