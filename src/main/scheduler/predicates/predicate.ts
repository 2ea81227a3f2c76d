import type { Candidate, PlacementContext } from '../context';

/**
 * A hard rule: a host that fails it cannot take the VM, whatever the user or the scores say.
 * check() returns null when the host passes, else every reason it fails, readable.
 */
export interface Predicate {
  readonly name: string;
  check(ctx: PlacementContext, c: Candidate): readonly string[] | null;
}
