import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotPool } from './slots';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => `vm${from + i}`);

describe('SlotPool', () => {
  it('keeps the rows that leave the view as spares, with what they showed last', () => {
    const pool = new SlotPool<string>();
    expect(pool.assign(0, range(0, 4))).toEqual([
      { key: 0, item: 'vm0', spare: false },
      { key: 1, item: 'vm1', spare: false },
      { key: 2, item: 'vm2', spare: false },
      { key: 3, item: 'vm3', spare: false },
    ]);
    // A filter leaves one VM: the other three slots stay, hidden, unchanged.
    expect(pool.assign(0, ['db1'])).toEqual([
      { key: 0, item: 'db1', spare: false },
      { key: 1, item: 'vm1', spare: true },
      { key: 2, item: 'vm2', spare: true },
      { key: 3, item: 'vm3', spare: true },
    ]);
    // Nothing matches: every slot is a spare.
    expect(pool.assign(0, []).every((s) => s.spare)).toBe(true);
  });

  it('moves one slot from edge to edge when the view scrolls by one row', () => {
    const pool = new SlotPool<string>();
    pool.assign(0, range(0, 5));
    const next = pool.assign(1, range(1, 4));
    expect(next.filter((s) => !s.spare).map((s) => [s.key, s.item])).toEqual([
      [1, 'vm1'],
      [2, 'vm2'],
      [3, 'vm3'],
      [4, 'vm4'],
    ]);
    expect(next.filter((s) => s.spare)).toEqual([{ key: 0, item: 'vm0', spare: true }]);
    expect(pool.assign(2, range(2, 5)).map((s) => [s.key, s.item])).toEqual([
      [2, 'vm2'],
      [3, 'vm3'],
      [4, 'vm4'],
      [0, 'vm5'],
      [1, 'vm6'],
    ]);
  });

  it('gives distinct keys, never more slots than the most rows in view, and every item in view once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ first: fc.nat(10_000), n: fc.nat(40) }), { minLength: 1, maxLength: 30 }),
        (views) => {
          const pool = new SlotPool<string>();
          let most = 0;
          for (const { first, n } of views) {
            most = Math.max(most, n);
            const slots = pool.assign(first, range(first, n));
            const keys = slots.map((s) => s.key);
            expect(new Set(keys).size).toBe(keys.length);
            expect(slots.length).toBeLessThanOrEqual(most);
            expect(keys.every((k) => k >= 0 && k < most)).toBe(true);
            expect(slots.filter((s) => !s.spare).map((s) => s.item)).toEqual(range(first, n));
            // In view first, in order; spares after.
            const firstSpare = slots.findIndex((s) => s.spare);
            if (firstSpare >= 0) expect(slots.slice(firstSpare).every((s) => s.spare)).toBe(true);
          }
        },
      ),
    );
  });

  it('is the same when a render is repeated', () => {
    const pool = new SlotPool<string>();
    pool.assign(0, range(0, 6));
    const once = pool.assign(3, range(3, 2));
    expect(pool.assign(3, range(3, 2))).toEqual(once);
  });
});
