import { PLACEMENT_MESSAGES } from '../../../shared/domain/placement';
import { formatBytes, formatNumber, plural } from '../format';
import type { Predicate } from './predicate';

const INSUFFICIENT = PLACEMENT_MESSAGES.insufficient;

/**
 * CPU and memory fit: (total - host reserve) x overcommit, minus what the VMs holding capacity allocate
 * (running ones; stopped ones too when the host reserves for them), minus reservations.
 */
export const cpuMemory: Predicate = {
  name: 'cpu-memory',
  check(ctx, c) {
    const { vcpus, memoryBytes } = ctx.vm;
    const { view } = c;
    const free = c.free;
    if (free.vcpus !== null && free.memoryBytes !== null) {
      if (vcpus <= free.vcpus && memoryBytes <= free.memoryBytes) return null;
    }
    const reasons: string[] = [];
    if (view.cpus === null) reasons.push('unknown CPU count of the node');
    if (view.memoryBytes === null) reasons.push('unknown memory size of the node');
    if (view.unknownAllocations > 0) {
      reasons.push(`unknown vCPUs or memory of ${plural(view.unknownAllocations, 'VM')} on the node`);
    }
    if (reasons.length > 0) return reasons;
    const cpuCap = view.cpuCapacity!;
    const memCap = view.memoryCapacity!;
    const freeCpu = free.vcpus!;
    const freeMem = free.memoryBytes!;
    if (vcpus > freeCpu) {
      reasons.push(
        `${INSUFFICIENT}: vCPUs (needs ${vcpus}, ${formatNumber(Math.max(0, freeCpu))} of ${formatNumber(Math.max(0, cpuCap))} free)`,
      );
    }
    if (memoryBytes > freeMem) {
      reasons.push(
        `${INSUFFICIENT}: memory (needs ${formatBytes(memoryBytes)}, ${formatBytes(Math.max(0, freeMem))} of ${formatBytes(Math.max(0, memCap))} free)`,
      );
    }
    return reasons;
  },
};
