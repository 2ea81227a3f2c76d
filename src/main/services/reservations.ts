/**
 * Placing and booking capacity as one write transaction on the inventory. Every process that opens the
 * inventory (the desktop app, any number of `qhci` scripts) books through the same rows, so none can book
 * what another already holds; nothing held in one process's memory takes part in the decision.
 *
 * Inside the transaction: drop reservations whose creation has ended or whose owner died, read the held
 * ones and a fresh snapshot, place with them applied, and write the new ones. SQLite serialises writers
 * (BEGIN IMMEDIATE, with the busy timeout of db.ts); a PostgreSQL inventory would take a lock on the hosts'
 * rows instead, behind the same calls.
 */
import type { PlacementRequest, PlacementResult, Reservation } from '../../shared/domain/placement';
import { inTransaction, type Db } from '../inventory/db';
import type { HeldReservation, ReservationsRepo } from '../inventory/reservations.repo';
import { place, reservationFor, type PlacementOptions, type SnapshotInput } from '../scheduler';

export interface ReservationTicket {
  readonly id: string;
  readonly reservation: Reservation;
}

export interface ReservedPlacement {
  readonly result: PlacementResult;
  /** One per VM, in the order of result.placements. Release each when its creation finishes or fails. */
  readonly tickets: readonly ReservationTicket[];
  /** Releases every ticket of this placement still held. */
  release(): void;
}

/** A task in one of these states no longer needs what it reserved. */
const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

export interface CapacityBook {
  /** Every reservation held now, by any process. */
  reservations(): Reservation[];
  /** A dry run that sees the reservations but books nothing (the wizard's preview). */
  place(request: PlacementRequest, snapshot: SnapshotInput): PlacementResult;
  /**
   * Places and books in one write transaction, reading the snapshot inside it. Throws the scheduler's
   * PlacementError, having booked nothing, when the VMs do not fit.
   */
  placeAndReserve(request: PlacementRequest, snapshot: () => SnapshotInput): ReservedPlacement;
  /** Ties a ticket to the task that creates its VM (a crash then releases it with the task). */
  attachTask(ticketId: string, taskId: string): void;
  release(ticketId: string): boolean;
  releaseForTask(taskId: string): number;
}

export function createCapacityBook(deps: {
  db: Db;
  repo: ReservationsRepo;
  /** This process, as tasks name their owner ("hostname:pid"). */
  owner: string;
  /** Whether an owner is a process on this machine that no longer runs. */
  ownerIsDead: (owner: string) => boolean;
  /** Placement options besides the reservations (tests use another thin fraction). */
  options?: Omit<PlacementOptions, 'reservations'>;
}): CapacityBook {
  const stale = (r: HeldReservation): boolean => {
    if (r.taskId !== null) return r.taskState === null || ENDED.has(r.taskState);
    // Booked but no task yet: only the instant between placement and the task's start, unless the
    // process died right there.
    return r.owner !== deps.owner && deps.ownerIsDead(r.owner);
  };
  const held = (): Reservation[] => deps.repo.list().map((r) => r.reservation);
  const options = (): PlacementOptions => ({ ...deps.options, reservations: held() });

  return {
    reservations: held,
    place: (request, snapshot) => place(request, snapshot, options()),
    placeAndReserve(request, snapshot) {
      return inTransaction(deps.db, () => {
        const kept: Reservation[] = [];
        for (const r of deps.repo.list()) {
          if (stale(r)) deps.repo.remove(r.id);
          else kept.push(r.reservation);
        }
        const result = place(request, snapshot(), { ...deps.options, reservations: kept });
        const tickets: ReservationTicket[] = result.placements.map((p) => {
          const reservation = reservationFor(request, p);
          return { id: deps.repo.insert(deps.owner, reservation), reservation };
        });
        return {
          result,
          tickets,
          release: () => {
            for (const t of tickets) deps.repo.remove(t.id);
          },
        };
      });
    },
    attachTask: (ticketId, taskId) => deps.repo.attachTask(ticketId, taskId),
    release: (ticketId) => deps.repo.remove(ticketId),
    releaseForTask: (taskId) => deps.repo.removeForTask(taskId),
  };
}
