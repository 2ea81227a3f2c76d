import type { Candidate, PlacementContext } from '../context';

/**
 * A hard rule: a host that fails it cannot take the VM, whatever the user or the scores say.
 * check() returns every reason it fails, readable, or PASS.
 */
export interface Predicate {
  readonly name: string;
  check(ctx: PlacementContext, c: Candidate): readonly string[];
}

export const PASS: readonly string[] = Object.freeze([]);
