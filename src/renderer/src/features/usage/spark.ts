/**
 * The VM list's CPU sparklines: per VM, the last `SPARK_POINTS` CPU samples (five minutes at 2 s) in a
 * Float32Array, and the pure geometry of drawing them into a small canvas. A sparkline is drawn by the
 * sample's index, one step per poll: it shows the shape of the last minutes, the charts show the times.
 */

export const SPARK_POINTS = 150;

export class SparkRing {
  readonly values: Float32Array;
  /** Samples pushed so far (the newest is at (count - 1) % capacity). */
  count = 0;

  constructor(capacity = SPARK_POINTS) {
    this.values = new Float32Array(capacity);
  }

  push(v: number | null): void {
    this.values[this.count % this.values.length] = v === null || !Number.isFinite(v) ? Number.NaN : v;
    this.count++;
  }

  /** The newest known value (a poll that had none is skipped), or null. */
  get latest(): number | null {
    const cap = this.values.length;
    for (let k = this.count - 1; k >= Math.max(0, this.count - cap); k--) {
      const v = this.values[k % cap]!;
      if (!Number.isNaN(v)) return v;
    }
    return null;
  }
}

/**
 * The points of a sparkline of `ring` in a box of width × height (CSS pixels), newest at the right edge,
 * one step of width / (capacity - 1) per sample; values from 0 (bottom) to `max` (top), clamped. Pairs
 * x, y; y is NaN for an unknown value (the line breaks there). Writes into `out` when it is big enough.
 */
export function sparkPoints(
  ring: SparkRing,
  width: number,
  height: number,
  max: number,
  out?: Float32Array,
): Float32Array {
  const cap = ring.values.length;
  const n = Math.min(ring.count, cap);
  const pts = out !== undefined && out.length >= n * 2 ? out : new Float32Array(n * 2);
  const step = cap > 1 ? width / (cap - 1) : 0;
  const top = max > 0 ? max : 1;
  for (let i = 0; i < n; i++) {
    const v = ring.values[(ring.count - n + i) % cap]!;
    pts[i * 2] = width - (n - 1 - i) * step;
    pts[i * 2 + 1] = Number.isNaN(v) ? Number.NaN : height - (Math.min(Math.max(v, 0), top) / top) * height;
  }
  return pts;
}

/** The drawing calls of a sparkline, as a 2D context takes them (a canvas's context, or a test's recorder). */
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}

/** Traces `n` points of `pts` (from sparkPoints): a line through known values, broken at unknown ones. */
export function tracePoints(pts: Float32Array, n: number, sink: PathSink): void {
  let pen = false;
  for (let i = 0; i < n; i++) {
    const x = pts[i * 2]!;
    const y = pts[i * 2 + 1]!;
    if (Number.isNaN(y)) {
      pen = false;
      continue;
    }
    if (pen) sink.lineTo(x, y);
    else sink.moveTo(x, y);
    pen = true;
  }
}
