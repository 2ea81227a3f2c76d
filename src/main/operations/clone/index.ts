/**
 * Cloning a VM: a full clone of a shut-off VM on its own host, as an operation on the engine under the
 * source's lock: check → volumes → files (NVRAM, TPM) → seed → define → record. The request is checked
 * against the host before the task starts, so a refusal (running source, name taken, no room) is the call's
 * error; the check step does it again under the lock. A failure or a crash removes what was made, in reverse:
 * the domain, the seed, the copied files and volumes, the inventory entry; the source is only ever read.
 */
import { AppError } from '../../../shared/domain/errors';
import type { VmCloneInput } from '../../../shared/domain/clone';
import type { OperationDef } from '../../tasks/engine';
import { vmLock, vmOnHost } from '../snapshots/context';
import { checkStep, planDisks, refuseNoRoom, refuseTakenName, refuseUnlessShutOff, sourceXml } from './check';
import { cloneUndoer, type CloneCtx, type CloneDeps, type CloneUndo } from './context';
import { defineStep, recordStep } from './define';
import { filesStep, seedStep } from './files';
import { volumesStep } from './volumes';

export type { CloneDeps } from './context';

export function vmCloneOperation(deps: CloneDeps): OperationDef<'vm.clone', CloneCtx, CloneUndo> {
  return {
    kind: 'vm.clone',
    undo: cloneUndoer(deps),
    steps: [
      { name: 'check', run: (ctx, step) => checkStep(deps, ctx, step) },
      { name: 'volumes', run: (ctx, step) => volumesStep(deps, ctx, step) },
      { name: 'files', run: (ctx, step) => filesStep(deps, ctx, step) },
      { name: 'seed', run: (ctx, step) => seedStep(deps, ctx, step) },
      { name: 'define', run: (ctx, step) => defineStep(deps, ctx, step) },
      { name: 'record', run: (ctx, step) => recordStep(deps, ctx, step) },
    ],
    result: (ctx) => ({ vmId: ctx.plan?.vmId ?? null, name: ctx.input.name, sourceId: ctx.source.id }),
    interruptedMessage:
      'Interrupted: the app stopped while this clone was being made; what it had made was removed',
  };
}

export function createCloneOps(deps: CloneDeps) {
  const op = deps.engine.register(vmCloneOperation(deps));
  return {
    async clone(input: VmCloneInput): Promise<{ taskId: string }> {
      if (input.mode !== 'full' || input.count !== 1 || input.placement) {
        throw new AppError('UNSUPPORTED', 'Only one full clone on the source host is supported yet');
      }
      const vm = vmOnHost(deps, input.vmId);
      const busy = deps.engine.busy(vmLock(vm));
      if (busy) throw busy;
      const ops = await deps.opsFor(vm.hostId);
      await refuseUnlessShutOff(ops, vm);
      await refuseTakenName(deps, ops, vm, input.name);
      await refuseNoRoom(ops, await planDisks(ops, await sourceXml(ops, vm.uuid), input.name));
      const task = deps.engine.start(op, {
        projectId: vm.projectId,
        title: `Clone VM ${vm.name} as ${input.name}`,
        target: { type: 'vm', id: vm.id },
        input,
        lock: vmLock(vm),
      });
      const ctx: CloneCtx = { source: vm, input, plan: null, seedPath: null };
      void deps.engine.run(op, task, ctx);
      return { taskId: task.id };
    },
  };
}

export type CloneOps = ReturnType<typeof createCloneOps>;
