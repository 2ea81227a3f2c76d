import type { ScoreBreakdown } from '../../../shared/domain/placement';
import type { Candidate, PlacementContext } from '../context';
import type { ScoreWeights } from '../model';
import { acceleratorScore } from './accelerator';
import { imagePresentScore } from './image-present';
import { poolFree, poolMatch } from './pool-affinity';
import { strategy } from './strategy';

export type { Score } from './score';
export { acceleratorScore, imagePresentScore, poolFree, poolMatch, strategy };

/** Totals are rounded to this many decimals, so equal hosts tie exactly and go to the name. */
const ROUND = 1e6;

/** The weighted sum, rounded: the one formula behind both scoreHost() and totalScore(). */
function weighted(
  w: ScoreWeights,
  s: number,
  match: number,
  free: number,
  image: number,
  accel: number,
): number {
  const total =
    w.strategy * s + w.poolAffinity * (match + free) + w.imagePresent * image + w.accelerator * accel;
  return Math.round(total * ROUND) / ROUND;
}

/** Every score and the total: a row of the table. */
export function scoreHost(ctx: PlacementContext, c: Candidate): ScoreBreakdown {
  const s = strategy.score(ctx, c);
  const match = poolMatch.score(ctx, c);
  const free = poolFree.score(ctx, c);
  const image = imagePresentScore.score(ctx, c);
  const accel = acceleratorScore.score(ctx, c);
  return {
    strategy: s,
    strategyName: ctx.vm.strategy,
    poolAffinity: match + free,
    poolMatch: match,
    poolFree: free,
    imagePresent: image,
    accelerator: accel,
    total: weighted(ctx.options.weights, s, match, free, image, accel),
  };
}

/** scoreHost(ctx, c).total without the breakdown object: what the placement loop ranks hosts by. */
export function totalScore(ctx: PlacementContext, c: Candidate): number {
  return weighted(
    ctx.options.weights,
    strategy.score(ctx, c),
    poolMatch.score(ctx, c),
    poolFree.score(ctx, c),
    imagePresentScore.score(ctx, c),
    acceleratorScore.score(ctx, c),
  );
}
