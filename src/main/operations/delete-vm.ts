/**
 * Deleting a VM as an operation: read its disks on the host → stop and undefine the domain → delete its own
 * volumes (never a base image other disks use, never a shared ISO) → forget it. A VM's snapshots go with it:
 * their metadata with the domain (undefine --snapshots-metadata; internal ones live inside its qcow2 disks,
 * which go with the volumes), and an external snapshot's overlays and memory file with its volumes. Deletion cannot be undone:
 * its records finish it instead. They are written before the domain goes, and each acts only once the
 * domain is gone from the host, so a failure or a crash before that point leaves the VM whole, and one after
 * it ends with the deletion complete.
 */
import { z } from 'zod';
import { AppError } from '../../shared/domain/errors';
import type { VmDetail } from '../../shared/domain/vm';
import type { ImagesRepo } from '../inventory/images.repo';
import type { TemplateBase, TemplateBasesRepo } from '../inventory/template-bases.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import type { AppEvents } from '../services/events';
import type { HostsService } from '../services/hosts';
import { outcomeError, type Engine, type OperationDef, type Undoer } from '../tasks/engine';
import type { StepHandle } from '../tasks/task-log';
import { parseDomainXml } from '../virt/parse';
import type { HostOps } from './host-ops';
import { readSnapshots } from './snapshots/host';
import { vmOwnFiles } from './snapshots/vm-files';
import { refuseTemplateDelete } from './template/refusals';

const Text = z.string().min(1);
const OnHost = z.strictObject({ hostId: Text, uuid: Text }).nullable();

export const DeleteUndo = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('forget-vm'), vmId: Text, name: Text, onHost: OnHost }),
  z.strictObject({ type: z.literal('finish-volume'), hostId: Text, uuid: Text, path: Text }),
  // A template's base copied to another host (hostId), deleted once the template's domain is gone from its own.
  z.strictObject({
    type: z.literal('finish-base'),
    hostId: Text,
    path: Text,
    templateHostId: Text,
    uuid: Text,
  }),
]);
export type DeleteUndo = z.infer<typeof DeleteUndo>;

export interface DeleteVmDeps {
  readonly vms: VmsRepo;
  readonly images: ImagesRepo;
  readonly templateBases: TemplateBasesRepo;
  readonly hostsService: HostsService;
  readonly events: AppEvents;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
  readonly engine: Engine;
}

interface DeleteCtx {
  readonly vm: VmDetail;
  readonly deleteDisks: boolean;
  ops: HostOps | null;
  /** The VM's own volumes (paths on the host), to delete. */
  own: string[];
  /** Files its external snapshots made, which may lie outside any pool (removed as files then). */
  snapshotFiles: string[];
  /** A template's base copies on other hosts that nothing else stands on: they go with it. */
  baseCopies: TemplateBase[];
  /** Pools whose free space changes. */
  pools: Set<string>;
  gone: string[];
}

/** Whether the domain is gone from its host (a record may act only then); throws while the host is away. */
async function domainGone(deps: DeleteVmDeps, hostId: string, uuid: string): Promise<boolean> {
  return (await (await deps.opsFor(hostId)).domainState(uuid)) === null;
}

function deleteUndoer(deps: DeleteVmDeps): Undoer<DeleteUndo> {
  return {
    parse: (raw) => {
      const r = DeleteUndo.safeParse(raw);
      return r.success ? r.data : undefined;
    },
    describe: (r) => (r.type === 'forget-vm' ? `inventory entry of VM ${r.name}` : `volume ${r.path}`),
    async undo(r) {
      if (r.type === 'finish-base') {
        if (!(await domainGone(deps, r.templateHostId, r.uuid))) return false;
        await (await deps.opsFor(r.hostId)).deleteVolumeAt(r.path);
        deps.hostsService.forgetVolumes(r.hostId, [r.path]);
        return true;
      }
      if (r.type === 'finish-volume') {
        if (!(await domainGone(deps, r.hostId, r.uuid))) return false;
        await (await deps.opsFor(r.hostId)).deleteVolumeAt(r.path);
        deps.hostsService.forgetVolumes(r.hostId, [r.path]);
        return true;
      }
      if (r.onHost && !(await domainGone(deps, r.onHost.hostId, r.onHost.uuid))) return false;
      const vm = deps.vms.get(r.vmId);
      if (!vm || !deps.vms.remove(r.vmId)) return false;
      deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
      return true;
    },
  };
}

