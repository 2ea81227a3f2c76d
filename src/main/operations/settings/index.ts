/**
 * VM settings: the preview of a change (what libvirt would get, what happens live and at next boot, whether
 * the growth fits on the VM's host, or why the change is refused), read from the host and changing nothing;
 * and the change itself as a task under the VM's lock. The request is planned against the host before the
 * task starts, so a refusal is the call's error; the task plans again under the lock.
 */
import type { VmSettingsInput, VmSettingsPreview } from '../../../shared/domain/vm-settings';
import type { PlacementService } from '../../services/placement';
import type { CapacityBook } from '../../services/reservations';
import { refuseBusy, vmOnHost, vmTaskMeta, type SnapshotDeps } from '../snapshots/context';
import type { SettingsCtx } from './context';
import { settingsOperation } from './operation';
import { planVmSettings, toPreview } from './preview';
import { refusalError } from './steps';

export interface SettingsDeps extends SnapshotDeps {
  readonly placement: PlacementService;
  readonly reservations: CapacityBook;
}

export function createSettingsOps(deps: SettingsDeps) {
  const { engine } = deps;
  const op = engine.register(settingsOperation(deps));
  return {
    /** What the change would do now, or why it cannot: read from the VM's host, changes nothing. */
    async plan(input: VmSettingsInput): Promise<VmSettingsPreview> {
      const vm = vmOnHost(deps, input.vmId);
      const planned = await planVmSettings(deps, await deps.opsFor(vm.hostId), vm, input.changes);
      return toPreview(vm.id, planned);
    },

    /** Makes the change as a task; a refusal (or a busy VM) is the error, before any task starts. */
    async update(input: VmSettingsInput): Promise<{ taskId: string }> {
      const vm = vmOnHost(deps, input.vmId);
      refuseBusy(engine, vm);
      const planned = await planVmSettings(deps, await deps.opsFor(vm.hostId), vm, input.changes);
      if (planned.refusals.length) throw refusalError(planned.refusals);
      const n = input.changes.length;
      const task = engine.start(
        op,
        vmTaskMeta(vm, `Change ${n} setting${n === 1 ? '' : 's'} of VM ${vm.name}`, input),
      );
      const ctx: SettingsCtx = {
        vm,
        input,
        taskId: task.id,
        planned: null,
        release: null,
        pending: [],
        deferred: [],
        held: [],
        deleted: [],
        left: [],
      };
      void engine.run(op, task, ctx);
      return { taskId: task.id };
    },
  };
}

export type SettingsOps = ReturnType<typeof createSettingsOps>;
