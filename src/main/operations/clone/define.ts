/**
 * The define step (the clone's XML from the source's, its undo record first: undefine with its NVRAM) and
 * the record step (the inventory entry names its parent, leaves "creating", shut off; the change is pushed).
 */
import { randomBytes } from 'node:crypto';
import type { StepHandle } from '../../tasks/task-log';
import { cloneDomainXml, macFrom } from '../../virt/clone-xml';
import { crossHost, planOf, type CloneCtx, type CloneDeps, type CloneUndo } from './context';

/** n distinct new MACs, none of them one the source has. */
function newMacs(n: number, sourceXml: string): string[] {
  const out = new Set<string>();
  while (out.size < n) {
    const mac = macFrom(randomBytes(3));
    if (!sourceXml.toLowerCase().includes(mac)) out.add(mac);
  }
  return [...out];
}

/** The clone's XML with its new files at these paths (its MACs chosen on the first call). */
function cloneXml(ctx: CloneCtx, disks: Record<string, string>, seedPath: string | null): string {
  const plan = planOf(ctx);
  const { job } = ctx;
  ctx.macs ??= newMacs(plan.facts.nics, plan.xml);
  return cloneDomainXml(plan.xml, {
    name: job.name,
    uuid: plan.uuid,
    ...(job.description !== undefined ? { description: job.description } : {}),
    vmId: plan.vmId,
    macs: ctx.macs,
    disks,
    seedPath,
    nvram: plan.nvram,
    eject: plan.eject,
  });
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);

/**
 * Where libvirt will put the clone's new volumes, foreseen on the source's host: in the pool of a source
 * disk, beside it (a pool's volumes are the files of its directory); null when one cannot be foreseen.
 */
export function foreseenPaths(ctx: CloneCtx): { disks: Record<string, string>; seed: string | null } | null {
  const plan = planOf(ctx);
  if (crossHost(ctx)) return null;
  const dirs = new Map(plan.disks.map((d) => [d.sourcePool, dirOf(d.source)]));
  const disks: Record<string, string> = {};
  for (const d of plan.disks) {
    const dir = dirs.get(d.pool);
    if (!dir || d.base) return null;
    disks[d.target] = dir + d.volume;
  }
  if (!plan.facts.disks.some((d) => d.seed)) return { disks, seed: null };
  const dir = dirs.get(plan.pool);
  return dir ? { disks, seed: `${dir}${ctx.job.name}-cidata.iso` } : null;
}

/**
 * On an SSH host, the clone's XML is written there while its disks and seed are made (in one exec beside
 * them), with the paths their volumes will have foreseen: the define step then is one command in the host's
 * virsh session. A foresight that turns out wrong only costs the write: the define writes the XML again.
 */
export async function stageDefine(deps: CloneDeps, ctx: CloneCtx): Promise<void> {
  const ops = await deps.opsFor(planOf(ctx).hostId);
  const paths = ops.driver.kind === 'ssh' && !ctx.defineFile ? foreseenPaths(ctx) : null;
  if (!paths) return;
  const xml = cloneXml(ctx, paths.disks, paths.seed);
  const path = ops.stageOnHost(xml);
  // Its failure only means the define writes the XML itself.
  path.catch(() => undefined);
  ctx.defineFile = { xml, path, ops };
}

/** Removes the XML written ahead on the host, once the task has ended. */
export async function dropStagedDefine(ctx: CloneCtx): Promise<void> {
  const f = ctx.defineFile;
  if (!f) return;
  await f.path.then(
    (path) => f.ops.dropStaged(path),
    () => undefined,
  );
}

export async function defineStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>) {
  const plan = planOf(ctx);
  const { job } = ctx;
  const disks = Object.fromEntries(plan.disks.map((d) => [d.target, d.path!]));
  const xml = cloneXml(ctx, disks, ctx.seedPath);
  const ops = await deps.opsFor(plan.hostId);
  const staged = ctx.defineFile?.xml === xml ? await ctx.defineFile.path.catch(() => null) : null;
  step.addUndo({ type: 'domain', hostId: plan.hostId, uuid: plan.uuid, name: job.name });
  // The XML as a private file where virsh runs: the define is one command in the host's virsh session.
  if (staged) await ops.defineStaged(staged);
  else await ops.defineInSession(xml);
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
