// Where the Electron binary is, without triggering electron's lazy download (which needs the internet).
// CommonJS so that both the npm scripts and the Playwright tests can load it.
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(p) ? p : null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

module.exports = { electronBinary };