/** A template's base copies on other hosts that no volume there stands on (linked clones there refuse the delete). */
function unusedBaseCopies(deps: DeleteVmDeps, vm: VmDetail): TemplateBase[] {
  if (!vm.template) return [];
  return deps.templateBases.ofTemplate(vm.id).filter((b) => {
    const there = deps.images.list(vm.projectId, { hostId: b.hostId });
    return !there.some((v) => v.backingPath === b.path);
  });
}

/** The VM's own volumes: its disks that no other disk stands on, and its own seed. */
async function inspect(deps: DeleteVmDeps, ctx: DeleteCtx, step: StepHandle<DeleteUndo>): Promise<void> {
  const { vm } = ctx;
  // Again under the lock: a linked clone of a template names it as its parent before it takes any disk.
  refuseTemplateDelete(deps.vms, vm.id);
  if (!vm.hostId || !vm.uuid) return step.skip('Not on a host');
  const ops = await deps.opsFor(vm.hostId);
  ctx.ops = ops;
  // The disks as the host has them now (the inventory may be behind), else as last synced.
  const live = await ops.driver
    .virsh(['dumpxml', '--domain', vm.uuid])
    .then((xml) => parseDomainXml(xml).disks)
    .catch(() => null);
  if (!ctx.deleteDisks) return step.done('Disks are kept');
  const images = deps.images.list(vm.projectId, { hostId: vm.hostId });
  const snapshots = (await readSnapshots(ops, vm.uuid).catch(() => null))?.list ?? [];
  const disks = live ?? vm.details.disks ?? [];
  ctx.snapshotFiles = snapshots.flatMap((s) => s.files);
  ctx.own = vmOwnFiles({
    disks,
    bases: new Set(images.filter((v) => v.usedBy > 0).map((v) => v.path)),
    users: (path) => images.filter((v) => v.backingPath === path).map((v) => v.path),
    snapshots: snapshots.filter((s) => s.mode === 'external'),
  });
  for (const d of disks) {
    if (d.device !== 'disk' && d.source?.endsWith(`/${vm.name}-cidata.iso`)) ctx.own.push(d.source);
  }
  for (const v of images) if (v.pool !== null && ctx.own.includes(v.path)) ctx.pools.add(v.pool);
  ctx.baseCopies = unusedBaseCopies(deps, vm);
  const all = [...ctx.own, ...ctx.baseCopies.map((b) => b.path)];
  step.done(all.length ? `To delete: ${all.join(', ')}` : 'No volumes of its own');
}

async function removeDomain(ctx: DeleteCtx, step: StepHandle<DeleteUndo>): Promise<void> {
  const { vm } = ctx;
  const onHost = vm.hostId && vm.uuid ? { hostId: vm.hostId, uuid: vm.uuid } : null;
  step.addUndo({ type: 'forget-vm', vmId: vm.id, name: vm.name, onHost });
  for (const path of ctx.own)
    step.addUndo({ type: 'finish-volume', hostId: onHost!.hostId, uuid: onHost!.uuid, path });
  for (const b of ctx.baseCopies) {
    step.addUndo({
      type: 'finish-base',
      hostId: b.hostId,
      path: b.path,
      templateHostId: onHost!.hostId,
      uuid: onHost!.uuid,
    });
  }
  if (!ctx.ops || !onHost) return step.skip('Not on a host');
  const how = await ctx.ops.removeDomain(onHost.uuid);
  step.done(how === 'absent' ? 'The domain was already gone' : `Domain ${vm.name} removed`);
}

