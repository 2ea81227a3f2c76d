import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors';
import { runLocal } from '../../hosts/local-process';
import { buildSeedIsoLocal, ISO_TOOLS, isoArgv, pickIsoTool, seedFiles, type ToolSide } from './seed-iso';
import type { Seed } from '../../cloudinit/seed';

const SEED: Seed = {
  hostname: 'web',
  userData: '#cloud-config\nhostname: web\n',
  metaData: 'instance-id: i-1\nlocal-hostname: web\n',
  networkConfig: null,
};

const side = (name: string, tools: readonly string[]): ToolSide => ({
  name,
  has: async (tool) => tools.includes(tool),
});

describe('isoArgv', () => {
  it('asks every tool for volume id cidata with Joliet and Rock Ridge; xorriso through -as mkisofs', () => {
    for (const tool of ISO_TOOLS) {
      const argv = isoArgv(tool, '/t/seed.iso', '/t/cidata');
      expect(argv[0]).toBe(tool);
      expect(argv.join(' ')).toContain('-o /t/seed.iso -V cidata -J -R');
      expect(argv[argv.length - 1]).toBe('/t/cidata');
    }
    expect(isoArgv('xorriso', '/o', '/d').slice(0, 3)).toEqual(['xorriso', '-as', 'mkisofs']);
    expect(isoArgv('genisoimage', '/o', '/d')).not.toContain('-as');
  });
});

describe('pickIsoTool', () => {
  it('takes the first side with any tool, preferring genisoimage, then xorriso, then mkisofs', async () => {
    const ws = side('the workstation', []);
    const host = side('host kvm1', ['mkisofs', 'xorriso']);
    const r = await pickIsoTool([ws, host, side('host kvm2', ['genisoimage'])]);
    expect(r.side).toBe(host);
    expect(r.tool).toBe('xorriso');
    expect((await pickIsoTool([side('w', ['mkisofs', 'genisoimage'])])).tool).toBe('genisoimage');
  });

  it('names the missing tools and every place it looked when none has one', async () => {
    const err = await pickIsoTool([side('the workstation', []), side('host kvm1', [])]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('UNSUPPORTED');
    expect((err as AppError).message).toBe(
      'No ISO tool found: install genisoimage, xorriso or mkisofs on the workstation or on host kvm1 to build the cloud-init seed',
    );
  });
});

describe('seedFiles', () => {
  it('has network-config only when the seed has one', () => {
    expect(seedFiles(SEED).map(([n]) => n)).toEqual(['user-data', 'meta-data']);
    expect(seedFiles({ ...SEED, networkConfig: 'version: 2\n' }).map(([n]) => n)).toEqual([
      'user-data',
      'meta-data',
      'network-config',
    ]);
  });
});

describe('buildSeedIsoLocal with a stand-in tool', () => {
  const base = mkdtempSync(join(tmpdir(), 'qhci-iso-test-'));
  const bin = join(base, 'bin');
  const scratch = join(base, 'tmp');
  const saved = { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR };
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  beforeEach(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
    for (const d of [bin, scratch]) mkdirSync(d);
  });
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.TMPDIR === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved.TMPDIR;
  });

  /** A fake genisoimage: records its argv, the work dir's mode and the files, then writes "ISO". */
  function fakeTool(exit: number): void {
    writeFileSync(
      join(bin, 'genisoimage'),
      [
        '#!/bin/sh',
        `printf '%s\\n' "$@" > "${base}/argv"`,
        'for last; do :; done',
        `stat -c %a "$(dirname "$last")" > "${base}/mode"`,
        `ls "$last" > "${base}/files"`,
        `[ ${exit} -eq 0 ] || { echo "genisoimage: broken on purpose" >&2; exit ${exit}; }`,
        'while [ "$#" -gt 0 ]; do [ "$1" = -o ] && printf ISO > "$2"; shift; done',
      ].join('\n'),
    );
    chmodSync(join(bin, 'genisoimage'), 0o755);
    process.env.PATH = `${bin}:/usr/bin:/bin`;
    process.env.TMPDIR = scratch;
  }

  it('runs the tool without a shell in a private dir, returns the bytes and removes the dir', async () => {
    fakeTool(0);
    const iso = await buildSeedIsoLocal(
      { ...SEED, networkConfig: 'version: 2\n' },
      { tool: 'genisoimage', run: runLocal },
    );
    expect(iso.toString()).toBe('ISO');
    expect(readFileSync(join(base, 'mode'), 'utf8').trim()).toBe('700');
    expect(readFileSync(join(base, 'files'), 'utf8').split('\n').filter(Boolean)).toEqual([
      'meta-data',
      'network-config',
      'user-data',
    ]);
    expect(readFileSync(join(base, 'argv'), 'utf8')).toContain('cidata');
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('picks the local tool when none is given', async () => {
    fakeTool(0);
    expect((await buildSeedIsoLocal(SEED, { run: runLocal })).toString()).toBe('ISO');
  });

  it('reports a failing tool and still removes the dir', async () => {
    fakeTool(3);
    const err = await buildSeedIsoLocal(SEED, { tool: 'genisoimage', run: runLocal }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toContain('broken on purpose');
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('reports a missing tool as UNSUPPORTED', async () => {
    process.env.PATH = bin;
    process.env.TMPDIR = scratch;
    const err = await buildSeedIsoLocal(SEED, { tool: 'xorriso', run: runLocal }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('UNSUPPORTED');
    expect(readdirSync(scratch)).toEqual([]);
  });
});
