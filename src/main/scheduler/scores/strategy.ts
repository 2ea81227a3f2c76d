import { assertNever } from '../../../shared/domain/errors';
import type { Candidate, PlacementContext } from '../context';
import type { Score } from './score';

/**
 * The configurable strategy, 0-10, from the free fractions of CPU and memory after the VM lands:
 * - spread: half for having few VMs (5 for the fleet's fewest, 0 for its most), half for the most free
 *   capacity;
 * - pack: the fuller the host ends up, the better (fill hosts before starting new ones);
 * - balance: the scarcer of CPU and memory decides, so neither runs out first.
 */
export const strategy: Score = {
  name: 'strategy',
  score(ctx, c) {
    const cpu = freeCpuAfter(ctx, c);
    const memory = freeMemoryAfter(ctx, c);
    const s = ctx.vm.strategy;
    switch (s) {
      case 'spread': {
        const vms = c.view.vmCount + c.load.vms;
        const range = ctx.maxVms - ctx.minVms;
        const fewest = range === 0 ? 1 : (ctx.maxVms - vms) / range;
        return 5 * fewest + 5 * ((cpu + memory) / 2);
      }
      case 'pack':
        return 10 * (1 - (cpu + memory) / 2);
      case 'balance':
        return 10 * Math.min(cpu, memory);
      default:
        return assertNever(s, 'strategy');
    }
  },
};

const clamp01 = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x);

/** The free fraction of CPU once this VM is on the host (0 when unknown). */
function freeCpuAfter(ctx: PlacementContext, c: Candidate): number {
  const cap = c.view.cpuCapacity;
  const free = c.free.vcpus;
  return free === null || cap === null || cap <= 0 ? 0 : clamp01((free - ctx.vm.vcpus) / cap);
}

/** The free fraction of memory once this VM is on the host (0 when unknown). */
function freeMemoryAfter(ctx: PlacementContext, c: Candidate): number {
  const cap = c.view.memoryCapacity;
  const free = c.free.memoryBytes;
  return free === null || cap === null || cap <= 0 ? 0 : clamp01((free - ctx.vm.memoryBytes) / cap);
}
