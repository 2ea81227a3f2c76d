/**
 * VM settings: the preview of a change (what libvirt would get, what happens live and at next boot, whether
 * the growth fits on the VM's host, or why the change is refused), read from the host and changing nothing.
 */
import type { VmSettingsInput, VmSettingsPreview } from '../../../shared/domain/vm-settings';
import type { PlacementService } from '../../services/placement';
import type { CapacityBook } from '../../services/reservations';
import { vmOnHost, type SnapshotDeps } from '../snapshots/context';
import { planVmSettings, toPreview } from './preview';

export interface SettingsDeps extends SnapshotDeps {
  readonly placement: PlacementService;
  readonly reservations: CapacityBook;
}

export function createSettingsOps(deps: SettingsDeps) {
  return {
    /** What the change would do now, or why it cannot: read from the VM's host, changes nothing. */
    async plan(input: VmSettingsInput): Promise<VmSettingsPreview> {
      const vm = vmOnHost(deps, input.vmId);
      const planned = await planVmSettings(deps, await deps.opsFor(vm.hostId), vm, input.changes);
      return toPreview(vm.id, planned);
    },
  };
}

export type SettingsOps = ReturnType<typeof createSettingsOps>;
