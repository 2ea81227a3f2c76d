import { PLACEMENT_MESSAGES } from '../../../shared/domain/placement';
import { joinReasons, reason } from '../context';
import type { Predicate } from './predicate';

const missing = (name: string) => `${PLACEMENT_MESSAGES.missingPool} ${name}`;
const inactive = (name: string) => `Storage pool ${name} is not active on the node`;

/** Storage-pool affinity: every pool a disk requires exists on the host and is active. */
export const poolAffinity: Predicate = {
  name: 'pool-affinity',
  storage: true,
  passes(ctx, { requiredPoolsActive }) {
    return requiredPoolsActive === ctx.requiredPools.length;
  },
  check(ctx, { view, requiredPoolsActive }) {
    if (requiredPoolsActive === ctx.requiredPools.length) return null;
    let reasons: readonly string[] | null = null;
    for (const name of ctx.requiredPools) {
      const pool = view.pools.get(name);
      if (pool?.active) continue;
      reasons = joinReasons(reasons, reason(ctx, pool ? inactive : missing, name));
    }
    return reasons;
  },
};
