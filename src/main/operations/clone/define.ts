/**
 * The define step (the clone's XML from the source's, its undo record first: undefine with its NVRAM) and
 * the record step (the inventory entry names its parent, leaves "creating", shut off; the change is pushed).
 */
import { randomBytes } from 'node:crypto';
import type { StepHandle } from '../../tasks/task-log';
import { cloneDomainXml, macFrom } from '../../virt/clone-xml';
import { planOf, type CloneCtx, type CloneDeps, type CloneUndo } from './context';

/** n distinct new MACs, none of them one the source has. */
function newMacs(n: number, sourceXml: string): string[] {
  const out = new Set<string>();
  while (out.size < n) {
    const mac = macFrom(randomBytes(3));
    if (!sourceXml.toLowerCase().includes(mac)) out.add(mac);
  }
  return [...out];
}

export async function defineStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>) {
  const plan = planOf(ctx);
  const { job } = ctx;
  const xml = cloneDomainXml(plan.xml, {
    name: job.name,
    uuid: plan.uuid,
    ...(job.description !== undefined ? { description: job.description } : {}),
    vmId: plan.vmId,
    macs: newMacs(plan.facts.nics, plan.xml),
    disks: Object.fromEntries(plan.disks.map((d) => [d.target, d.path!])),
    seedPath: ctx.seedPath,
    nvram: plan.nvram,
    eject: plan.eject,
  });
  step.addUndo({ type: 'domain', hostId: plan.hostId, uuid: plan.uuid, name: job.name });
  // The XML as a private file where virsh runs: the define is one command in the host's virsh session.
  await (await deps.opsFor(plan.hostId)).defineInSession(xml);
  step.done(`Domain ${job.name} (${plan.uuid})`);
}

export function recordStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>): Promise<void> {
  const plan = planOf(ctx);
  const { job } = ctx;
  // A linked clone named its template when its entry was made; a full one names its source now.
  if (job.mode === 'full') deps.vms.setParent(plan.vmId, ctx.source.id, false);
  deps.vms.setState(plan.vmId, 'shutoff');
  // Its devices, its new volumes and its pools' free space are read back in one round trip, in the
  // background (drain() waits for it): until then its page shows no disks.
  const volumes = plan.disks.map((d) => ({ pool: d.pool, name: d.volume }));
  if (ctx.seedPath) volumes.push({ pool: plan.pool, name: `${job.name}-cidata.iso` });
  const pools = [...new Set(volumes.map((v) => v.pool))];
  deps.engine.track(
    deps.hostsService.refresh(plan.hostId, { domains: [job.name], pools, volumes }).catch(() => undefined),
  );
  deps.events.emit('inventory.changed', { entity: 'vms', projectId: ctx.source.projectId });
  deps.events.emit('vm.state', { vmId: plan.vmId, hostId: plan.hostId, state: 'shutoff' });
  step.done(`VM ${job.name} is shut off`);
  return Promise.resolve();
}
