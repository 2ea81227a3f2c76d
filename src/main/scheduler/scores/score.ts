import type { Candidate, PlacementContext } from '../context';

/** A soft preference: a number per host, higher is better. Scores never make a host infeasible. */
export interface Score {
  readonly name: string;
  score(ctx: PlacementContext, c: Candidate): number;
}
