import type { PlacementRequest, PlacementResult, Reservation } from '../../shared/domain/placement';
import type { PlacementOptions, SnapshotInput } from './model';
import { place, reservationFor } from './place';

export interface ReservationTicket {
  readonly id: string;
  readonly reservation: Reservation;
}

export interface ReservedPlacement {
  readonly result: PlacementResult;
  /** One per VM, in the order of result.chosen. Release each when its creation finishes or fails. */
  readonly tickets: readonly ReservationTicket[];
  /** Releases every ticket of this placement still held. */
  release(): void;
}

/**
 * Capacity held by placements in flight, in memory. placeAndReserve() places with every held reservation
 * applied and books the result before it returns; it is synchronous, so no other placement can run in
 * between and two creations never book the same capacity. Release a ticket when its VM is in the inventory
 * snapshot (creation finished) or creation failed.
 */
export class ReservationBook {
  private readonly held = new Map<string, Reservation>();
  private nextId = 1;

  constructor(private readonly defaults: Omit<PlacementOptions, 'reservations'> = {}) {}

  /** Every reservation held, oldest first. */
  reservations(): Reservation[] {
    return [...this.held.values()];
  }

  get size(): number {
    return this.held.size;
  }

  private options(options: PlacementOptions | undefined): PlacementOptions {
    return {
      ...this.defaults,
      ...options,
      reservations: [...this.held.values(), ...(options?.reservations ?? [])],
    };
  }

  /** A dry run that sees the reservations but books nothing (the wizard's preview). */
  place(request: PlacementRequest, snapshot: SnapshotInput, options?: PlacementOptions): PlacementResult {
    return place(request, snapshot, this.options(options));
  }

  /** Places and books in one step. Throws PlacementError (and books nothing) when the VMs do not fit. */
  placeAndReserve(
    request: PlacementRequest,
    snapshot: SnapshotInput,
    options?: PlacementOptions,
  ): ReservedPlacement {
    const result = place(request, snapshot, this.options(options));
    const tickets = result.placements.map((p) => {
      const id = `r${this.nextId++}`;
      const reservation = reservationFor(request, p);
      this.held.set(id, reservation);
      return { id, reservation };
    });
    return {
      result,
      tickets,
      release: () => {
        for (const t of tickets) this.release(t.id);
      },
    };
  }

  /** Returns whether the ticket was still held. Releasing twice is harmless. */
  release(id: string): boolean {
    return this.held.delete(id);
  }
}
