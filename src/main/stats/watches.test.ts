import { describe, expect, it } from 'vitest';
import { UsageWatches } from './watches';

const all = () => ['h1', 'h2', 'h3'];

describe('UsageWatches', () => {
  it('polls the union of the live watches, each host at the shortest interval asked', () => {
    const w = new UsageWatches(10);
    w.put({ id: 'a', hostIds: ['h1'], intervalMs: 10_000, expiresAt: 100 });
    w.put({ id: 'b', hostIds: ['h1', 'h2'], intervalMs: 2000, expiresAt: 100 });
    w.put({ id: 'c', hostIds: null, intervalMs: 5000, expiresAt: 100 });
    expect([...w.wanted(all)]).toEqual([
      ['h1', 2000],
      ['h2', 2000],
      ['h3', 5000],
    ]);
  });

  it('a lease that is not renewed lapses; renewing moves it on', () => {
    const w = new UsageWatches(10);
    w.put({ id: 'a', hostIds: ['h1'], intervalMs: 2000, expiresAt: 100 });
    w.put({ id: 'b', hostIds: ['h2'], intervalMs: 2000, expiresAt: 200 });
    expect(w.sweep(50)).toBe(100);
    w.put({ id: 'a', hostIds: ['h1'], intervalMs: 2000, expiresAt: 300 });
    expect(w.sweep(150)).toBe(200);
    expect(w.sweep(250)).toBe(300);
    expect([...w.wanted(all).keys()]).toEqual(['h1']);
    expect(w.sweep(300)).toBeUndefined();
    expect(w.wanted(all).size).toBe(0);
  });

  it('refuses a new watch beyond the limit but renews an existing one', () => {
    const w = new UsageWatches(1);
    expect(w.put({ id: 'a', hostIds: null, intervalMs: 2000, expiresAt: 1 })).toBe(true);
    expect(w.put({ id: 'b', hostIds: null, intervalMs: 2000, expiresAt: 1 })).toBe(false);
    expect(w.put({ id: 'a', hostIds: ['h1'], intervalMs: 5000, expiresAt: 2 })).toBe(true);
    expect(w.remove('a')).toBe(true);
    expect(w.remove('a')).toBe(false);
  });
});