async function deleteVolumes(
  deps: DeleteVmDeps,
  ctx: DeleteCtx,
  step: StepHandle<DeleteUndo>,
): Promise<void> {
  const total = ctx.own.length + ctx.baseCopies.length;
  if (!ctx.ops || total === 0) return step.skip('No volumes to delete');
  for (const [i, path] of ctx.own.entries()) {
    const how = await ctx.ops.deleteVolumeAt(path);
    if (how === 'absent' && ctx.snapshotFiles.includes(path)) await ctx.ops.removeFile(path);
    ctx.gone.push(path);
    step.dropUndo((r) => r.type === 'finish-volume' && r.path === path);
    step.progress((i + 1) / total, `Deleted ${path}`);
  }
  for (const [i, b] of ctx.baseCopies.entries()) {
    await (await deps.opsFor(b.hostId)).deleteVolumeAt(b.path);
    deps.hostsService.forgetVolumes(b.hostId, [b.path]);
    deps.templateBases.forget(b.templateId, b.hostId, b.target);
    step.dropUndo((r) => r.type === 'finish-base' && r.hostId === b.hostId && r.path === b.path);
    step.progress((ctx.own.length + i + 1) / total, `Deleted the base copy ${b.path}`);
  }
  const copies = ctx.baseCopies.map((b) => `${b.path} (copy)`);
  step.done(`Deleted ${[...ctx.gone, ...copies].join(', ')}`);
}

function forget(deps: DeleteVmDeps, ctx: DeleteCtx, step: StepHandle<DeleteUndo>): Promise<void> {
  const { vm } = ctx;
  if (vm.hostId) {
    // The inventory forgets the deleted volumes now; their pools' free space is read back in the
    // background (drain() waits for it), in one round trip instead of a full sync.
    deps.hostsService.forgetVolumes(vm.hostId, ctx.gone);
    if (ctx.pools.size) {
      const hostId = vm.hostId;
      deps.engine.track(deps.hostsService.refresh(hostId, { pools: [...ctx.pools] }).catch(() => undefined));
    }
  }
  deps.vms.remove(vm.id);
  step.dropUndo(() => true);
  deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
  step.done(`VM ${vm.name} deleted`);
  return Promise.resolve();
}

function vmDeleteOperation(deps: DeleteVmDeps): OperationDef<'vm.delete', DeleteCtx, DeleteUndo> {
  return {
    kind: 'vm.delete',
    undo: deleteUndoer(deps),
    steps: [
      { name: 'inspect', run: (ctx, step) => inspect(deps, ctx, step) },
      { name: 'domain', run: removeDomain },
      { name: 'volumes', run: (ctx, step) => deleteVolumes(deps, ctx, step) },
      { name: 'forget', run: (ctx, step) => forget(deps, ctx, step) },
    ],
    result: (ctx) => ({ vmId: ctx.vm.id, name: ctx.vm.name, deletedVolumes: ctx.gone }),
    interruptedMessage:
      'Interrupted: the app stopped while this VM was being deleted; where its domain was already gone, the deletion was finished',
  };
}

export function createVmDeletion(deps: DeleteVmDeps) {
  const op = deps.engine.register(vmDeleteOperation(deps));
  return {
    /** Stops and undefines the domain and deletes the VM's own volumes, as a task; resolves when it ends. */
    async deleteVm(vmId: string, deleteDisks: boolean): Promise<{ deleted: true }> {
      const vm = deps.vms.detail(vmId);
      if (!vm) throw new AppError('NOT_FOUND', 'The VM does not exist', 'vmId');
      if (vm.state === 'creating') {
        throw new AppError('CONFLICT', `VM ${vm.name} is being created; wait for its task to finish`, 'vmId');
      }
      const task = deps.engine.start(op, {
        projectId: vm.projectId,
        title: `Delete VM ${vm.name}`,
        target: { type: 'vm', id: vm.id },
        input: { vmId, deleteDisks },
        lock: { key: `vm:${vm.id}`, label: `VM ${vm.name}` },
      });
      const ctx: DeleteCtx = {
        vm,
        deleteDisks,
        ops: null,
        own: [],
        snapshotFiles: [],
        baseCopies: [],
        pools: new Set(),
        gone: [],
      };
      const outcome = await deps.engine.run(op, task, ctx);
      if (!outcome.ok) throw outcomeError(outcome.error);
      return { deleted: true };
    },
  };
}
