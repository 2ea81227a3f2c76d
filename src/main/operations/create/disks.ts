/** The disks step: every new volume, then every disk's path, in one round trip to the host. */
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import { HostOps, isAlreadyExists } from '../host-ops';
import type { HostUndo } from '../host-undo';
import { opsOf, type CreateCtx } from './context';

export async function disksStep(ctx: CreateCtx, step: StepHandle<HostUndo>): Promise<void> {
  const { plan } = ctx;
  const ops = opsOf(ctx);
  const fresh = plan.disks.filter((d) => d.kind !== 'existing');
  const commands = fresh.map((d) => {
    step.addUndo({ type: 'volume', hostId: plan.hostId, pool: d.pool, name: d.volume });
    const backing =
      d.backing && ctx.imagePath ? { path: ctx.imagePath, format: plan.image?.format ?? 'qcow2' } : undefined;
    return HostOps.createArgs({
      pool: d.pool,
      name: d.volume,
      capacityBytes: d.capacityBytes,
      format: d.format,
      thick: d.thick,
      backing,
    });
  });
  const results = plan.disks.length
    ? await ops.batch([...commands, ...plan.disks.map((d) => HostOps.pathArgs(d.pool, d.volume))])
    : [];
  const failed = results.slice(0, commands.length).flatMap((r, i) => (r.ok ? [] : [{ error: r.error, i }]));
  // A volume that was there before is not ours: never remove it.
  for (const { error, i } of failed) {
    if (isAlreadyExists(error)) step.dropUndo((u) => u.type === 'volume' && u.name === fresh[i]!.volume);
  }
  if (failed.length) {
    const { error, i } = failed[0]!;
    const disk = fresh[i]!;
    if (isAlreadyExists(error)) {
      throw new AppError(
        'CONFLICT',
        `Pool ${disk.pool} on ${plan.hostName} already has a volume ${disk.volume}`,
      );
    }
    throw new AppError('HOST_ERROR', `Cannot create volume ${disk.volume}: ${error}`);
  }
  ctx.diskPaths = results.slice(commands.length).map((r, k) => {
    if (!r.ok) throw new AppError('HOST_ERROR', `Cannot find volume ${plan.disks[k]!.volume}: ${r.error}`);
    return r.out.trim();
  });
  if (plan.disks.length === 0) step.skip('No disks');
  else step.done(fresh.length ? `Created ${fresh.map((d) => d.volume).join(', ')}` : 'Existing volumes');
}
