/**
 * The done step: the VM leaves "creating" in the state the last step left it, with what was read back (its
 * devices and MACs, its pools and volumes; a read that failed leaves that to the next sync).
 */
import type { VmState } from '../../../shared/domain/vm';
import type { StepHandle } from '../../tasks/task-log';
import type { HostUndo } from '../host-undo';
import type { CreateCtx } from './context';

export function doneStep(ctx: CreateCtx, step: StepHandle<HostUndo>): Promise<void> {
  const { plan, deps } = ctx;
  const state: VmState = ctx.request.start ? 'running' : 'shutoff';
  try {
    ctx.readBack?.apply();
  } catch (err) {
    deps.log(`Reading back ${plan.name} failed: ${(err as Error).message}; the next sync corrects it`);
  }
  deps.vmsRepo.setState(plan.vmId, state);
  ctx.release();
  step.done(`VM ${plan.name} is ${state}`);
  ctx.result.state = state;
  deps.events.emit('vm.state', { vmId: plan.vmId, hostId: plan.hostId, state });
  deps.events.emit('inventory.changed', { entity: 'vms', projectId: plan.projectId });
  return Promise.resolve();
}
