/**
 * Power operations on a VM (start, shutdown, destroy, reboot, suspend, resume) through its host's driver, the
 * new state written to the inventory and pushed. A power-on the host refuses for the VM's CPU or for what
 * its KVM cannot do says so, with the way out.
 */
import { AppError } from '../../shared/domain/errors';
import type { VmState } from '../../shared/domain/vm';
import type { PowerAction } from '../hosts/driver';
import type { HostInventoryRepo } from '../inventory/host-inventory.repo';
import type { HostsRepo } from '../inventory/hosts.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import { cpuRefusal, kvmLimitation, kvmLimitationMessage } from '../virt/cpu-refusal';
import type { AppEvents } from './events';
import type { HostsService } from './hosts';
import { vmState } from './inventory-parse';

/**
 * A power-on the host refused for the VM's CPU: the same diagnosis as creation's, and the way out (the VM
 * page offers it as one click: vms.fixCpu). The VM is never rewritten without that click.
 */
function powerOnDiagnosis(name: string, hostName: string, err: unknown): unknown {
  const text = err instanceof Error ? err.message : String(err);
  const limit = kvmLimitation(text);
  if (limit !== null) return new AppError('HOST_ERROR', kvmLimitationMessage(hostName, limit));
  const reason = cpuRefusal(text);
  if (reason === null) return err;
  return new AppError(
    'HOST_ERROR',
    `VM ${name} did not start: its host refused the VM's CPU (${reason}). ` +
      `Use a compatible CPU mode (on the VM's page, or "qhci vm fix-cpu ${name}"): QHCI redefines the VM ` +
      'with a mode this host runs, then starts it',
    'cpuMode',
  );
}

export function createVmPower(deps: {
  vms: VmsRepo;
  hosts: HostsRepo;
  inventory: HostInventoryRepo;
  hostsService: Pick<HostsService, 'driverFor'>;
  events: AppEvents;
  /** Why the VM must wait (an operation on it runs, in any process), or null. */
  busy: (lock: { key: string; label: string }) => AppError | null;
}) {
  return async function power(vmId: string, action: PowerAction): Promise<{ state: VmState }> {
    const vm = deps.vms.get(vmId);
    if (!vm) throw new AppError('NOT_FOUND', `VM ${vmId} does not exist`, 'vmId');
    const uuid = deps.vms.uuid(vmId);
    const hostId = vm.hostId;
    if (!hostId || !uuid) throw new AppError('VALIDATION', `VM "${vm.name}" is not on a host yet`, 'vmId');
    if (action === 'start' && vm.template) {
      throw new AppError(
        'CONFLICT',
        `VM ${vm.name} is a template: templates are not started. Make a linked or full clone of it and start that`,
        'vmId',
      );
    }
    // Not while it is being created, deleted (later: migrated, snapshotted).
    const busy = deps.busy({ key: `vm:${vmId}`, label: `VM ${vm.name}` });
    if (busy) throw busy;
    const d = await deps.hostsService.driverFor(hostId);
    await d.connect();
    await d.power(uuid, action).catch((err: unknown) => {
      throw action === 'start' ? powerOnDiagnosis(vm.name, deps.hosts.get(hostId)?.name ?? hostId, err) : err;
    });
    const state = vmState(await d.virsh(['domstate', '--domain', uuid]));
    deps.inventory.setDomainState(hostId, uuid, state);
    deps.events.emit('vm.state', { vmId, hostId, state });
    deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
    return { state };
  };
}

export type VmPower = ReturnType<typeof createVmPower>;
