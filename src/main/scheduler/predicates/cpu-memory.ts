import { plural } from '../format';
import { cpuTail, memoryTail } from '../messages';
import type { Predicate } from './predicate';

/**
 * CPU and memory fit: (total - host reserve) x overcommit, minus what the VMs holding capacity allocate
 * (running ones; stopped ones too when the host reserves for them), minus reservations.
 */
export const cpuMemory: Predicate = {
  name: 'cpu-memory',
  passes(ctx, { free }) {
    return (
      free.vcpus !== null &&
      free.memoryBytes !== null &&
      ctx.vm.vcpus <= free.vcpus &&
      ctx.vm.memoryBytes <= free.memoryBytes
    );
  },
  check(ctx, { view, load, free }) {
    const { vcpus, memoryBytes } = ctx.vm;
    if (free.vcpus === null || free.memoryBytes === null) {
      const reasons: string[] = [];
      if (view.cpus === null) reasons.push('unknown CPU count of the node');
      if (view.memoryBytes === null) reasons.push('unknown memory size of the node');
      if (view.unknownAllocations > 0) {
        reasons.push(`unknown vCPUs or memory of ${plural(view.unknownAllocations, 'VM')} on the node`);
      }
      return reasons;
    }
    const cpuShort = vcpus > free.vcpus;
    const memoryShort = memoryBytes > free.memoryBytes;
    if (!cpuShort && !memoryShort) return null;
    // "Insufficient resources: vCPUs (needs 3, " + "2 of 12 free)"; without reservations on the host its
    // half was written when the snapshot was prepared.
    const unloaded = load.vms === 0;
    const cpu = cpuShort
      ? ctx.cpuHead + (unloaded ? view.text.cpu : cpuTail(free.vcpus, view.cpuCapacity!))
      : null;
    const memory = memoryShort
      ? ctx.memoryHead + (unloaded ? view.text.memory : memoryTail(free.memoryBytes, view.memoryCapacity!))
      : null;
    return cpu !== null && memory !== null ? [cpu, memory] : [(cpu ?? memory)!];
  },
};
