import type { Score } from './score';

/** The seed's formula: (required pools the host has, active / required pools) x 10; 0 if none is required. */
export const poolMatch: Score = {
  name: 'poolMatch',
  score(ctx, { requiredPoolsActive }) {
    const required = ctx.requiredPools.length;
    return required === 0 ? 0 : (requiredPoolsActive / required) * 10;
  },
};

/**
 * The preference for free pool space, 0-5: the free fraction, after this VM, of the fullest pool it lands in.
 * 0 when it uses no pool, or a pool whose size or free space is unknown.
 */
export const poolFree: Score = {
  name: 'poolFree',
  score(_ctx, { poolFreeFraction }) {
    return 5 * poolFreeFraction; // computed with the storage plan, in makeCandidate
  },
};
