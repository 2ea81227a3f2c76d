/**
 * At most `max` jobs at a time, the rest waiting in order of arrival. Used to bound how many hosts are synced
 * (and so connected to and read) at once: at fifty hosts, unbounded syncs would open fifty SSH handshakes and
 * hold fifty hosts' XML in memory together, and a job's slot is freed whatever way it ends.
 */
export class Limiter {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`Limiter max must be a positive integer`);
  }

  /** Jobs running now. */
  get active(): number {
    return this.running;
  }

  /** Jobs waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `job` once a slot is free; the slot is released when its promise settles. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiter (running stays the same), or is freed.
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}
