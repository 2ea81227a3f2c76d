import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageRing } from './ring';

describe('UsageRing', () => {
  it('keeps the recent samples at full resolution and the older ones as bucket means', () => {
    const ring = new UsageRing({ recentCapacity: 4, bucketMs: 10, bucketCapacity: 100 });
    // One sample per ms, value = time: buckets of 10 ms have mean start + 4.5.
    for (let at = 0; at < 100; at++) ring.append(at, (set) => set('cpu', at));
    const s = ring.read('cpu');
    expect(s.t.slice(-4)).toEqual([96, 97, 98, 99]);
    expect(s.v.slice(-4)).toEqual([96, 97, 98, 99]);
    // Buckets 0..80 are closed and end before the oldest recent sample (96); 90 is open.
    expect(s.t.slice(0, -4)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80]);
    expect(s.v.slice(0, -4)).toEqual([4.5, 14.5, 24.5, 34.5, 44.5, 54.5, 64.5, 74.5, 84.5]);
  });

  it('leaves unknown values out of the means and of the series', () => {
    const ring = new UsageRing({ recentCapacity: 2, bucketMs: 10, bucketCapacity: 10 });
    for (let at = 0; at < 30; at++) ring.append(at, (set) => (at % 2 === 0 ? set('x', at) : undefined));
    const s = ring.read('x');
    expect(s.v.slice(0, 2)).toEqual([4, 14]);
    expect(s.t.slice(-1)).toEqual([28]);
    expect(ring.latest('x')).toBeUndefined();
    ring.append(30, (set) => set('x', 7));
    expect(ring.latest('x')).toBe(7);
  });

  it('reads from a time on', () => {
    const ring = new UsageRing({ recentCapacity: 5, bucketMs: 10, bucketCapacity: 10 });
    for (let at = 0; at < 50; at++) ring.append(at, (set) => set('x', 1));
    expect(ring.read('x', 20).t).toEqual([20, 30, 45, 46, 47, 48, 49]);
  });

  it('drops the columns a caller no longer keeps', () => {
    const ring = new UsageRing();
    ring.append(0, (set) => {
      set('a', 1);
      set('b', 2);
    });
    ring.retain((k) => k !== 'a');
    expect([...ring.keys()]).toEqual(['b']);
    expect(ring.read('a')).toEqual({ t: [], v: [] });
  });

  it('holds bounded memory over a long stream with domains coming and going', () => {
    const opts = { recentCapacity: 150, bucketMs: 30_000, bucketCapacity: 120 };
    const ring = new UsageRing(opts);
    const metrics = ['cpu', 'mem', 'rd', 'wr', 'rx', 'tx'];
    const live = 20;
    // 40,000 polls at 2 s (22 hours, 22 times the hour kept); every 100 polls one domain is replaced by a new one.
    let first = 0;
    let peak = 0;
    for (let i = 0; i < 40_000; i++) {
      if (i % 100 === 99) first++;
      ring.append(i * 2000, (set) => {
        for (let d = first; d < first + live; d++) for (const m of metrics) set(`${d}/${m}`, i);
      });
      if (i % 100 === 99) ring.retain((k) => Number(k.split('/')[0]) >= first);
      peak = Math.max(peak, ring.byteLength);
    }
    const perColumn = (opts.recentCapacity + opts.bucketCapacity) * 4;
    const times = (opts.recentCapacity + opts.bucketCapacity) * 8;
    // At most the live domains plus the one added before the next retain.
    expect(peak).toBeLessThanOrEqual(times + (live + 1) * metrics.length * perColumn);
    expect(ring.size).toBe(live * metrics.length);
    // And what a reader gets is at most an hour of buckets plus the recent samples.
    const s = ring.read(`${first}/cpu`);
    expect(s.t.length).toBeLessThanOrEqual(opts.recentCapacity + opts.bucketCapacity);
    expect(s.t[s.t.length - 1]).toBe(39_999 * 2000);
  });

  it('bucket means equal the mean of the samples in each window (any times, any values)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: -1000, max: 1000 })), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 8 }),
        (steps, recentCapacity) => {
          const bucketMs = 100;
          const ring = new UsageRing({ recentCapacity, bucketMs, bucketCapacity: 1000 });
          let at = 0;
          const seen: [number, number][] = [];
          for (const [dt, value] of steps) {
            at += dt;
            seen.push([at, value]);
            ring.append(at, (set) => set('x', value));
          }
          const s = ring.read('x');
          const recent = seen.slice(-recentCapacity);
          expect(s.t.slice(-recent.length)).toEqual(recent.map(([t]) => t));
          expect(s.v.slice(-recent.length)).toEqual(recent.map(([, v]) => v));
          const buckets = s.t.length - recent.length;
          for (let i = 0; i < buckets; i++) {
            const start = s.t[i]!;
            const inside = seen.filter(([t]) => t >= start && t < start + bucketMs).map(([, v]) => v);
            const mean = inside.reduce((a, b) => a + b, 0) / inside.length;
            expect(s.v[i]).toBeCloseTo(Math.fround(mean), 3);
            // Only whole windows older than the recent samples.
            expect(start + bucketMs).toBeLessThanOrEqual(recent[0]![0]);
          }
          // Times ascend.
          for (let i = 1; i < s.t.length; i++) expect(s.t[i]!).toBeGreaterThan(s.t[i - 1]!);
        },
      ),
    );
  });
});
