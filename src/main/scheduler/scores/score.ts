import type { Candidate, PlacementContext } from '../context';

/** A soft preference: a number per host, higher is better. Scores never make a host infeasible. */
export interface Score {
  readonly name: string;
  score(ctx: PlacementContext, c: Candidate): number;
}

export function clamp01(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

/** The free fractions of CPU and memory once this VM is on the host (0 when unknown). */
export function freeFractionsAfter(ctx: PlacementContext, c: Candidate): { cpu: number; memory: number } {
  const { cpuCapacity, memoryCapacity } = c.view;
  const cpu =
    c.freeVcpus === null || cpuCapacity === null || cpuCapacity <= 0
      ? 0
      : clamp01((c.freeVcpus - ctx.request.vcpus) / cpuCapacity);
  const memory =
    c.freeMemoryBytes === null || memoryCapacity === null || memoryCapacity <= 0
      ? 0
      : clamp01((c.freeMemoryBytes - ctx.request.memoryBytes) / memoryCapacity);
  return { cpu, memory };
}
