import type { ScoreBreakdown } from '../../../shared/domain/placement';
import type { Candidate, PlacementContext } from '../context';
import { acceleratorScore } from './accelerator';
import { imagePresentScore } from './image-present';
import { poolFree, poolMatch } from './pool-affinity';
import { strategy } from './strategy';

export type { Score } from './score';
export { acceleratorScore, imagePresentScore, poolFree, poolMatch, strategy };

/** Totals are rounded to this many decimals, so equal hosts tie exactly and go to the name. */
const ROUND = 1e6;

export function scoreHost(ctx: PlacementContext, c: Candidate): ScoreBreakdown {
  const w = ctx.options.weights;
  const s = strategy.score(ctx, c);
  const match = poolMatch.score(ctx, c);
  const free = poolFree.score(ctx, c);
  const image = imagePresentScore.score(ctx, c);
  const accel = acceleratorScore.score(ctx, c);
  const total =
    w.strategy * s + w.poolAffinity * (match + free) + w.imagePresent * image + w.accelerator * accel;
  return {
    strategy: s,
    strategyName: ctx.vm.strategy,
    poolAffinity: match + free,
    poolMatch: match,
    poolFree: free,
    imagePresent: image,
    accelerator: accel,
    total: Math.round(total * ROUND) / ROUND,
  };
}
