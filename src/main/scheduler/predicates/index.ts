import { accelerator } from './accelerator';
import { cpuMemory } from './cpu-memory';
import { firmware } from './firmware';
import { group } from './group';
import { hostFilter } from './host-filter';
import { hostState } from './host-state';
import { labels } from './labels';
import { network } from './network';
import { poolAffinity } from './pool-affinity';
import { poolCapacity } from './pool-capacity';
import type { Predicate } from './predicate';

export type { Predicate } from './predicate';

/** Every hard predicate, in the order their reasons are listed. */
export const PREDICATES: readonly Predicate[] = [
  hostState,
  hostFilter,
  labels,
  group,
  cpuMemory,
  poolAffinity,
  poolCapacity,
  network,
  firmware,
  accelerator,
];

export {
  accelerator,
  cpuMemory,
  firmware,
  group,
  hostFilter,
  hostState,
  labels,
  network,
  poolAffinity,
  poolCapacity,
};
