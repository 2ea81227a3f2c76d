/**
 * The bundled tool as `npm run build` makes it (scripts/build-cli.mjs), built here into a temporary tree
 * laid out like the checkout (out/cli beside migrations and node_modules): the launcher runs the bundle
 * with V8's code cache, creates the cache on the first run and uses it on the next (and writes it again
 * for a kind of command it has not seen), and the packages the
 * bundle imports lazily (the libvirt binding) still load through the launcher; bin/qhci runs the bundle only
 * while none of the files it was built from is newer, and starts Node without NODE_EXTRA_CA_CERTS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/app';

const root = tempDir('qhci-bundle-');
const cache = join(root, 'cache');
const dataDir = join(root, 'data');

beforeAll(() => {
  mkdirSync(join(root, 'out'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'migrations'), join(root, 'migrations'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'package-lock.json'), join(root, 'package-lock.json'));
  // Copies that keep their times, so that the bundle built below is newer than all of them.
  cpSync(join(REPO_ROOT, 'src'), join(root, 'src'), { recursive: true, preserveTimestamps: true });
  cpSync(join(REPO_ROOT, 'bin'), join(root, 'bin'), { recursive: true, preserveTimestamps: true });
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-cli.mjs'), join(root, 'out/cli')], {
    stdio: 'pipe',
  });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function qhci(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'out/cli/qhci.cjs'), '--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: cache },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the bundled qhci', () => {
  it('runs, writes its code cache on the first run and starts from it afterwards', () => {
    const first = qhci(['info']);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toContain(`data directory: ${dataDir}`);
    const caches = readdirSync(join(cache, 'qhci')).sort();
    expect(caches).toHaveLength(2);
    expect(caches[0]).toMatch(new RegExp(`^cli-${process.version}-\\d+-\\d+\\.v8$`));
    expect(caches[1]).toBe(`${caches[0]}.kinds`);
    const file = join(cache, 'qhci', caches[0]!);
    const written = statSync(file);
    const second = qhci(['info']);
    expect(second).toMatchObject({ code: 0, err: '' });
    expect(second.out).toBe(first.out);
    expect(readdirSync(join(cache, 'qhci')).sort()).toEqual(caches);
    // A run of a kind the cache has seen leaves it as it is...
    expect(statSync(file).mtimeMs).toBe(written.mtimeMs);
    // ...one of a new kind writes it again, with its own functions added; then that kind is known too.
    expect(qhci(['folder', 'tree'])).toMatchObject({ code: 0, err: '' });
    const grown = statSync(file);
    expect(grown.size).toBeGreaterThan(written.size);
    expect(readFileSync(`${file}.kinds`, 'utf8').split('\n')).toEqual(['info', 'folder tree']);
    expect(qhci(['folder', 'tree'])).toMatchObject({ code: 0, err: '' });
    expect(statSync(file).mtimeMs).toBe(grown.mtimeMs);
  });

  it('loads the libvirt binding lazily through the launcher, from the cached bundle too', () => {
    expect(qhci(['host', 'add', 'td', '--uri', 'test:///default'])).toMatchObject({ code: 0 });
    // A sync reads the domains through the binding; a bundle that cannot import it says so on stderr.
    for (let i = 0; i < 2; i++) {
      const r = qhci(['host', 'sync', 'td']);
      expect(r.err).toBe('');
      expect(r).toMatchObject({ code: 0, out: expect.stringContaining('Synced') });
    }
  });

  it('exits 2 with the usage on a bad command, and 1 with the error when a host cannot be reached', () => {
    expect(qhci(['nosuch'])).toMatchObject({ code: 2, err: expect.stringContaining('Unknown command') });
    const r = qhci(['host', 'add', 'dead', '--uri', 'qemu+tcp://127.0.0.1:1/system']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Cannot connect to qemu+tcp://127.0.0.1:1/system');
  });

  it('bin/qhci runs the bundle until one of its own sources changes (a renderer file does not count)', () => {
    // Node warns at start about a CA file it cannot read: the runs below would show that warning.
    expect(
      spawnSync(process.execPath, ['-e', '0'], {
        encoding: 'utf8',
        env: { NODE_EXTRA_CA_CERTS: join(root, 'no-such-ca.pem') },
      }).stderr,
    ).toContain('no-such-ca.pem');
    // Through the sh front, with a CA file Node would warn about at start if the variable reached it.
    const binQhci = (cacheHome: string) =>
      spawnSync(join(root, 'bin/qhci'), ['--data-dir', dataDir, 'info'], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_EXTRA_CA_CERTS: join(root, 'no-such-ca.pem') },
        timeout: 60_000,
      });
    // Only the bundle's launcher writes a code cache: whether one appears tells which way it ran.
    const ranBundle = (name: string) => {
      const home = join(root, name);
      const r = binQhci(home);
      expect(r.stderr).toBe('');
      expect(r).toMatchObject({ status: 0, stdout: expect.stringContaining(`data directory: ${dataDir}`) });
      return existsSync(join(home, 'qhci'));
    };
    expect(ranBundle('c1')).toBe(true);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/renderer/src/App.tsx'), later, later);
    expect(ranBundle('c2')).toBe(true);
    utimesSync(join(root, 'src/cli/args.ts'), later, later);
    expect(ranBundle('c3')).toBe(false);
  }, 60_000);
});
