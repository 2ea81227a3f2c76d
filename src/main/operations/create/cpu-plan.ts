/**
 * The accelerator and guest CPU of a planned VM on its host: the effective domain type (the VM's override,
 * the host's policy, what the host offers), and the CPU variants the start step will try, in order.
 */
import {
  cpuAttempts,
  effectiveDomainType,
  type Accelerator,
  type CpuVariant,
} from '../../../shared/domain/cpu';
import { AppError } from '../../../shared/domain/errors';
import type { HostSummary } from '../../../shared/domain/host';

export interface CpuPlan {
  readonly domainType: 'kvm' | 'qemu';
  /** Tried in order at start; the first is the one the domain is defined with. */
  readonly attempts: readonly CpuVariant[];
  /** The user chose the mode: it is used as given, and a refusal is an error that says what to choose. */
  readonly explicit: boolean;
}

const FIELD = 'compute.cpuMode';

/** Refuses a combination that cannot start: a host CPU mode under TCG, or a model the host cannot run. */
export function checkCpuChoice(cpuMode: string, accelerator: Accelerator): void {
  if (accelerator === 'tcg' && (cpuMode === 'host-passthrough' || cpuMode === 'host-model')) {
    throw new AppError(
      'VALIDATION',
      `${cpuMode} needs KVM, and this VM is set to run under TCG: choose Automatic, the default model or a CPU model`,
      FIELD,
    );
  }
}

export function planCpu(host: HostSummary, cpuMode: string, accelerator: Accelerator): CpuPlan {
  const domainType = effectiveDomainType(
    host.facts?.domainType ?? 'qemu',
    host.policy.accelerator,
    accelerator,
  );
  const explicit = cpuMode !== 'auto';
  if (domainType !== 'kvm' && (cpuMode === 'host-passthrough' || cpuMode === 'host-model')) {
    throw new AppError(
      'VALIDATION',
      `${cpuMode} needs KVM, and VMs on host ${host.name} run under TCG (emulation): choose Automatic, the default model or a CPU model`,
      FIELD,
    );
  }
  const models = host.facts?.cpuModels;
  const named = explicit && !['host-passthrough', 'host-model', 'default'].includes(cpuMode);
  // Models are listed for the host's own domain type: checked only when that is the one the VM gets.
  if (
    named &&
    models &&
    models.length > 0 &&
    host.facts?.domainType === domainType &&
    !models.includes(cpuMode)
  ) {
    const some = models.slice(-8).join(', ');
    throw new AppError(
      'VALIDATION',
      `CPU model ${cpuMode} is not usable on host ${host.name} (usable there: ${some}${models.length > 8 ? ', …' : ''})`,
      FIELD,
    );
  }
  return { domainType, attempts: cpuAttempts(cpuMode, domainType, host.cpuMode), explicit };
}
