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
  const r = spawnSync(process.execPath, [install], { stdio: 'inherit', timeout: 10 * 60_000 });
  if (r.status !== 0 || !electronBinary()) {
    console.error(
      '\nQHCI needs the Electron binary to open its window, and it could not be downloaded here.\n' +
        'Without the internet you can still: run the command-line tool (bin/qhci), run the tests (npm test),\n' +
        'and build the app (npm run build). With an Electron zip at hand, set ELECTRON_OVERRIDE_DIST_PATH.',
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
