/**
 * A VM's signs of life, read from its host on request (the VM page polls it while the VM runs): whether its
 * guest agent answers, and its addresses from the agent or from libvirt's DHCP leases. Under KVM on some
 * nested hosts a guest "runs" while its kernel hangs; this is how the page can tell the user.
 */
import { AppError } from '../../shared/domain/errors';
import type { VmGuestStatus } from '../../shared/domain/vm';
import type { HostsRepo } from '../inventory/hosts.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import type { HostsService } from '../services/hosts';
import { vmState } from '../services/inventory-parse';
import { HostOps } from './host-ops';
import { leaseAddresses } from './create/signs-of-life';

export function createGuestStatus(deps: { vms: VmsRepo; hosts: HostsRepo; hostsService: HostsService }) {
  return async function guestStatus(vmId: string): Promise<VmGuestStatus> {
    const vm = deps.vms.get(vmId);
    if (!vm) throw new AppError('NOT_FOUND', `VM ${vmId} does not exist`, 'vmId');
    const uuid = deps.vms.uuid(vmId);
    if (!vm.hostId || !uuid || !deps.hosts.get(vm.hostId))
      throw new AppError('VALIDATION', `VM "${vm.name}" is not on a host yet`, 'vmId');
    const driver = await deps.hostsService.driverFor(vm.hostId);
    await driver.connect();
    const [stateText, xml] = await driver.virshBatch([
      ['domstate', '--domain', uuid],
      ['dumpxml', '--inactive', '--domain', uuid],
    ]);
    if (!stateText?.ok) throw new AppError('NOT_FOUND', `VM "${vm.name}" is no longer on its host`, 'vmId');
    const state = vmState(stateText.out);
    const domainType = (xml?.ok && /<domain\s[^>]*type=['"](\w+)['"]/.exec(xml.out)?.[1]) || 'unknown';
    if (state !== 'running') return { state, domainType, agent: false, source: null, addresses: [] };
    const agent = await new HostOps(driver).agentAddresses(uuid);
    if (agent && agent.length) return { state, domainType, agent: true, source: 'agent', addresses: agent };
    const leased = await leaseAddresses(driver, uuid);
    return {
      state,
      domainType,
      agent: agent !== null,
      source: leased.length ? 'lease' : null,
      addresses: leased,
    };
  };
}
