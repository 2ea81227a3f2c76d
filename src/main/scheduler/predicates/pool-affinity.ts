import { PLACEMENT_MESSAGES } from '../../../shared/domain/placement';
import type { Predicate } from './predicate';

/** Storage-pool affinity: every pool a disk requires exists on the host and is active. */
export const poolAffinity: Predicate = {
  name: 'pool-affinity',
  check(ctx, { view }) {
    let reasons: string[] | null = null;
    for (const name of ctx.requiredPools) {
      const pool = view.pools.get(name);
      if (pool?.active) continue;
      (reasons ??= []).push(
        pool ? `Storage pool ${name} is not active on the node` : `${PLACEMENT_MESSAGES.missingPool} ${name}`,
      );
    }
    return reasons;
  },
};
