/**
 * The define step: the domain XML with the paths the host gave, defined; then the new domain, its pools and
 * volumes are read back for the inventory (one round trip), to be written when the VM is recorded.
 */
import type { CpuVariant } from '../../../shared/domain/cpu';
import type { StepHandle } from '../../tasks/task-log';
import type { HostUndo } from '../host-undo';
import { opsOf, type CreateCtx, type ReadBack } from './context';
import { toXml } from './plan';

/** Reads the new domain, its pools and its new volumes from the host (null when the read fails). */
export function readBackParts(ctx: CreateCtx): Promise<ReadBack | null> {
  const { plan } = ctx;
  return ctx.deps.hostsService
    .read(plan.hostId, {
      domains: [plan.name],
      pools: [...new Set([plan.pool, ...plan.disks.map((d) => d.pool)])],
      volumes: [
        ...plan.disks.filter((d) => d.kind !== 'existing').map((d) => ({ pool: d.pool, name: d.volume })),
        ...(ctx.seedPath && plan.seedVolume ? [{ pool: plan.pool, name: plan.seedVolume }] : []),
      ],
    })
    .catch(() => null);
}

export async function defineStep(ctx: CreateCtx, step: StepHandle<HostUndo>): Promise<void> {
  const { plan } = ctx;
  const installer = plan.domain.cdroms.find((c) => c.purpose === 'installer');
  const xmlFor = (cpuMode: CpuVariant) =>
    toXml({
      ...plan.domain,
      cpuMode,
      disks: plan.domain.disks.map((d, k) => ({ ...d, path: ctx.diskPaths[k]! })),
      cdroms: [
        ...(installer ? [{ path: ctx.imagePath, purpose: 'installer' as const }] : []),
        ...(ctx.seedPath ? [{ path: ctx.seedPath, purpose: 'seed' as const }] : []),
      ],
    });
  ctx.xmlFor = xmlFor;
  step.addUndo({ type: 'domain', hostId: plan.hostId, uuid: plan.uuid, name: plan.name });
  await opsOf(ctx).define(xmlFor(plan.cpuAttempts[0]!));
  step.done(`Domain ${plan.name} (${plan.uuid})`);
  ctx.readBack = await readBackParts(ctx);
}
