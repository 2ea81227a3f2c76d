import { describe, expect, it } from 'vitest';
import { UsageRing } from './ring';

const shape = { recent: 4, bucketMs: 10_000, buckets: 3 };

describe('the renderer usage ring', () => {
  it('keeps the recent samples at full resolution, oldest first, with gaps as null', () => {
    const ring = new UsageRing(shape);
    ring.append(1000, { cpu: 10, mem: 100 });
    ring.append(3000, { cpu: null, mem: 200 });
    ring.append(5000, { cpu: 30 });
    expect(ring.aligned(['cpu', 'mem'])).toEqual([
      [1, 3, 5],
      [10, null, 30],
      [100, 200, null],
    ]);
    expect(ring.latest('cpu')).toBe(30);
    expect(ring.latest('mem')).toBeNull();
    expect(ring.lastKnown('mem')).toBe(200);
    expect(ring.lastKnown('disk')).toBeNull();
  });

  it('folds samples that leave the recent window into means of their bucket', () => {
    const ring = new UsageRing(shape);
    // 0 s .. 18 s every 2 s: ten samples; the last four stay recent, the six before go to buckets.
    for (let i = 0; i < 10; i++) ring.append(i * 2000, { cpu: i });
    const [t, cpu] = ring.aligned(['cpu']);
    // Bucket 0-10 s holds 0,2,4,6,8 s (values 0..4, mean 2) and is closed; 10-20 s holds 10 s (5) so far.
    expect(t).toEqual([0, 10, 12, 14, 16, 18]);
    expect(cpu).toEqual([2, 5, 6, 7, 8, 9]);
  });

  it('keeps at most `buckets` closed buckets: memory is fixed however long it runs', () => {
    const ring = new UsageRing(shape);
    const bytes = () => ring.byteLength;
    ring.append(0, { cpu: 1 });
    const before = bytes();
    for (let i = 1; i < 1000; i++) ring.append(i * 2000, { cpu: i });
    expect(bytes()).toBe(before);
    const [t] = ring.aligned(['cpu']);
    // 3 closed buckets + the open one + 4 recent samples.
    expect(t.length).toBe(8);
    expect(t[t.length - 1]).toBe(1998);
  });

  it('ignores a sample that is not newer than the last one', () => {
    const ring = new UsageRing(shape);
    ring.append(2000, { cpu: 1 });
    ring.append(2000, { cpu: 2 });
    ring.append(1000, { cpu: 3 });
    expect(ring.aligned(['cpu'])).toEqual([[2], [1]]);
  });

  it('gives its points back to rebuild a ring, and drops the columns it is told to', () => {
    const ring = new UsageRing(shape);
    ring.append(1000, { cpu: 1, disk: 5 });
    ring.append(2000, { cpu: 2 });
    expect(ring.points()).toEqual([
      { t: 1000, values: { cpu: 1, disk: 5 } },
      { t: 2000, values: { cpu: 2 } },
    ]);
    ring.retain((m) => m === 'cpu');
    expect(ring.metrics).toEqual(['cpu']);
  });

  it('refuses a shape with no room', () => {
    expect(() => new UsageRing({ recent: 0, bucketMs: 1, buckets: 1 })).toThrow(RangeError);
  });
});
