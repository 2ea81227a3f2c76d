/**
 * The last hour of every metric of one host, in memory, downsampled. Every metric of a host is sampled at
 * the same moments (one poll), so the times are stored once per host and each metric (a column) holds
 * only values:
 *
 *   recent   the last `recentCapacity` samples at full resolution;
 *   buckets  the mean of each `bucketMs` window, the last `bucketCapacity` windows (an hour by default).
 *
 * Memory is fixed by construction: each column is two Float32Arrays of those capacities, allocated when the
 * column first appears and never grown; `byteLength` adds them up. Columns of a domain that is gone are
 * dropped by the caller (`retain`). A value that was not known is NaN and is left out of the means.
 * Float32 keeps 7 significant digits: more than a chart of percentages or bytes per second can show.
 */

export interface RingOptions {
  /** Samples kept at full resolution (150 polls: 5 minutes at 2 s). */
  readonly recentCapacity?: number;
  /** Width of a downsampled bucket (30 s). */
  readonly bucketMs?: number;
  /** Buckets kept (120: an hour of 30 s buckets). */
  readonly bucketCapacity?: number;
}

export interface Series {
  /** Times, oldest first: the start of each bucket, then each recent sample. */
  readonly t: number[];
  readonly v: number[];
}

/** A column, as `ref` hands it out: writing through it skips the lookup by key. */
export type ColumnRef = Column;

interface Column {
  readonly recent: Float32Array;
  readonly buckets: Float32Array;
  /** The open bucket's running sum and count of known values. */
  sum: number;
  n: number;
}

export class UsageRing {
  readonly recentCapacity: number;
  readonly bucketMs: number;
  readonly bucketCapacity: number;
  private readonly recentT: Float64Array;
  private readonly bucketT: Float64Array;
  /** Samples appended so far and buckets closed so far (positions are these modulo the capacities). */
  private samples = 0;
  private closed = 0;
  /** Index (time / bucketMs) of the open bucket; NaN before the first sample. */
  private openBucket = Number.NaN;
  private readonly columns = new Map<string, Column>();

  constructor(opts: RingOptions = {}) {
    this.recentCapacity = opts.recentCapacity ?? 150;
    this.bucketMs = opts.bucketMs ?? 30_000;
    this.bucketCapacity = opts.bucketCapacity ?? 120;
    if (!(this.recentCapacity >= 1 && this.bucketCapacity >= 1 && this.bucketMs > 0))
      throw new RangeError('A usage ring needs at least one sample, one bucket and a bucket width');
    this.recentT = new Float64Array(this.recentCapacity);
    this.bucketT = new Float64Array(this.bucketCapacity);
  }

  /** Bytes held by the ring's arrays: times plus (recent + buckets) × 4 per column. */
  get byteLength(): number {
    return (
      this.recentT.byteLength +
      this.bucketT.byteLength +
      this.columns.size * (this.recentCapacity + this.bucketCapacity) * 4
    );
  }

  get size(): number {
    return this.columns.size;
  }

  has(key: string): boolean {
    return this.columns.has(key);
  }

  keys(): IterableIterator<string> {
    return this.columns.keys();
  }

  /** The column of `key`, made if new (a column dropped by `retain` or `delete` must not be written after). */
  ref(key: string): ColumnRef {
    return this.column(key);
  }

  private column(key: string): Column {
    let c = this.columns.get(key);
    if (!c) {
      c = {
        recent: new Float32Array(this.recentCapacity).fill(Number.NaN),
        buckets: new Float32Array(this.bucketCapacity).fill(Number.NaN),
        sum: 0,
        n: 0,
      };
      this.columns.set(key, c);
    }
    return c;
  }

  /**
   * Appends one sample at time `at` (milliseconds, not before the previous one). `values(set)` is called
   * once and reports each known value with set(key or column, value); a column not set this time gets NaN.
   */
  append(at: number, values: (set: (key: string | ColumnRef, value: number) => void) => void): void {
    const bucket = Math.floor(at / this.bucketMs);
    if (bucket !== this.openBucket) {
      if (!Number.isNaN(this.openBucket)) this.closeBucket();
      this.openBucket = bucket;
    }
    const pos = this.samples % this.recentCapacity;
    this.recentT[pos] = at;
    this.samples++;
    for (const c of this.columns.values()) c.recent[pos] = Number.NaN;
    values((key, value) => {
      const c = typeof key === 'string' ? this.column(key) : key;
      c.recent[pos] = value;
      if (!Number.isNaN(value)) {
        c.sum += value;
        c.n++;
      }
    });
  }

  private closeBucket(): void {
    const pos = this.closed % this.bucketCapacity;
    this.bucketT[pos] = this.openBucket * this.bucketMs;
    this.closed++;
    for (const c of this.columns.values()) {
      c.buckets[pos] = c.n > 0 ? c.sum / c.n : Number.NaN;
      c.sum = 0;
      c.n = 0;
    }
  }

  /** Drops one column (a pool that is gone). */
  delete(key: string): void {
    this.columns.delete(key);
  }

  /** Keeps only the columns `keep` says yes to (a domain that is gone loses its history). */
  retain(keep: (key: string) => boolean): void {
    for (const key of [...this.columns.keys()]) if (!keep(key)) this.columns.delete(key);
  }

  /** The newest value of a column, or undefined. */
  latest(key: string): number | undefined {
    const c = this.columns.get(key);
    if (!c || this.samples === 0) return undefined;
    const v = c.recent[(this.samples - 1) % this.recentCapacity]!;
    return Number.isNaN(v) ? undefined : v;
  }

  /**
   * A column's history since `since` (ms), oldest first: closed buckets older than the oldest recent
   * sample, then the recent samples. Unknown values are left out.
   */
  read(key: string, since = Number.NEGATIVE_INFINITY): Series {
    const t: number[] = [];
    const v: number[] = [];
    const c = this.columns.get(key);
    if (!c) return { t, v };
    const recentCount = Math.min(this.samples, this.recentCapacity);
    const oldestRecent =
      recentCount > 0
        ? this.recentT[(this.samples - recentCount) % this.recentCapacity]!
        : Number.POSITIVE_INFINITY;
    const bucketCount = Math.min(this.closed, this.bucketCapacity);
    for (let k = this.closed - bucketCount; k < this.closed; k++) {
      const pos = k % this.bucketCapacity;
      const start = this.bucketT[pos]!;
      const value = c.buckets[pos]!;
      if (start + this.bucketMs > oldestRecent || start < since || Number.isNaN(value)) continue;
      t.push(start);
      v.push(value);
    }
    for (let k = this.samples - recentCount; k < this.samples; k++) {
      const pos = k % this.recentCapacity;
      const at = this.recentT[pos]!;
      const value = c.recent[pos]!;
      if (at < since || Number.isNaN(value)) continue;
      t.push(at);
      v.push(value);
    }
    return { t, v };
  }
}
