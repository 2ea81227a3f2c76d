/**
 * Creation as an operation: validate and place are done when the request comes (the VM's inventory entry is
 * the place step's undo record); then image → disks → seed → define → start → ready → done run on the engine.
 */
import type { OperationDef } from '../../tasks/engine';
import { hostUndoer, type HostUndo, type HostUndoDeps } from '../host-undo';
import type { CreateCtx } from './context';
import { defineStep } from './define';
import { disksStep } from './disks';
import { doneStep } from './done';
import { imageStep } from './image';
import { readyStep } from './ready';
import { dropHostSeed, seedStep } from './seed';
import { startStep } from './start';

export function vmCreateOperation(
  deps: HostUndoDeps & { readonly releaseForTask: (taskId: string) => void },
): OperationDef<'vm.create', CreateCtx, HostUndo> {
  return {
    kind: 'vm.create',
    undo: hostUndoer(deps),
    prelude: ['validate', 'place'],
    steps: [
      { name: 'image', run: imageStep },
      { name: 'disks', run: disksStep },
      { name: 'seed', run: seedStep },
      { name: 'define', run: defineStep },
      { name: 'start', run: startStep },
      { name: 'ready', run: readyStep },
      { name: 'done', run: doneStep },
    ],
    result: (ctx) => ({ vmId: ctx.plan.vmId, hostId: ctx.plan.hostId, name: ctx.plan.name, ...ctx.result }),
    // A seed built on the host for a creation that failed before its upload.
    beforeRollback: async (ctx) => dropHostSeed(ctx.driver, await ctx.isoBuild.catch(() => null)),
    finally: (ctx) => ctx.release(),
    // What the dead process had booked for it is free again.
    interrupted: (taskId) => deps.releaseForTask(taskId),
    interruptedMessage: 'Interrupted: the app stopped while this task ran; what it created was removed',
  };
}
