/**
 * The NoCloud seed ISO: a small ISO 9660 image with volume id `cidata` holding user-data, meta-data and
 * (optionally) network-config, with Joliet and Rock Ridge names so the guest sees the exact file names.
 * Built with whichever of genisoimage, xorriso or mkisofs is installed, run with an argv (no shell) by the
 * runner the caller passes: processes are started only in src/main/hosts.
 */
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppError } from '../../../shared/domain/errors';
import type { Seed } from '../../cloudinit/seed';

/** Runs a program with an argv (src/main/hosts/local-process.ts runLocal fits). */
export type ToolRunner = (
  program: string,
  args: readonly string[],
  opts: { timeoutMs?: number },
) => Promise<{ code: number; stderr: string }>;

export const ISO_TOOLS = ['genisoimage', 'xorriso', 'mkisofs'] as const;
export type IsoTool = (typeof ISO_TOOLS)[number];

export const SEED_VOLUME_ID = 'cidata';

/** The full argv, program first, that packs every file of `dir` into `outFile` (no shell needed). */
export function isoArgv(tool: IsoTool, outFile: string, dir: string): string[] {
  const common = ['-quiet', '-o', outFile, '-V', SEED_VOLUME_ID, '-J', '-R', '-input-charset', 'utf-8', dir];
  switch (tool) {
    case 'genisoimage':
    case 'mkisofs':
      return [tool, ...common];
    case 'xorriso':
      return [tool, '-as', 'mkisofs', ...common];
  }
}

/** Where an ISO tool may be found: the workstation, or a host reached over SSH. */
export interface ToolSide {
  name: string;
  has(tool: string): Promise<boolean>;
}

/** The first side (in the order given) that has any tool, with its first tool in ISO_TOOLS order. */
export async function pickIsoTool(sides: readonly ToolSide[]): Promise<{ side: ToolSide; tool: IsoTool }> {
  for (const side of sides) {
    for (const tool of ISO_TOOLS) {
      if (await side.has(tool)) return { side, tool };
    }
  }
  const where = sides.length === 0 ? ['on the workstation'] : sides.map((s) => `on ${s.name}`);
  const places =
    where.length === 1 ? where[0]! : `${where.slice(0, -1).join(', ')} or ${where[where.length - 1]!}`;
  throw new AppError(
    'UNSUPPORTED',
    `No ISO tool found: install genisoimage, xorriso or mkisofs ${places} to build the cloud-init seed`,
  );
}

/**
 * Whether `tool` is an executable file on this machine's PATH. The checks are synchronous: a few access()
 * calls cost microseconds, while their asynchronous form waits in the thread pool behind whatever else runs.
 */
export function hasLocalTool(tool: string): Promise<boolean> {
  if (!/^[A-Za-z0-9._-]+$/.test(tool)) return Promise.resolve(false);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return Promise.resolve(true);
    } catch {
      // not in this directory
    }
  }
  return Promise.resolve(false);
}

/** The workstation as a ToolSide. */
export const localToolSide: ToolSide = { name: 'the workstation', has: hasLocalTool };

/** The files of a seed, by their NoCloud names. */
export function seedFiles(seed: Seed): [string, string][] {
  const files: [string, string][] = [
    ['user-data', seed.userData],
    ['meta-data', seed.metaData],
  ];
  if (seed.networkConfig !== null) files.push(['network-config', seed.networkConfig]);
  return files;
}

/** Builds the seed ISO on the workstation in a private temp dir, which is always removed. */
export async function buildSeedIsoLocal(
  seed: Seed,
  opts: { tool?: IsoTool; run: ToolRunner },
): Promise<Buffer> {
  const tool = opts.tool ?? (await pickIsoTool([localToolSide])).tool;
  if (!(ISO_TOOLS as readonly string[]).includes(tool)) {
    throw new AppError(
      'VALIDATION',
      `Unknown ISO tool "${String(tool)}"; use ${ISO_TOOLS.join(', ')}`,
      'tool',
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'qhci-seed-'));
  try {
    await chmod(work, 0o700);
    const dir = join(work, 'cidata');
    const out = join(work, 'seed.iso');
    await mkdir(dir, { mode: 0o700 });
    for (const [name, text] of seedFiles(seed)) {
      await writeFile(join(dir, name), text, { mode: 0o600, flag: 'wx' });
    }
    if (!(await hasLocalTool(tool))) {
      throw new AppError('UNSUPPORTED', `No ISO tool found: ${tool} is not installed on the workstation`);
    }
    const [program, ...args] = isoArgv(tool, out, dir);
    const r = await opts.run(program!, args, { timeoutMs: 60_000 });
    if (r.code !== 0) {
      const detail = r.stderr.trim().split('\n').slice(-3).join(' ');
      throw new AppError('INTERNAL', `${tool} could not build the seed ISO: ${detail}`);
    }
    return await readFile(out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
