/**
 * The define step (the clone's XML from the source's, its undo record first: undefine with its NVRAM) and
 * the record step (the inventory entry leaves "creating", shut off, and the change is pushed).
 */
import { randomBytes } from 'node:crypto';
import type { StepHandle } from '../../tasks/task-log';
import { cloneDomainXml, macFrom } from '../../virt/clone-xml';
import { changed } from '../snapshots/context';
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
  const { input } = ctx;
  const xml = cloneDomainXml(plan.xml, {
    name: input.name,
    uuid: plan.uuid,
    ...(input.description !== undefined ? { description: input.description } : {}),
    vmId: plan.vmId,
    macs: newMacs(plan.facts.nics, plan.xml),
    disks: Object.fromEntries(plan.disks.map((d) => [d.target, d.path!])),
    seedPath: ctx.seedPath,
    nvram: plan.nvram,
  });
  step.addUndo({ type: 'domain', hostId: plan.hostId, uuid: plan.uuid, name: input.name });
  await (await deps.opsFor(plan.hostId)).define(xml);
  step.done(`Domain ${input.name} (${plan.uuid})`);
}

export function recordStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>): Promise<void> {
  const plan = planOf(ctx);
  deps.vms.setState(plan.vmId, 'shutoff');
  const pools = [...new Set(plan.disks.map((d) => d.pool))];
  changed(deps, { ...ctx.source, id: plan.vmId, name: ctx.input.name, uuid: plan.uuid }, pools);
  deps.events.emit('vm.state', { vmId: plan.vmId, hostId: plan.hostId, state: 'shutoff' });
  step.done(`VM ${ctx.input.name} is shut off`);
  return Promise.resolve();
}
