/**
 * Who wants live usage, as leases: a watch names hosts (or all of them) and an interval, and lapses unless it
 * is renewed in time. What main polls is the union of the live watches, each host at the shortest interval
 * any of them asks for. Pure: the caller brings the clock and the host list.
 */

export interface UsageWatch {
  readonly id: string;
  /** The hosts it names; null: every host. */
  readonly hostIds: readonly string[] | null;
  readonly intervalMs: number;
  /** When the lease lapses (ms, the caller's clock). */
  readonly expiresAt: number;
}

export class UsageWatches {
  private readonly watches = new Map<string, UsageWatch>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.watches.size;
  }

  has(id: string): boolean {
    return this.watches.has(id);
  }

  /** Adds or renews a watch; false when it is new and `max` watches are live already. */
  put(w: UsageWatch): boolean {
    if (!this.watches.has(w.id) && this.watches.size >= this.max) return false;
    this.watches.set(w.id, w);
    return true;
  }

  remove(id: string): boolean {
    return this.watches.delete(id);
  }

  /** Drops the watches whose lease lapsed by `now`; returns when the next one lapses (undefined: none left). */
  sweep(now: number): number | undefined {
    let next: number | undefined;
    for (const [id, w] of this.watches) {
      if (w.expiresAt <= now) this.watches.delete(id);
      else if (next === undefined || w.expiresAt < next) next = w.expiresAt;
    }
    return next;
  }

  /** Each host some live watch names (`all`: the hosts a watch of every host means), at its shortest interval. */
  wanted(all: () => readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    let every: readonly string[] | null = null;
    for (const w of this.watches.values()) {
      for (const id of w.hostIds ?? (every ??= all())) {
        const cur = out.get(id);
        if (cur === undefined || w.intervalMs < cur) out.set(id, w.intervalMs);
      }
    }
    return out;
  }
}
