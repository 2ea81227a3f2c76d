import type { Score } from './score';

const clamp01 = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x);

/** The seed's formula: (required pools the host has, active / required pools) x 10; 0 when none is required. */
export const poolMatch: Score = {
  name: 'poolMatch',
  score(ctx, { view }) {
    const required = ctx.requiredPools;
    if (required.length === 0) return 0;
    let matched = 0;
    for (const name of required) if (view.pools.get(name)?.active) matched++;
    return (matched / required.length) * 10;
  },
};

/**
 * The preference for free pool space, 0-5: the free fraction, after this VM, of the fullest pool it lands in.
 * 0 when it uses no pool, or a pool whose size or free space is unknown.
 */
export const poolFree: Score = {
  name: 'poolFree',
  score(_ctx, { view, load, needs }) {
    let lowest = Infinity;
    for (const { pool: name, bytes: need } of needs) {
      const p = view.pools.get(name);
      if (!p || p.availableBytes === null || p.capacityBytes === null || p.capacityBytes <= 0) return 0;
      const after = (p.availableBytes - (load.pools.get(name) ?? 0) - need) / p.capacityBytes;
      lowest = Math.min(lowest, clamp01(after));
    }
    return lowest === Infinity ? 0 : 5 * lowest;
  },
};
