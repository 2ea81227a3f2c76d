/**
 * Reverting a VM to a snapshot as an operation: check (the snapshot is there; the VM's state before is noted
 * in the task) → revert (libvirt's revert is one atomic step: it happens or not) → state (the VM's state
 * after, into the inventory: running after a snapshot with memory). Nothing is created, so there is nothing
 * to undo; a crash leaves the VM either as it was or reverted, and the task says which state it had before.
 */
import { AppError } from '../../../shared/domain/errors';
import type { OperationDef, Undoer } from '../../tasks/engine';
import type { StepHandle } from '../../tasks/task-log';
import { vmState } from '../../services/inventory-parse';
import { changed, type SnapshotDeps, type VmOnHost, refuseTemplate } from './context';
import { revertSnapshot, snapshotAndState } from './host';

export interface RevertCtx {
  readonly vm: VmOnHost;
  readonly name: string;
  stateBefore: string;
  stateAfter: string;
  memory: boolean;
}

/** Revert creates nothing: no record is ever written, none is read back. */
const noUndo: Undoer<never> = {
  parse: () => undefined,
  describe: () => '',
  undo: () => Promise.resolve(false),
};

/** libvirt's state names as words ("shutoff" → "shut off"; a disk-only snapshot of a running VM). */
function words(state: string): string {
  if (state === 'shutoff') return 'shut off';
  if (state === 'disk-snapshot') return 'running (disks only)';
  return state;
}

async function check(deps: SnapshotDeps, ctx: RevertCtx, step: StepHandle<never>): Promise<void> {
  refuseTemplate(deps, ctx.vm);
  const { snapshot: snap, state } = await snapshotAndState(
    await deps.opsFor(ctx.vm.hostId),
    ctx.vm.uuid,
    ctx.name,
  );
  if (!snap) throw new AppError('NOT_FOUND', `VM ${ctx.vm.name} has no snapshot named ${ctx.name}`, 'name');
  ctx.memory = snap.memory;
  ctx.stateBefore = state ?? 'gone';
  step.done(`The VM is ${words(ctx.stateBefore)}; snapshot ${ctx.name} was taken while ${words(snap.state)}`);
}

async function revert(deps: SnapshotDeps, ctx: RevertCtx, step: StepHandle<never>): Promise<void> {
  await revertSnapshot(await deps.opsFor(ctx.vm.hostId), ctx.vm.uuid, ctx.name);
  step.done(`Reverted to ${ctx.name}`);
}

async function state(deps: SnapshotDeps, ctx: RevertCtx, step: StepHandle<never>): Promise<void> {
  const { vm } = ctx;
  const text = (await (await deps.opsFor(vm.hostId)).domainState(vm.uuid)) ?? 'gone';
  ctx.stateAfter = text;
  const s = vmState(text);
  deps.hostInventory.setDomainState(vm.hostId, vm.uuid, s);
  deps.events.emit('vm.state', { vmId: vm.id, hostId: vm.hostId, state: s });
  changed(deps, vm);
  step.done(`The VM was ${ctx.stateBefore}, is ${text}`);
}

export function snapshotRevertOperation(
  deps: SnapshotDeps,
): OperationDef<'vm.snapshot.revert', RevertCtx, never> {
  return {
    kind: 'vm.snapshot.revert',
    undo: noUndo,
    steps: [
      { name: 'check', run: (ctx, step) => check(deps, ctx, step) },
      { name: 'revert', run: (ctx, step) => revert(deps, ctx, step) },
      { name: 'state', run: (ctx, step) => state(deps, ctx, step) },
    ],
    result: (ctx) => ({
      vmId: ctx.vm.id,
      name: ctx.name,
      stateBefore: ctx.stateBefore,
      stateAfter: ctx.stateAfter,
    }),
    interruptedMessage:
      'Interrupted: the app stopped during a revert; the VM is either as it was or reverted (read its state)',
  };
}
