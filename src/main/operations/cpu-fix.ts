/**
 * "Use a compatible CPU mode": an existing VM whose start the host refused for its CPU is redefined with
 * the variants of the automatic chain (the one that last worked on the host first) until one starts. Only
 * on the user's request, never silently; if none starts, or anything else fails, the original definition
 * is put back.
 */
import { cpuAttempts, describeCpuVariant, type CpuVariant } from '../../shared/domain/cpu';
import { AppError } from '../../shared/domain/errors';
import type { Lock } from '../tasks/engine';
import type { VmState } from '../../shared/domain/vm';
import type { HostsRepo } from '../inventory/hosts.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import type { AppEvents } from '../services/events';
import type { HostsService } from '../services/hosts';
import { fallbackSummary } from '../virt/cpu-refusal';
import { cpuVariantOf, withCpuVariant } from '../virt/cpu-xml';
import { startWithCpuFallback } from './create/cpu-start';
import { HostOps } from './host-ops';

export interface CpuFixResult {
  readonly state: VmState;
  readonly cpuMode: CpuVariant;
  /** What happened, for people: what was refused, what it started with. */
  readonly detail: string;
}

export interface CpuFixDeps {
  readonly vms: VmsRepo;
  readonly hosts: HostsRepo;
  readonly hostsService: HostsService;
  readonly events: AppEvents;
  /** Why the VM must wait (an operation on it runs, in any process), or null. */
  readonly busy: (lock: Lock) => AppError | null;
}

export function createCpuFix(deps: CpuFixDeps) {
  return async function fixCpu(vmId: string): Promise<CpuFixResult> {
    const vm = deps.vms.get(vmId);
    if (!vm) throw new AppError('NOT_FOUND', `VM ${vmId} does not exist`, 'vmId');
    const uuid = deps.vms.uuid(vmId);
    const host = vm.hostId ? deps.hosts.get(vm.hostId) : undefined;
    if (!host || !uuid) throw new AppError('VALIDATION', `VM "${vm.name}" is not on a host yet`, 'vmId');
    const busy = deps.busy({ key: `vm:${vmId}`, label: `VM ${vm.name}` });
    if (busy) throw busy;
    const driver = await deps.hostsService.driverFor(host.id);
    await driver.connect();
    const ops = new HostOps(driver);
    const state = await ops.domainState(uuid);
    if (state === null)
      throw new AppError('NOT_FOUND', `VM "${vm.name}" is no longer on ${host.name}`, 'vmId');
    if (state !== 'shut off') {
      throw new AppError(
        'CONFLICT',
        `VM "${vm.name}" is ${state}: its CPU mode changes only while it is off`,
      );
    }
    // With its secrets (a VNC password), or the redefinition would drop them.
    const original = await driver.virsh(['dumpxml', '--inactive', '--security-info', '--domain', uuid]);
    const type = /<domain\s[^>]*type=['"](\w+)['"]/.exec(original)?.[1] === 'kvm' ? 'kvm' : 'qemu';
    const current = cpuVariantOf(original);
    const attempts = cpuAttempts('auto', type, host.cpuMode).filter((v) => v !== current);
    if (attempts.length === 0) {
      throw new AppError('UNSUPPORTED', `VM "${vm.name}" already has the only CPU mode its host offers`);
    }
    let result: Awaited<ReturnType<typeof startWithCpuFallback>>;
    try {
      await ops.define(withCpuVariant(original, attempts[0]!));
      result = await startWithCpuFallback(ops, {
        uuid,
        hostName: host.name,
        attempts,
        explicit: false,
        underKvm: type === 'kvm',
        xmlFor: (v) => withCpuVariant(original, v),
      });
    } catch (err) {
      await ops.define(original).catch(() => undefined);
      throw err;
    }
    if (type === 'kvm' && host.cpuMode !== result.started) deps.hosts.setCpuMode(host.id, result.started);
    await deps.hostsService.refresh(host.id, { domains: [vm.name] }).catch(() => undefined);
    deps.events.emit('vm.state', { vmId, hostId: host.id, state: 'running' });
    deps.events.emit('inventory.changed', { entity: 'hosts', projectId: host.projectId });
    deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
    const was = `was ${describeCpuVariant(current)}`;
    return {
      state: 'running',
      cpuMode: result.started,
      detail: result.refused.length
        ? `${fallbackSummary(result.refused, result.started)} (${was})`
        : `Started with ${describeCpuVariant(result.started)} (${was})`,
    };
  };
}

export type CpuFix = ReturnType<typeof createCpuFix>;
