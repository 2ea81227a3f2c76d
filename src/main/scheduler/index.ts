/**
 * The scheduler: where new VMs go, and why. Pure functions over a snapshot of the inventory (no I/O); the
 * types and zod schemas of its input and output live in src/shared/domain/placement.ts.
 *
 *   place(request, snapshot, options?)    -> PlacementResult, or throws PlacementError (with the table)
 *   explain(request, snapshot, options?)  -> PlacementOutcome: the same, the failure as a value (dry runs)
 *   prepare(snapshot)                     -> PreparedSnapshot: index once, place many times
 *
 * A result's table (every host, every reason, every score) is judged when it is first read: provisioning,
 * which reads only the placements, does not pay for it; the dry run and IPC clones get it whole.
 *
 * A snapshot (HostSnapshot[] or a PreparedSnapshot) is a value: build a new one when the inventory
 * changes, never edit one in place. options.reservations holds what placements in flight took (the
 * inventory keeps them: src/main/services/reservations.ts places and books in one write transaction).
 *
 * Errors: PlacementError carries the whole table (error.table, error.toData()); its message is the one to
 * show ("No feasible nodes found among …", "Node x cannot take this VM: …"). A service maps it with e.g.
 * `if (isPlacementError(e)) throw new AppError('VALIDATION', e.message)`, or returns explain()'s failure.
 */
export { explain, place, reservationFor } from './place';
export { isPlacementError, PlacementError } from './errors';
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
