/**
 * The check step: under its lock, the source read again from its host (shut off, a template for a linked
 * clone, every writable disk a file or block device), the name free on the clone's host and in the project,
 * each new volume's name free and room in its pool (and, for a transfer, in the source's pool for the
 * flattened copy). Then the clone's inventory entry ("creating") holds its name; a linked clone's names its
 * template at once, so the template cannot be deleted or turned back into a VM while the clone is made.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import { cloneFacts, type CloneFacts } from '../../virt/clone-xml';
import type { HostOps } from '../host-ops';
import { vmLock } from '../snapshots/context';
import { stageDefine } from './define';
import { startSeed } from './files';
import { crossHost, type CloneCtx, type CloneDeps, type CloneUndo, type DiskCopy } from './context';
import { planCloneDisks, readHosts, refuseUnlessTemplate, shutOffXml, sourceDisks, sourceNow } from './plan';

const TPM_ROOT = '/var/lib/libvirt/swtpm';

/**
 * On another host, what the clone shares with its source (ISOs, read-only and shareable disks) must be there
 * too: a CD-ROM whose medium is missing is left empty (its targets returned); any other such disk refuses.
 */
async function sharedMedia(destOps: HostOps, facts: CloneFacts, host: string): Promise<string[]> {
  const eject: string[] = [];
  for (const d of facts.disks) {
    if (d.copy || d.seed || !d.source) continue;
    if ((await destOps.driver.exec(['test', '-e', d.source])).code === 0) continue;
    if (d.device === 'cdrom') eject.push(d.target);
    else {
      throw new AppError(
        'UNSUPPORTED',
        `Disk ${d.target} (${d.source}) is shared with the source, not copied, and host ${host} does not have it`,
        'placement',
      );
    }
  }
  return eject;
}

/**
 * The source's XML and the clone's disks, checked under the lock. What the request read stands while the
 * source's XML is the same (its disks do not change while it is shut off, a template's never): one round
 * trip per host then reads only what can change since (the source's state and XML, the host's domain names,
 * the pools' free space, the new volumes' names). A source whose XML changed is read again in full.
 */
async function checkHosts(
  deps: CloneDeps,
  ctx: CloneCtx,
  srcOps: HostOps,
  destOps: HostOps,
): Promise<{ xml: string; disks: DiskCopy[] }> {
  const { source: vm, job, known } = ctx;
  const cross = crossHost(ctx);
  const at = { hostId: job.hostId, projectId: vm.projectId };
  const planned = known ? await planCloneDisks(deps, vm, known.disks, job, destOps) : [];
  const read = await readHosts(deps, at, destOps, cross ? srcOps : null, planned, sourceNow(vm));
  const xml = shutOffXml(vm, read.lead);
  if (known?.xml === xml) {
    read.refuse([job.name]);
    return { xml, disks: planned };
  }
  const again = await sourceDisks(srcOps, xml, { required: job.mode === 'full' || cross });
  const disks = await planCloneDisks(deps, vm, again, job, destOps);
  (await readHosts(deps, at, destOps, cross ? srcOps : null, disks)).refuse([job.name]);
  return { xml, disks };
}

export async function checkStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>) {
  const { source: vm, job } = ctx;
  const srcOps = await deps.opsFor(vm.hostId);
  const cross = crossHost(ctx);
  const destOps = cross ? await deps.opsFor(job.hostId) : srcOps;
  if (job.mode === 'linked') refuseUnlessTemplate(deps, vm);
  // The seed ISO does not depend on the disks: built from here on, beside them.
  const seeded = (x: string) => cloneFacts(x).disks.some((d) => d.seed);
  if (ctx.known && seeded(ctx.known.xml)) await startSeed(deps, ctx);
  const { xml, disks } = await checkHosts(deps, ctx, srcOps, destOps);
  const facts = cloneFacts(xml);
  if (facts.disks.some((d) => d.seed)) await startSeed(deps, ctx);
  const src = deps.vms.get(vm.id);
  const pool = disks[0]?.pool ?? null;
  if (!pool && facts.disks.some((d) => d.seed)) {
    throw new AppError('UNSUPPORTED', `VM ${vm.name} has no disk in a pool for the clone's seed`, 'vmId');
  }
  const tpmDir = `${TPM_ROOT}/${facts.uuid}`;
  const tpmFrom = facts.tpm && (await srcOps.driver.exec(['test', '-d', tpmDir])).code === 0 ? tpmDir : null;
  const nvram = facts.nvram ? facts.nvram.replace(/[^/]*$/, `${job.name}_VARS.fd`) : null;
  const hostName = deps.hosts.get(job.hostId)?.name ?? job.hostId;
  const eject = cross ? await sharedMedia(destOps, facts, hostName) : [];
  ctx.plan = {
    vmId: job.vmId,
    uuid: job.uuid,
    hostId: job.hostId,
    xml,
    facts,
    disks,
    pool: pool ?? '',
    nvram,
    tpmFrom,
    eject,
  };
  step.addUndo({ type: 'vm', vmId: job.vmId, name: job.name });
  deps.vms.insertCreating({
    id: job.vmId,
    projectId: vm.projectId,
    folderId: src?.folderId ?? null,
    hostId: job.hostId,
    uuid: ctx.plan.uuid,
    name: job.name,
    vcpus: src?.vcpus ?? 0,
    memoryBytes: src?.memoryBytes ?? 0,
    labels: src?.labels ?? {},
    request: {
      clonedFrom: vm.id,
      mode: job.mode,
      ...(job.description ? { description: job.description } : {}),
    },
  });
  if (job.mode === 'linked') deps.vms.setParent(job.vmId, vm.id, true);
  deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
  if (src?.template) {
    // The entry above is written before this look: a conversion or deletion of the template that took its
    // lock first is seen here; one that takes it later sees the entry (its linked clones) and refuses.
    const busy = deps.engine.busy(vmLock(vm));
    if (busy) throw busy;
  }
  // On an SSH host the clone's XML is written there from here on, beside its disks and seed.
  await stageDefine(deps, ctx);
  const ways = new Set(disks.map((d) => d.way));
  const how = ways.has('overlay') ? 'to overlay' : ways.has('transfer') ? 'to send to the host' : 'to copy';
  step.done(`${disks.length} disk${disks.length === 1 ? '' : 's'} ${how} into ${pool ?? 'no pool'}`);
}
