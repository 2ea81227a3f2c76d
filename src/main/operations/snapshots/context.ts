/** What the snapshot operations share: their dependencies, the VM they act on, its lock, the refresh after. */
import { AppError } from '../../../shared/domain/errors';
import type { HostInventoryRepo } from '../../inventory/host-inventory.repo';
import type { VmsRepo } from '../../inventory/vms.repo';
import type { AppEvents } from '../../services/events';
import type { HostsService } from '../../services/hosts';
import type { Engine, Lock } from '../../tasks/engine';
import type { HostOps } from '../host-ops';

export interface SnapshotDeps {
  readonly vms: VmsRepo;
  readonly hostInventory: HostInventoryRepo;
  readonly hostsService: HostsService;
  readonly events: AppEvents;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
  readonly engine: Engine;
}

/** A VM that is on a host. */
export interface VmOnHost {
  readonly id: string;
  readonly name: string;
  readonly projectId: string;
  readonly hostId: string;
  readonly uuid: string;
}

export function vmOnHost(deps: SnapshotDeps, vmId: string): VmOnHost {
  const vm = deps.vms.get(vmId);
  if (!vm) throw new AppError('NOT_FOUND', 'The VM does not exist', 'vmId');
  const uuid = deps.vms.uuid(vmId);
  if (!vm.hostId || !uuid) throw new AppError('VALIDATION', `VM ${vm.name} is not on a host yet`, 'vmId');
  if (vm.state === 'creating') {
    throw new AppError('CONFLICT', `VM ${vm.name} is being created; wait for its task to finish`, 'vmId');
  }
  return { id: vm.id, name: vm.name, projectId: vm.projectId, hostId: vm.hostId, uuid };
}

/** The VM's lock: one operation on it at a time (snapshots, power, deletion), in any process. */
export const vmLock = (vm: VmOnHost): Lock => ({ key: `vm:${vm.id}`, label: `VM ${vm.name}` });

/** A task on the VM under its lock, as the VM's operations start theirs. */
export const vmTaskMeta = (vm: VmOnHost, title: string, input: unknown) => ({
  projectId: vm.projectId,
  title,
  target: { type: 'vm', id: vm.id },
  input,
  lock: vmLock(vm),
});

/** Why a VM takes no snapshot operation because it is a template, or null. */
export function templateRefusal(deps: SnapshotDeps, vm: VmOnHost): string | null {
  return deps.vms.get(vm.id)?.template
    ? `VM ${vm.name} is a template: its disks are its linked clones' bases and must not change, so it has no snapshots`
    : null;
}

export function refuseTemplate(deps: SnapshotDeps, vm: VmOnHost): void {
  const why = templateRefusal(deps, vm);
  if (why) throw new AppError('CONFLICT', why, 'vmId');
}

/** Refuses at once while an operation holds the VM's lock (in any process). */
export function refuseBusy(engine: Engine, vm: VmOnHost): void {
  const busy = engine.busy(vmLock(vm));
  if (busy) throw busy;
}

/** After a change: the VM's pools' free space is read back in the background (drain() waits for it). */
export function changed(deps: SnapshotDeps, vm: VmOnHost, pools: readonly (string | null)[] = []): void {
  const named = pools.filter((p): p is string => p !== null);
  if (named.length) {
    deps.engine.track(deps.hostsService.refresh(vm.hostId, { pools: named }).catch(() => undefined));
  }
  deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
}
