/**
 * The image step: reach the host (the seed ISO starts building meanwhile), then make sure the boot image is
 * in the VM's pool there, copying it when the plan says so.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import { copyImage } from '../copy-image';
import { HostOps } from '../host-ops';
import type { HostUndo } from '../host-undo';
import type { CreateCtx } from './context';
import { buildSeedIso } from './seed';

export async function imageStep(ctx: CreateCtx, step: StepHandle<HostUndo>): Promise<void> {
  const { plan, deps } = ctx;
  const unreachable = (err: Error) => {
    throw new AppError('HOST_ERROR', `Cannot reach host ${plan.hostName}: ${err.message}`);
  };
  const driver = await deps.hostsService.driverFor(plan.hostId).catch(unreachable);
  ctx.driver = driver;
  if (plan.seed && plan.seedVolume) {
    ctx.isoBuild = buildSeedIso(plan.seed, driver);
    ctx.isoBuild.catch(() => undefined); // its failure is the seed step's
  }
  await driver.connect().catch(unreachable);
  const ops = new HostOps(driver);
  ctx.ops = ops;
  ctx.imagePath = plan.image?.path ?? null;
  if (!plan.image) step.skip('No boot image');
  else if (!plan.uploadImage) step.done(`${plan.image.name} is on the host`);
  else {
    const to = { ops, hostId: plan.hostId, pool: plan.pool };
    const undo: HostUndo = { type: 'volume', hostId: plan.hostId, pool: plan.pool, name: plan.image.name };
    ctx.imagePath = await copyImage(deps, plan.image, to, step, undo);
  }
}
