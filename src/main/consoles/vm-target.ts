/** The VM a console or screenshot is for, and the driver of the host it is on. */
import { AppError } from '../../shared/domain/errors';
import type { VmSummary } from '../../shared/domain/vm';
import type { HostDriver } from '../hosts/driver';
import type { VmsRepo } from '../inventory/vms.repo';

export interface VmTargetDeps {
  readonly vms: Pick<VmsRepo, 'get' | 'uuid'>;
  driverFor(hostId: string): Promise<HostDriver>;
}

export interface VmTarget {
  readonly vm: VmSummary & { readonly hostId: string };
  /** libvirt's UUID of the domain: what virsh is given, never the name. */
  readonly uuid: string;
  readonly driver: HostDriver;
}

export async function vmTarget(deps: VmTargetDeps, vmId: string): Promise<VmTarget> {
  const vm = deps.vms.get(vmId);
  if (!vm) throw new AppError('NOT_FOUND', `VM ${vmId} does not exist`, 'vmId');
  const uuid = deps.vms.uuid(vmId);
  const hostId = vm.hostId;
  if (!hostId || !uuid) throw new AppError('VALIDATION', `VM "${vm.name}" is not on a host yet`, 'vmId');
  // The inventory's state may be stale: the host itself says whether the VM runs (the openers ask it).
  const driver = await deps.driverFor(hostId);
  await driver.connect();
  return { vm: { ...vm, hostId }, uuid, driver };
}
