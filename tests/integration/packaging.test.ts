/**
 * The installers' configuration (electron-builder.yml), read back the ways electron-builder reads it: the
 * Electron fuses, its own config loader and validator, the Linux package dependencies, the icons, and a real
 * `electron-builder --dir` run with a stand-in Electron binary (Electron itself cannot be downloaded here)
 * that checks what lands in app.asar, app.asar.unpacked and resources/, and the fuse wire it flips.
 */
import { listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import FpmTarget from 'app-builder-lib/out/targets/FpmTarget';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ICNS_TYPES, ICO_SIZES, LINUX_SIZES } from '../../scripts/make-icons.mjs';

const ROOT = resolve(__dirname, '../..');
const BUILD = join(ROOT, 'build');
const yml = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const electronVersion = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('sets the fuses: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect; encrypted cookies; only an integrity-checked app.asar', () => {
    expect(yml.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("passes electron-builder's own loader and schema validation with every installer target and icon", async () => {
    const config = await getConfig(ROOT, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.linux?.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/*.node']);
    expect(config.extraResources).toEqual([{ from: 'migrations', to: 'migrations', filter: ['*.sql'] }]);
    expect(config.electronFuses).toEqual(yml.electronFuses);
    for (const icon of [config.linux?.icon, config.win?.icon, config.mac?.icon]) {
      expect(typeof icon === 'string' && existsSync(join(ROOT, icon)), `icon ${String(icon)}`).toBe(true);
    }
  });

  it("keeps electron-builder's default deb and rpm dependencies (a depends list replaces them) and adds virsh", () => {
    const defaults = (target: string) =>
      (FpmTarget.prototype as unknown as { getDefaultDepends(t: string): string[] }).getDefaultDepends(
        target,
      );
    const deb = (yml.deb as { depends: string[] }).depends;
    const rpm = (yml.rpm as { depends: string[] }).depends;
    expect(deb).toEqual([...defaults('deb'), 'libvirt-clients']);
    expect(rpm).toEqual([...defaults('rpm'), 'libvirt-client']);
  });
});

describe('installer icons (npm run icons renders build/icon.svg)', () => {
  it('build/icon.png is 1024x1024 and build/icons has every Linux size', () => {
    expect(pngSize(readFileSync(join(BUILD, 'icon.png')))).toEqual({ width: 1024, height: 1024 });
    for (const size of LINUX_SIZES) {
      expect(pngSize(readFileSync(join(BUILD, 'icons', `${size}x${size}.png`)))).toEqual({
        width: size,
        height: size,
      });
    }
  });

  it('build/icon.ico holds PNG images of 16 to 256 pixels, each the size its directory entry says', () => {
    const ico = readFileSync(join(BUILD, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const e = 6 + 16 * i;
      const declared = ico.readUInt8(e) || 256;
      const png = ico.subarray(ico.readUInt32LE(e + 12), ico.readUInt32LE(e + 12) + ico.readUInt32LE(e + 8));
      expect(pngSize(png)).toEqual({ width: declared, height: declared });
      sizes.push(declared);
    }
    expect(sizes).toEqual(ICO_SIZES);
    expect(Math.max(...sizes)).toBe(256);
  });

  it('build/icon.icns holds PNG entries of 16 to 1024 pixels, each the size its type means', () => {
    const icns = readFileSync(join(BUILD, 'icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: [string, number][] = [];
    for (let at = 8; at < icns.length;) {
      const type = icns.toString('ascii', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      const { width, height } = pngSize(icns.subarray(at + 8, at + length));
      expect(width).toBe(height);
      found.push([type, width]);
      at += length;
    }
    expect(found).toEqual(ICNS_TYPES.map(([t, s]) => [t, s]));
  });
});

/**
 * `electron-builder --dir` for Linux with a stand-in for the Electron binary: a shell script that carries the
 * fuse wire (@electron/fuses' sentinel, wire version 1, and Electron's default states), so the packaging runs
 * for real, offline and without touching node_modules (npmRebuild off). Needs `npm run build`'s out/: in
 * `npm test` this file runs again after the build (test:packaging), with QHCI_PACKAGING_BUILD=1.
 */
const built =
  existsSync(join(ROOT, 'out/main/index.js')) && existsSync(join(ROOT, 'out/renderer/index.html'));
const required = process.env.QHCI_PACKAGING_BUILD === '1';

describe.skipIf(!built && !required)('electron-builder --dir with a stand-in Electron', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'qhci-pack-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  let appDir: string | null = null;
  async function pack(): Promise<string> {
    if (appDir) return appDir;
    expect(built, 'out/ is missing: run `npm run build` first').toBe(true);
    const dist = join(tmp, 'electron');
    mkdirSync(join(dist, 'resources'), { recursive: true });
    const electronDefaults = '10110001'; // RunAsNode, NodeOptions, Inspect and file:// privileges on
    writeFileSync(
      join(dist, 'electron'),
      `#!/bin/sh\nexit 0\n# dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX\u0001\u0008${electronDefaults}\n`,
      'latin1',
    );
    chmodSync(join(dist, 'electron'), 0o755);
    writeFileSync(join(dist, 'version'), electronVersion);
    const out = join(tmp, 'dist');
    await promisify(execFile)(
      join(ROOT, 'node_modules/.bin/electron-builder'),
      [
        '--dir',
        '--linux',
        '--x64',
        '-c.npmRebuild=false',
        `-c.electronDist=${dist}`,
        `-c.directories.output=${out}`,
      ],
      { cwd: ROOT, timeout: 240_000, maxBuffer: 16 << 20 },
    );
    appDir = join(out, 'linux-unpacked');
    return appDir;
  }

  it("packs out/main, out/preload and out/renderer, without source maps, the CLI bundle or the renderer's libraries", async () => {
    const files = listPackage(join(await pack(), 'resources/app.asar'), { isPack: false });
    const own = files.filter((f) => f !== '/node_modules' && !f.startsWith('/node_modules/'));
    expect(own).toContain('/package.json');
    expect(own).toContain('/out/main/index.js');
    expect(own).toContain('/out/preload/index.js');
    expect(own).toContain('/out/renderer/index.html');
    expect(own.filter((f) => f.endsWith('.map') || f.startsWith('/out/cli'))).toEqual([]);
    expect(own.every((f) => f.startsWith('/out') || f === '/package.json')).toBe(true);
    // What main requires at run time is there; what only the renderer or a build tool needs is not.
    for (const mod of [
      'better-sqlite3',
      'bindings',
      'ssh2',
      'asn1',
      'zod',
      'yaml',
      'fast-xml-parser',
      'unixcrypt',
      'node-pty',
      'pngjs',
    ]) {
      expect(files, mod).toContain(`/node_modules/${mod}/package.json`);
    }
    for (const mod of [
      'react',
      'react-dom',
      '@patternfly',
      '@tanstack',
      'zustand',
      '@novnc',
      '@xterm',
      'esbuild',
      'electron',
    ]) {
      expect(files.filter((f) => f.startsWith(`/node_modules/${mod}/`))).toEqual([]);
    }
  });

  it('ships the migrations in resources/migrations, where main reads them when packaged', async () => {
    const shipped = readdirSync(join(await pack(), 'resources/migrations')).sort();
    const source = readdirSync(join(ROOT, 'migrations'))
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(shipped).toEqual(source);
    expect(source.length).toBeGreaterThan(0);
  });

  it('unpacks the native modules from app.asar', async () => {
    const unpacked = join(await pack(), 'resources/app.asar.unpacked/node_modules');
    for (const binary of [
      'better-sqlite3/build/Release/better_sqlite3.node',
      'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node',
      'node-pty/build/Release/pty.node',
    ]) {
      expect(existsSync(join(unpacked, binary)), binary).toBe(true);
    }
  });

  it('flips the fuses in the packaged binary', async () => {
    const wire = await getCurrentFuseWire(join(await pack(), 'qhci'));
    // The wire holds '1' (on) or '0' (off) per fuse (@electron/fuses' FuseState, which it does not export).
    const state = (fuse: FuseV1Options) => (wire[fuse] === 0x31 ? 'on' : wire[fuse] === 0x30 ? 'off' : '?');
    expect({
      runAsNode: state(FuseV1Options.RunAsNode),
      cookieEncryption: state(FuseV1Options.EnableCookieEncryption),
      nodeOptions: state(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
      inspect: state(FuseV1Options.EnableNodeCliInspectArguments),
      asarIntegrity: state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
      onlyAsar: state(FuseV1Options.OnlyLoadAppFromAsar),
      fileProtocolPrivileges: state(FuseV1Options.GrantFileProtocolExtraPrivileges),
    }).toEqual({
      runAsNode: 'off',
      cookieEncryption: 'on',
      nodeOptions: 'off',
      inspect: 'off',
      asarIntegrity: 'on',
      onlyAsar: 'on',
      fileProtocolPrivileges: 'off',
    });
  });
});
