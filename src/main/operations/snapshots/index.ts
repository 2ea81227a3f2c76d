/**
 * The snapshot channels: list (the tree), plan (what taking one would do now, or why it cannot), and create,
 * revert and delete as operations on the engine under the VM's lock. Create, revert and delete check their
 * request against the host before the task starts, so a refusal comes back as the call's error; the
 * operation checks again under the lock.
 */
import type { SnapshotCreateInput, SnapshotPlan, SnapshotTree } from '../../../shared/domain/snapshot';
import { AppError } from '../../../shared/domain/errors';
import { snapshotTree } from '../../virt/snapshot-xml';
import {
  refuseBusy,
  refuseTemplate,
  templateRefusal,
  vmOnHost,
  vmTaskMeta,
  type SnapshotDeps,
} from './context';
import { decideOrRefuse, snapshotCreateOperation, type CreateCtx } from './create';
import { snapshotDeleteOperation, type DeleteCtx } from './delete';
import { readFacts } from './facts';
import { readSnapshots, snapshotExists } from './host';
import { decideSnapshot } from '../../virt/snapshot-mode';
import { snapshotRevertOperation, type RevertCtx } from './revert';

export type { SnapshotDeps } from './context';

export function createSnapshotOps(deps: SnapshotDeps) {
  const { engine } = deps;
  const createOp = engine.register(snapshotCreateOperation(deps));
  const revertOp = engine.register(snapshotRevertOperation(deps));
  const deleteOp = engine.register(snapshotDeleteOperation(deps));
  const open = (vmId: string) => {
    const vm = vmOnHost(deps, vmId);
    refuseTemplate(deps, vm);
    refuseBusy(engine, vm);
    return vm;
  };

  return {
    async list(vmId: string): Promise<SnapshotTree> {
      const vm = vmOnHost(deps, vmId);
      const { list, current } = await readSnapshots(await deps.opsFor(vm.hostId), vm.uuid);
      return snapshotTree(
        vm.id,
        list.map(({ files: _f, under: _u, ...s }) => s),
        current,
      );
    },

    async plan(vmId: string, memory: boolean): Promise<SnapshotPlan> {
      const vm = vmOnHost(deps, vmId);
      const read = await readFacts(await deps.opsFor(vm.hostId), vm.uuid, memory, { poolFree: true });
      const { disks: _d, excluded: _e, ...plan } = decideSnapshot(read.facts);
      const template = templateRefusal(deps, vm);
      return { vmId: vm.id, ...plan, ...(template ? { refusal: template } : {}) };
    },

    async create(input: SnapshotCreateInput): Promise<{ taskId: string }> {
      const vm = open(input.vmId);
      const checked = await readFacts(await deps.opsFor(vm.hostId), vm.uuid, input.memory, {
        pool: 'when-weighed',
      });
      decideOrRefuse(checked, input);
      const task = engine.start(createOp, vmTaskMeta(vm, `Snapshot ${input.name} of VM ${vm.name}`, input));
      const ctx: CreateCtx = { vm, input, checked, decision: null, plan: null, files: [] };
      void engine.run(createOp, task, ctx);
      return { taskId: task.id };
    },

    async revert(vmId: string, name: string): Promise<{ taskId: string }> {
      const vm = open(vmId);
      if (!(await snapshotExists(await deps.opsFor(vm.hostId), vm.uuid, name))) {
        throw new AppError('NOT_FOUND', `VM ${vm.name} has no snapshot named ${name}`, 'name');
      }
      const task = engine.start(revertOp, vmTaskMeta(vm, `Revert VM ${vm.name} to ${name}`, { vmId, name }));
      const ctx: RevertCtx = { vm, name, stateBefore: '', stateAfter: '', memory: false };
      void engine.run(revertOp, task, ctx);
      return { taskId: task.id };
    },

    async delete(vmId: string, names: readonly string[]): Promise<{ taskId: string }> {
      const vm = open(vmId);
      const { list } = await readSnapshots(await deps.opsFor(vm.hostId), vm.uuid);
      const missing = names.filter((n) => !list.some((s) => s.name === n));
      if (missing.length) {
        throw new AppError('NOT_FOUND', `VM ${vm.name} has no snapshot named ${missing.join(', ')}`, 'names');
      }
      const title = `Delete snapshot${names.length > 1 ? 's' : ''} ${names.join(', ')} of VM ${vm.name}`;
      const task = engine.start(deleteOp, vmTaskMeta(vm, title, { vmId, names }));
      const ctx: DeleteCtx = { vm, names, order: [], deleted: [], left: [] };
      void engine.run(deleteOp, task, ctx);
      return { taskId: task.id };
    },
  };
}

export type SnapshotOps = ReturnType<typeof createSnapshotOps>;
