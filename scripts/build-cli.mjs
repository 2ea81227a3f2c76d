// Bundles the command-line tool: out/cli/qhci-main.cjs (the tool) and out/cli/qhci.cjs (its launcher, which
// runs the bundle with V8's code cache), and out/cli/inputs.json (the files they were built from).
// `node scripts/build-cli.mjs [OUTDIR]` (default out/cli).
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(process.argv[2] ?? join(root, 'out', 'cli'));
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  absWorkingDir: root,
};

const tool = await build({
  ...common,
  entryPoints: ['src/cli/bin.ts'],
  outfile: join(outdir, 'qhci-main.cjs'),
  // Smaller to read and to check against the code cache; names stay, for readable stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  // Native modules, and what loads lazily: resolved from node_modules at run time.
  external: ['better-sqlite3', 'ssh2', '@unraid/libvirt', 'cpu-features', '@napi-rs/keyring', 'node-pty'],
  metafile: true,
});
const launcher = await build({
  ...common,
  entryPoints: ['src/cli/launch.ts'],
  outfile: join(outdir, 'qhci.cjs'),
  metafile: true,
});
// The project files the two bundles were built from (bin/qhci runs the bundle only while none is newer),
// and package-lock.json, which changes with the packages bundled in.
const inputs = [...new Set([...Object.keys(tool.metafile.inputs), ...Object.keys(launcher.metafile.inputs)])]
  .filter((f) => !f.startsWith('node_modules/'))
  .sort();
writeFileSync(join(outdir, 'inputs.json'), `${JSON.stringify([...inputs, 'package-lock.json'])}\n`);
