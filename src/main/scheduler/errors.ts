import type { HostEvaluation, PlacementFailure, PlacementFailureKind } from '../../shared/domain/placement';

/**
 * No host can take the VM (or the host the user picked cannot). Carries the whole table, so a service can
 * map it to an AppError (code VALIDATION, the same message) and still show why each host was refused.
 */
export class PlacementError extends Error {
  readonly failure: PlacementFailure;

  constructor(failure: PlacementFailure) {
    super(failure.message);
    this.name = 'PlacementError';
    this.failure = failure;
  }

  get kind(): PlacementFailureKind {
    return this.failure.kind;
  }

  get table(): readonly HostEvaluation[] {
    return this.failure.table;
  }

  /** Plain data, safe to send over IPC. */
  toData(): PlacementFailure {
    return this.failure;
  }
}

export function isPlacementError(e: unknown): e is PlacementError {
  return e instanceof PlacementError;
}
