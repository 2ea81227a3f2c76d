/**
 * The check step: under the source's lock, the source read again from its host (shut off, every writable
 * disk a file or block device), the name free on the host and in the project, and room in each pool for the
 * copies as `qemu-img measure` reckons them. Then the clone's inventory entry ("creating") holds its name.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import { cloneFacts } from '../../virt/clone-xml';
import type { HostOps } from '../host-ops';
import type { VmOnHost } from '../snapshots/context';
import { onHost, type CloneCtx, type CloneDeps, type CloneUndo, type DiskCopy } from './context';

/** The source's inactive XML (with its graphics password: the clone keeps it). */
export function sourceXml(ops: HostOps, uuid: string): Promise<string> {
  return ops.driver.virsh(['dumpxml', '--domain', uuid, '--inactive', '--security-info']);
}

export async function refuseUnlessShutOff(ops: HostOps, vm: VmOnHost): Promise<void> {
  const state = await ops.domainState(vm.uuid);
  if (state === null) throw new AppError('NOT_FOUND', `VM ${vm.name} is not on its host`, 'vmId');
  if (state !== 'shut off') {
    throw new AppError('CONFLICT', `VM ${vm.name} is ${state}: shut it down first`, 'vmId');
  }
}

/** Every domain's name on the host (not a look-up by name: virsh would take "5" for a domain id). */
async function domainNames(ops: HostOps): Promise<string[]> {
  const out = await ops.driver.virsh(['list', '--all', '--name']);
  return out.split('\n').map((l) => l.trim());
}

/** Refuses a name the host or the project already has. */
export async function refuseTakenName(deps: CloneDeps, ops: HostOps, vm: VmOnHost, name: string) {
  const taken =
    deps.vms.nameTaken(vm.hostId, name) ||
    deps.vms.nameTakenInProject(vm.projectId, name) ||
    (await domainNames(ops)).includes(name);
  if (taken) throw new AppError('CONFLICT', `A VM named ${name} exists already`, 'name');
}

async function poolOf(ops: HostOps, path: string): Promise<string | null> {
  try {
    return (await ops.driver.virsh(['vol-pool', '--vol', path])).trim() || null;
  } catch {
    return null;
  }
}

async function measure(
  ops: HostOps,
  path: string,
  format: string,
): Promise<{ virtual: number; required: number }> {
  const info = JSON.parse(
    await onHost(ops, ['qemu-img', 'info', '--output=json', '-f', format, '--', path], `Cannot read ${path}`),
  ) as { 'virtual-size': number };
  const m = JSON.parse(
    await onHost(
      ops,
      ['qemu-img', 'measure', '--output=json', '-f', format, '-O', 'qcow2', '--', path],
      `Cannot measure ${path}`,
    ),
  ) as { required: number };
  return { virtual: info['virtual-size'], required: m.required };
}

async function poolAvailable(ops: HostOps, pool: string): Promise<number> {
  const out = await ops.driver.virsh(['pool-info', '--pool', pool, '--bytes']);
  const m = /Available:\s+(\d+)/.exec(out);
  if (!m) throw new AppError('HOST_ERROR', `Cannot read the free space of pool ${pool}`);
  return Number(m[1]);
}

/** Each writable disk's copy: its pool (the source's, else the first pooled disk's), volume and size. */
export async function planDisks(ops: HostOps, xml: string, name: string): Promise<DiskCopy[]> {
  const facts = cloneFacts(xml);
  if (facts.refusal) throw new AppError('UNSUPPORTED', facts.refusal, 'vmId');
  const copies = facts.disks.filter((d) => d.copy);
  const pools = await Promise.all(copies.map((d) => poolOf(ops, d.source!)));
  const fallback = pools.find((p) => p !== null);
  const out: DiskCopy[] = [];
  for (const [k, d] of copies.entries()) {
    const pool = pools[k] ?? fallback;
    if (!pool) throw new AppError('UNSUPPORTED', `Disk ${d.target} is in no storage pool`, 'vmId');
    const size = await measure(ops, d.source!, d.format);
    out.push({
      target: d.target,
      source: d.source!,
      format: d.format,
      pool,
      volume: `${name}-disk${k}.qcow2`,
      virtualBytes: size.virtual,
      requiredBytes: size.required,
      path: null,
    });
  }
  return out;
}

/** Refuses when a pool lacks room for its copies, or already has a volume of a copy's name. */
export async function refuseNoRoom(ops: HostOps, disks: readonly DiskCopy[]): Promise<void> {
  const need = new Map<string, number>();
  for (const d of disks) need.set(d.pool, (need.get(d.pool) ?? 0) + d.requiredBytes);
  for (const [pool, bytes] of need) {
    const free = await poolAvailable(ops, pool);
    if (bytes > free) {
      const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
      throw new AppError('CONFLICT', `Pool ${pool} has ${gib(free)} free; the copies need ${gib(bytes)}`);
    }
  }
  for (const d of disks) {
    if (await ops.volumeExists(d.pool, d.volume)) {
      throw new AppError('CONFLICT', `Pool ${d.pool} already has a volume ${d.volume}`, 'name');
    }
  }
}

export async function checkStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>) {
  const { source: vm, input } = ctx;
  const ops = await deps.opsFor(vm.hostId);
  await refuseUnlessShutOff(ops, vm);
  await refuseTakenName(deps, ops, vm, input.name);
  const xml = await sourceXml(ops, vm.uuid);
  const facts = cloneFacts(xml);
  const disks = await planDisks(ops, xml, input.name);
  await refuseNoRoom(ops, disks);
  const pool = disks[0]?.pool ?? null;
  if (!pool && facts.disks.some((d) => d.seed)) {
    throw new AppError('UNSUPPORTED', `VM ${vm.name} has no disk in a pool for the clone's seed`, 'vmId');
  }
  const tpmDir = `/var/lib/libvirt/swtpm/${facts.uuid}`;
  const tpmFrom = facts.tpm && (await ops.driver.exec(['test', '-d', tpmDir])).code === 0 ? tpmDir : null;
  const uuid = randomUUID();
  const nvram = facts.nvram ? facts.nvram.replace(/[^/]*$/, `${input.name}_VARS.fd`) : null;
  ctx.plan = {
    vmId: randomUUID(),
    uuid,
    hostId: vm.hostId,
    xml,
    facts,
    disks,
    pool: pool ?? '',
    nvram,
    tpmFrom,
  };
  const src = deps.vms.get(vm.id);
  step.addUndo({ type: 'vm', vmId: ctx.plan.vmId, name: input.name });
  deps.vms.insertCreating({
    id: ctx.plan.vmId,
    projectId: vm.projectId,
    folderId: src?.folderId ?? null,
    hostId: vm.hostId,
    uuid,
    name: input.name,
    vcpus: src?.vcpus ?? 0,
    memoryBytes: src?.memoryBytes ?? 0,
    labels: src?.labels ?? {},
    request: { clonedFrom: vm.id, ...(input.description ? { description: input.description } : {}) },
  });
  deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
  step.done(`${disks.length} disk${disks.length === 1 ? '' : 's'} to copy into ${pool ?? 'no pool'}`);
}
