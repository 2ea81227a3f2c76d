/**
 * The seed step: the cloud-init ISO, built on the workstation where a tool exists (else on the host), put
 * into a new volume in the VM's pool.
 */
import { AppError } from '../../../shared/domain/errors';
import type { Seed } from '../../cloudinit/seed';
import type { HostDriver } from '../../hosts/driver';
import { runLocal } from '../../hosts/local-process';
import type { StepHandle } from '../../tasks/task-log';
import { HostOps, isAlreadyExists } from '../host-ops';
import type { HostUndo } from '../host-undo';
import { opsOf, type CreateCtx } from './context';
import {
  buildSeedIsoLocal,
  isoArgv,
  localToolSide,
  pickIsoTool,
  seedFiles,
  type IsoTool,
  type ToolSide,
} from './seed-iso';

/** The ISO's bytes (built here), or its path in a temporary directory on the host. */
export type SeedIsoBuilt = { readonly bytes: Buffer } | { readonly hostPath: string };

/** Builds the seed's files into an ISO on the host, in a temporary directory of its own. */
async function buildOnHost(seed: Seed, driver: HostDriver, tool: IsoTool): Promise<SeedIsoBuilt> {
  const dir = (await driver.exec(['mktemp', '-d'])).stdout.trim();
  if (!dir.startsWith('/')) throw new AppError('HOST_ERROR', 'Cannot make a temporary directory on the host');
  // The files in their own directory, the ISO beside it (never inside what is being packed).
  const files = `${dir}/cidata`;
  const mk = await driver.exec(['mkdir', '-m', '0700', '--', files]);
  if (mk.code !== 0) throw new AppError('HOST_ERROR', `Cannot make a temporary directory on the host`);
  for (const [name, content] of seedFiles(seed)) {
    const r = await driver.exec(['sh', '-c', 'cat > "$0"', `${files}/${name}`], { stdin: content });
    if (r.code !== 0)
      throw new AppError('HOST_ERROR', `Cannot write the seed on the host: ${r.stderr.trim()}`);
  }
  const out = `${dir}/seed.iso`;
  const r = await driver.exec(isoArgv(tool, out, files));
  if (r.code !== 0) throw new AppError('HOST_ERROR', `${tool} failed on the host: ${r.stderr.trim()}`);
  return { hostPath: out };
}

/** Builds the seed ISO where a tool exists (the workstation first, then the host). */
export async function buildSeedIso(seed: Seed, driver: HostDriver): Promise<SeedIsoBuilt> {
  const hostSide: ToolSide = {
    name: 'the host',
    has: async (tool) => {
      if (driver.kind !== 'ssh') return false;
      const r = await driver.exec(['sh', '-c', 'command -v "$0" >/dev/null', tool]).catch(() => null);
      return r?.code === 0;
    },
  };
  const { side, tool } = await pickIsoTool([localToolSide, hostSide]);
  if (side === localToolSide) return { bytes: await buildSeedIsoLocal(seed, { tool, run: runLocal }) };
  return buildOnHost(seed, driver, tool);
}

/** Removes the temporary directory of a seed built on the host (if that is where it was built). */
export async function dropHostSeed(driver: HostDriver | null, iso: SeedIsoBuilt | null): Promise<void> {
  if (driver && iso && 'hostPath' in iso) {
    await driver.exec(['rm', '-rf', '--', iso.hostPath.replace(/\/seed\.iso$/, '')]).catch(() => undefined);
  }
}

export async function seedStep(ctx: CreateCtx, step: StepHandle<HostUndo>): Promise<void> {
  const { plan } = ctx;
  const ops = opsOf(ctx);
  const iso = await ctx.isoBuild;
  if (!iso || !plan.seedVolume) return step.skip('No cloud-init');
  const volume = plan.seedVolume;
  const size =
    'bytes' in iso
      ? iso.bytes.length
      : Number((await ops.driver.exec(['stat', '-c', '%s', '--', iso.hostPath])).stdout.trim());
  step.addUndo({ type: 'volume', hostId: plan.hostId, pool: plan.pool, name: volume });
  const [made, where] = await ops.batch([
    HostOps.createArgs({ pool: plan.pool, name: volume, capacityBytes: size, format: 'raw' }),
    HostOps.pathArgs(plan.pool, volume),
  ]);
  if (!made?.ok) {
    const error = made?.ok === false ? made.error : 'no answer';
    if (isAlreadyExists(error)) {
      step.dropUndo((u) => u.type === 'volume');
      throw new AppError('CONFLICT', `Pool ${plan.pool} on ${plan.hostName} already has a volume ${volume}`);
    }
    throw new AppError('HOST_ERROR', `Cannot create volume ${volume}: ${error}`);
  }
  if (!where?.ok) throw new AppError('HOST_ERROR', `Cannot find volume ${volume}`);
  ctx.seedPath = where.out.trim();
  try {
    if ('bytes' in iso) await ops.uploadBytes(plan.pool, volume, iso.bytes);
    else await ops.uploadFromHost(plan.pool, volume, iso.hostPath);
  } finally {
    await dropHostSeed(ops.driver, iso);
  }
  step.done(`${plan.pool}/${volume}`);
}
