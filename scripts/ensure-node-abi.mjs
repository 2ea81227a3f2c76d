#!/usr/bin/env node
// Tests run on Node. If native modules were last built for Electron (npm start, npm run dist), rebuild them
// for this Node before the tests load them.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
} catch (err) {
  console.log(`better-sqlite3 does not load on this Node (${err.message.split('\n')[0]}); rebuilding it…`);
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
