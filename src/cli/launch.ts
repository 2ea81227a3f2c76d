/**
 * The bundled command-line tool's entry (out/cli/qhci.cjs). It runs the bundle (qhci-main.cjs) with V8's
 * code cache, so that a cold start does not parse and compile the whole bundle again: Node 22 has that
 * built in (module.enableCompileCache); on Node 20 the bundle is compiled as a vm.Script with cached data
 * kept in the user's cache directory, keyed by Node's version and the bundle's size and time. A cache that
 * cannot be read or written only costs the compile.
 */
import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { LAUNCHER_IMPORT } from '../main/esm-import';

const bundle = join(__dirname, 'qhci-main.cjs');
const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'qhci');

type WithCompileCache = typeof Module & { enableCompileCache?: (dir?: string) => unknown };

/** The command's first two words (`vm create`, `host list`): which code a run uses, near enough. */
function commandKind(argv: readonly string[]): string {
  const at = argv.findIndex((a) => /^(host|vm|image|place|task|folder|spec|info)$/.test(a));
  return at < 0 ? '' : argv.slice(at, at + 2).join(' ');
}

function run(): void {
  const builtIn = (Module as WithCompileCache).enableCompileCache;
  if (builtIn) {
    builtIn(cacheDir);
    Module.createRequire(__filename)(bundle);
    return;
  }
  // A script compiled from cached data has no import() of its own on Node 20: the bundle borrows this
  // file's for the packages it loads lazily (src/main/esm-import.ts).
  (globalThis as Record<symbol, unknown>)[LAUNCHER_IMPORT] = (s: string) => import(s);
  // esbuild writes ASCII (it escapes the rest): read as latin1, which is the same string and is decoded
  // ten times faster than UTF-8 here.
  const bytes = readFileSync(bundle);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const { size, mtimeMs } = statSync(bundle);
  const cacheFile = join(cacheDir, `cli-${process.version}-${size}-${Math.trunc(mtimeMs)}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run of this bundle
  }
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  // The cache holds the functions compiled by the runs that wrote it. A command of a kind none of them was
  // (the first run after a build may be `qhci info`, the next `vm create`) writes it again at its exit, so
  // that the next run of that kind starts with its own code compiled too.
  const kindsFile = `${cacheFile}.kinds`;
  const kind = commandKind(process.argv.slice(2));
  let kinds: string[] = [];
  if (cachedData && !script.cachedDataRejected) {
    try {
      kinds = readFileSync(kindsFile, 'latin1').split('\n');
    } catch {
      // written by an older launcher, or lost: this run adds its kind
    }
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(bundle),
  );
  const req = ((id: string) => mod.require(id)) as NodeJS.Require;
  // As with require(): the bundle is not the main module (bin.ts runs the tool).
  Object.assign(req, { main: require.main, cache: require.cache, resolve: require.resolve });
  if (!cachedData || script.cachedDataRejected || !kinds.includes(kind)) {
    // Written at exit: by then the functions this run used are compiled and go into the cache too (with
    // those it started with from the cache).
    process.once('exit', () => {
      try {
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, cacheFile);
        writeFileSync(tmp, [...kinds, kind].join('\n'), { mode: 0o600 });
        renameSync(tmp, kindsFile);
        // Caches of earlier bundles are of no use any more.
        for (const f of readdirSync(cacheDir))
          if (f.startsWith('cli-') && !f.startsWith(basename(cacheFile)))
            rmSync(join(cacheDir, f), { force: true });
      } catch {
        // a read-only home: no cache
      }
    });
  }
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    mod.exports,
    mod.exports,
    req,
    mod,
    bundle,
    dirname(bundle),
  );
}

run();
