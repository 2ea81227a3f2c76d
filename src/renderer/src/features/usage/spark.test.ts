import { describe, expect, it } from 'vitest';
import { SparkRing, sparkPoints, tracePoints } from './spark';

describe('the list sparkline', () => {
  it('keeps the last samples only, newest last', () => {
    const ring = new SparkRing(3);
    [1, 2, 3, 4].forEach((v) => ring.push(v));
    expect(ring.latest).toBe(4);
    const pts = sparkPoints(ring, 20, 10, 10);
    // Three points, newest at the right edge, 10 px apart; value 2 is 2/10 of the height up.
    expect([...pts]).toEqual([0, 8, 10, 7, 20, 6]);
  });

  it('draws a short history from the right, clamps to the box, and breaks at unknown values', () => {
    const ring = new SparkRing(5);
    ring.push(150);
    ring.push(null);
    ring.push(-3);
    const pts = sparkPoints(ring, 40, 10, 100);
    expect(pts[0]).toBe(20);
    expect(pts[1]).toBe(0);
    expect(Number.isNaN(pts[3]!)).toBe(true);
    expect(pts[4]).toBe(40);
    expect(pts[5]).toBe(10);
    const calls: string[] = [];
    tracePoints(pts, 3, {
      moveTo: (x, y) => calls.push(`M${x},${y}`),
      lineTo: (x, y) => calls.push(`L${x},${y}`),
    });
    expect(calls).toEqual(['M20,0', 'M40,10']);
    expect(ring.latest).toBe(-3);
    // A poll with no figure keeps the last known one as the figure now.
    ring.push(null);
    expect(ring.latest).toBe(-3);
  });

  it('an empty ring has no points and no value', () => {
    const ring = new SparkRing(4);
    expect(ring.latest).toBeNull();
    expect(sparkPoints(ring, 10, 10, 100).length).toBe(0);
  });
});
