import { describe, expect, it } from 'vitest';
import { freshRetry, nextRetry, RETRY_DELAYS_MS } from './reconnect';

const lost = { s: 'ended', reason: 'host-lost', message: 'lost' } as const;
const failed = { s: 'failed', message: 'Cannot connect' } as const;

describe('nextRetry', () => {
  it('retries a lost host connection with growing delays, then gives up', () => {
    const st = freshRetry();
    expect(nextRetry(st, lost)).toBe(RETRY_DELAYS_MS[0]);
    expect(nextRetry(st, { s: 'connecting' })).toBeNull();
    expect(nextRetry(st, failed)).toBe(RETRY_DELAYS_MS[1]);
    expect(nextRetry(st, { s: 'connecting' })).toBeNull();
    expect(nextRetry(st, failed)).toBe(RETRY_DELAYS_MS[2]);
    expect(nextRetry(st, failed)).toBeNull();
  });

  it('starts over once connected again', () => {
    const st = freshRetry();
    nextRetry(st, lost);
    nextRetry(st, failed);
    expect(nextRetry(st, { s: 'connected' })).toBeNull();
    expect(st).toEqual({ tries: 0, active: false });
    expect(nextRetry(st, lost)).toBe(RETRY_DELAYS_MS[0]);
  });

  it('never retries what a lost connection did not cause', () => {
    for (const reason of ['vm-stopped', 'taken-over', 'closed', 'error'] as const) {
      expect(nextRetry(freshRetry(), { s: 'ended', reason, message: '' })).toBeNull();
    }
    expect(nextRetry(freshRetry(), failed)).toBeNull();
    expect(nextRetry(freshRetry(), { s: 'left' })).toBeNull();
    const st = freshRetry();
    nextRetry(st, lost);
    expect(nextRetry(st, { s: 'left' })).toBeNull();
    expect(nextRetry(st, failed)).toBeNull();
  });
});
