/**
 * The renderer's copy of the last hour of one host's or one VM's metrics, for the charts of a page that is
 * open: bounded by construction, whatever the page stays open for.
 *
 *   recent   the last `recent` samples at full resolution (150: five minutes at 2 s);
 *   buckets  past those, the mean of each `bucketMs` window (30 s), the last `buckets` of them (120: an hour).
 *
 * A sample that leaves the recent window is folded into its bucket, so every moment is kept once: at full
 * resolution for the last five minutes, as a 30 s mean before that. The times are stored once per ring and
 * each metric (a column) holds only values, a Float32Array per part allocated when the column first appears
 * and never grown. An unknown value is NaN, left out of the means and drawn as a gap.
 */

export interface RingShape {
  readonly recent: number;
  readonly bucketMs: number;
  readonly buckets: number;
}

/** Five minutes at 2 s, then an hour of 30 s means: what main keeps and usage.history returns. */
export const HOUR: RingShape = { recent: 150, bucketMs: 30_000, buckets: 120 };

interface Column {
  readonly recent: Float32Array;
  readonly buckets: Float32Array;
  /** The open bucket's running sum and count of known values. */
  sum: number;
  n: number;
}

/** A moment and the known values of its metrics. */
export interface RingPoint {
  readonly t: number;
  readonly values: Readonly<Record<string, number>>;
}

export class UsageRing {
  readonly shape: RingShape;
  private readonly recentT: Float64Array;
  private readonly bucketT: Float64Array;
  /** Samples appended so far and buckets closed so far (positions are these modulo the capacities). */
  private samples = 0;
  private closed = 0;
  /** Index (time / bucketMs) of the bucket that samples leaving the recent window go to; NaN: none yet. */
  private openBucket = Number.NaN;
  private readonly columns = new Map<string, Column>();

  constructor(shape: RingShape = HOUR) {
    if (!(shape.recent >= 1 && shape.buckets >= 1 && shape.bucketMs > 0))
      throw new RangeError('A usage ring needs at least one sample, one bucket and a bucket width');
    this.shape = shape;
    this.recentT = new Float64Array(shape.recent);
    this.bucketT = new Float64Array(shape.buckets);
  }

  /** Bytes held by the ring's arrays. */
  get byteLength(): number {
    const perColumn = (this.shape.recent + this.shape.buckets) * 4;
    return this.recentT.byteLength + this.bucketT.byteLength + this.columns.size * perColumn;
  }

  get metrics(): string[] {
    return [...this.columns.keys()];
  }

  /** The time of the newest sample, or -Infinity when empty. */
  get lastTime(): number {
    return this.samples === 0 ? -Infinity : this.recentT[(this.samples - 1) % this.shape.recent]!;
  }

  private column(name: string): Column {
    let c = this.columns.get(name);
    if (!c) {
      c = {
        recent: new Float32Array(this.shape.recent).fill(Number.NaN),
        buckets: new Float32Array(this.shape.buckets).fill(Number.NaN),
        sum: 0,
        n: 0,
      };
      this.columns.set(name, c);
    }
    return c;
  }

  /**
   * Appends one sample at time `t` (ms). A sample not after the newest one is ignored (a late or repeated
   * event). A null or missing value is unknown (NaN).
   */
  append(t: number, values: Readonly<Record<string, number | null | undefined>>): void {
    if (!(t > this.lastTime)) return;
    const pos = this.samples % this.shape.recent;
    if (this.samples >= this.shape.recent) this.evict(pos);
    this.recentT[pos] = t;
    this.samples++;
    for (const c of this.columns.values()) c.recent[pos] = Number.NaN;
    for (const name in values) {
      const v = values[name];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      this.column(name).recent[pos] = v;
    }
  }

  /** Folds the sample at `pos` (the oldest recent one) into its bucket. */
  private evict(pos: number): void {
    const bucket = Math.floor(this.recentT[pos]! / this.shape.bucketMs);
    if (bucket !== this.openBucket) {
      if (!Number.isNaN(this.openBucket)) this.closeBucket();
      this.openBucket = bucket;
    }
    for (const c of this.columns.values()) {
      const v = c.recent[pos]!;
      if (Number.isNaN(v)) continue;
      c.sum += v;
      c.n++;
    }
  }

  private closeBucket(): void {
    const pos = this.closed % this.shape.buckets;
    this.bucketT[pos] = this.openBucket * this.shape.bucketMs;
    this.closed++;
    for (const c of this.columns.values()) {
      c.buckets[pos] = c.n > 0 ? c.sum / c.n : Number.NaN;
      c.sum = 0;
      c.n = 0;
    }
  }

  /** Drops the columns `keep` says no to. */
  retain(keep: (name: string) => boolean): void {
    for (const name of [...this.columns.keys()]) if (!keep(name)) this.columns.delete(name);
  }

  /** The newest known value of a metric, or null. */
  latest(name: string): number | null {
    const c = this.columns.get(name);
    if (!c || this.samples === 0) return null;
    const v = c.recent[(this.samples - 1) % this.shape.recent]!;
    return Number.isNaN(v) ? null : v;
  }

  /** The newest known value of a metric among the recent samples (a poll that had none is skipped), or null. */
  lastKnown(name: string): number | null {
    const c = this.columns.get(name);
    if (!c) return null;
    const n = Math.min(this.samples, this.shape.recent);
    for (let k = this.samples - 1; k >= this.samples - n; k--) {
      const v = c.recent[k % this.shape.recent]!;
      if (!Number.isNaN(v)) return v;
    }
    return null;
  }

  /**
   * Visits every moment kept, oldest first: the closed buckets, the open one, then the recent samples.
   * `at(name)` reads a metric's value at that moment (NaN: unknown).
   */
  private visit(fn: (t: number, at: (c: Column) => number) => void): void {
    const { recent, buckets, bucketMs } = this.shape;
    const nb = Math.min(this.closed, buckets);
    for (let k = this.closed - nb; k < this.closed; k++) {
      const pos = k % buckets;
      fn(this.bucketT[pos]!, (c) => c.buckets[pos]!);
    }
    if (!Number.isNaN(this.openBucket)) {
      fn(this.openBucket * bucketMs, (c) => (c.n > 0 ? c.sum / c.n : Number.NaN));
    }
    const nr = Math.min(this.samples, recent);
    for (let k = this.samples - nr; k < this.samples; k++) {
      const pos = k % recent;
      fn(this.recentT[pos]!, (c) => c.recent[pos]!);
    }
  }

  /**
   * The series of `names` in uPlot's aligned form: times in seconds, then one array per metric with null
   * where the value was unknown (a gap in the line).
   */
  aligned(names: readonly string[]): [number[], ...(number | null)[][]] {
    const t: number[] = [];
    const cols = names.map((n) => this.columns.get(n));
    const vs = names.map(() => [] as (number | null)[]);
    this.visit((at, read) => {
      t.push(at / 1000);
      cols.forEach((c, i) => {
        const v = c === undefined ? Number.NaN : read(c);
        vs[i]!.push(Number.isNaN(v) ? null : v);
      });
    });
    return [t, ...vs];
  }

  /** Every moment kept with its known values, oldest first (for rebuilding a ring around a history). */
  points(): RingPoint[] {
    const out: RingPoint[] = [];
    const cols = [...this.columns];
    this.visit((t, read) => {
      const values: Record<string, number> = {};
      for (const [name, c] of cols) {
        const v = read(c);
        if (!Number.isNaN(v)) values[name] = v;
      }
      out.push({ t, values });
    });
    return out;
  }
}
