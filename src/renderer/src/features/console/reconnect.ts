/**
 * After the connection to the host dropped, a console reconnects by itself a few times, waiting longer
 * each time, as a user would (the host may be back in a second). It stops at the first success, after the
 * last try, or at anything else that ended the console (the VM stopped, a takeover, the user's Ctrl+]).
 */
import type { ConsoleView } from './session';

export const RETRY_DELAYS_MS: readonly number[] = [1000, 3000, 10_000];

export interface RetryState {
  /** Tries made since the connection was last up. */
  tries: number;
  /** The console is recovering from a lost host connection. */
  active: boolean;
}

export const freshRetry = (): RetryState => ({ tries: 0, active: false });

/** Updates the state for a new view and returns how long to wait before reconnecting, or null for never. */
export function nextRetry(state: RetryState, view: ConsoleView): number | null {
  if (view.s === 'connected') {
    state.tries = 0;
    state.active = false;
    return null;
  }
  if (view.s === 'ended' && view.reason === 'host-lost') state.active = true;
  else if (view.s !== 'failed') {
    // Connecting (a try under way) keeps the state; anything else ends the recovery.
    if (view.s !== 'connecting') state.active = false;
    return null;
  }
  if (!state.active || state.tries >= RETRY_DELAYS_MS.length) return null;
  const delay = RETRY_DELAYS_MS[state.tries]!;
  state.tries += 1;
  return delay;
}
