import { PLACEMENT_MESSAGES } from '../../../shared/domain/placement';
import { formatBytes } from '../format';
import type { Predicate } from './predicate';

/**
 * Pool capacity: each pool has room for what this VM puts there (thick disks their size, thin disks a
 * fraction, all of this request's disks in that pool together, plus a boot image upload), on top of what
 * reservations hold. Missing or inactive required pools are pool-affinity's to report.
 */
export const poolCapacity: Predicate = {
  name: 'pool-capacity',
  storage: true,
  passes(_ctx, { poolsFit }) {
    return poolsFit;
  },
  check(_ctx, { view, load, needs, homeless, poolsFit }) {
    if (poolsFit) return null;
    let reasons: string[] | null = null;
    if (homeless !== null) {
      (reasons ??= []).push(
        `${PLACEMENT_MESSAGES.insufficient}: storage (no active storage pool for ${formatBytes(homeless)})`,
      );
    }
    for (const { pool: name, bytes: need } of needs) {
      const pool = view.pools.get(name);
      if (!pool?.active) continue;
      if (pool.availableBytes === null) {
        (reasons ??= []).push(`unknown free space in storage pool ${name}`);
        continue;
      }
      const free = pool.availableBytes - (load.pools.get(name) ?? 0);
      if (need <= free) continue;
      (reasons ??= []).push(
        `${PLACEMENT_MESSAGES.insufficient}: storage pool ${name} (needs ${formatBytes(need)}, ${formatBytes(Math.max(0, free))} free)`,
      );
    }
    return reasons;
  },
};
