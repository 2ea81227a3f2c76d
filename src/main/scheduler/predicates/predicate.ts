import type { Candidate, PlacementContext } from '../context';

/**
 * A hard rule: a host that fails it cannot take the VM, whatever the user or the scores say.
 * check() returns null when the host passes, else every reason it fails, readable.
 * passes(), when given, answers the same question without building reasons: the placement loop runs it
 * for every host, the table (built when read) runs check(). It must equal `check(ctx, c) === null`.
 * storage: it reads the candidate's storage plan (planStorage()); the placement loop runs the predicates
 * without it first and plans storage only for the hosts that pass them.
 */
export interface Predicate {
  readonly name: string;
  readonly storage?: true;
  check(ctx: PlacementContext, c: Candidate): readonly string[] | null;
  passes?(ctx: PlacementContext, c: Candidate): boolean;
}
