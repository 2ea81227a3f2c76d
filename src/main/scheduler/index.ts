/**
 * The scheduler: where new VMs go, and why. Pure functions over a snapshot of the inventory (no I/O);
 * the types and zod schemas of its input and output live in src/shared/domain/placement.ts.
 *
 *   place(request, snapshot, options?)    -> PlacementResult, or throws PlacementError (with the table)
 *   explain(request, snapshot, options?)  -> PlacementOutcome: the same, with the failure as a value
 *   prepare(snapshot)                     -> PreparedSnapshot: index once, place many times
 *   new ReservationBook().placeAndReserve -> place + hold capacity until creation finishes or fails
 */
export { explain, place, reservationFor } from './place';
export { isPlacementError, PlacementError } from './errors';
export { ReservationBook, type ReservationTicket, type ReservedPlacement } from './reservations';
export {
  DEFAULT_THIN_FRACTION,
  DEFAULT_WEIGHTS,
  prepare,
  type PlacementOptions,
  type PreparedSnapshot,
  type ScoreWeights,
  type SnapshotInput,
} from './model';
export { PREDICATES } from './predicates';
