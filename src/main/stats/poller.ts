/**
 * Polls the live usage of hosts while someone looks at it. Per host:
 *   - one batched virsh call per interval through the host's driver, parsed, turned into rates against the
 *     previous poll and stored in the host's ring (the last hour). The batch is domstats and nodecpustats,
 *     plus nodememstats where the host has it, and pool-list every POOL_POLLS polls; nodeinfo (CPU count,
 *     memory size) and a command that failed are asked again only every REFRESH_POLLS polls;
 *   - only while it has subscribers: the first subscribe starts polling at once, the last unsubscribe
 *     stops it (a poll already under way finishes and is kept); each subscriber names an interval and
 *     the shortest one wins;
 *   - never two polls of one host at once: the next one is scheduled when the previous one has settled;
 *   - each host runs on its own timer, so a slow or dead host delays nobody else;
 *   - a failed poll is recorded (`error`) and reported to the subscribers, never thrown.
 */
import type { HostDriver } from '../hosts/driver';
import {
  parseUsageBatch,
  USAGE_COMMANDS,
  usageRates,
  type CommandResult,
  type UsageCommand,
  type DomainRates,
  type UsageRates,
  type UsageSample,
} from './domstats';
import { UsageRing, type ColumnRef, type RingOptions, type Series } from './ring';

/** What subscribers get after each poll of a host. */
export interface HostUsage {
  readonly hostId: string;
  /** When the poll ended (ms since the epoch). */
  readonly at: number;
  /** How long the poll took, ms. */
  readonly pollMs: number;
  /** The usage from the last poll that worked (absent until one has). */
  readonly rates?: UsageRates;
  /** Why this poll failed; absent when it worked. */
  readonly error?: string;
  /** Commands of the batch that failed while the poll as a whole worked. */
  readonly warnings: readonly string[];
}

export type UsageListener = (u: HostUsage) => void;

/** The metrics kept in the ring of each host. */
export const HOST_METRICS = ['cpu', 'memUsed'] as const;
export const DOMAIN_METRICS = ['cpu', 'memory', 'diskRead', 'diskWrite', 'netRx', 'netTx'] as const;
export type HostMetric = (typeof HOST_METRICS)[number];
export type DomainMetric = (typeof DOMAIN_METRICS)[number];

/** Ring keys: the domain's (or pool's) name last, so that any name is fine. */
export const hostKey = (m: HostMetric) => `host/${m}`;
export const domainKey = (m: DomainMetric, domain: string) => `vm/${m}/${domain}`;
/** A storage pool's allocation (used bytes). */
export const poolKey = (pool: string) => `pool/${pool}`;
const HOST_KEYS = { cpu: hostKey('cpu'), memUsed: hostKey('memUsed') };

export const DOMAIN_VALUE: Record<DomainMetric, (d: DomainRates) => number | undefined> = {
  cpu: (d) => d.cpuPercent,
  // What the guest uses when it says so, otherwise what its QEMU process holds on the host.
  memory: (d) => d.guestUsedBytes ?? d.rssBytes ?? d.memoryBytes,
  diskRead: (d) => d.diskReadBps,
  diskWrite: (d) => d.diskWriteBps,
  netRx: (d) => d.netRxBps,
  netTx: (d) => d.netTxBps,
};

/** Each metric's value, in DOMAIN_METRICS order (one call site per poll and domain). */
const DOMAIN_GETTERS = DOMAIN_METRICS.map((m) => DOMAIN_VALUE[m]);

/** Every this many polls of a host, nodeinfo and the commands that failed are asked again. */
export const REFRESH_POLLS = 60;
/**
 * Every this many polls, the pools: libvirt's allocation of a pool moves only when a volume is made, grown
 * or deleted (or the pool refreshed), and pool-list --details costs the host a few calls per pool.
 */
export const POOL_POLLS = 5;

/** running, blocked, paused, pmsuspended: a QEMU process that holds memory. */
export const LIVE_STATES = new Set([1, 2, 3, 7]);

export interface UsagePollerOptions {
  /** The host's driver (DriverPool.get); throwing counts as a failed poll. */
  readonly driverOf: (hostId: string) => Pick<HostDriver, 'virshBatch'>;
  /** The interval of a subscriber that names none (default 5 s). */
  readonly intervalMs?: number;
  /** Longest a poll may take before subscribers hear it failed (default: 3 intervals, at least 15 s). */
  readonly timeoutMs?: number;
  readonly ring?: RingOptions;
  readonly now?: () => number;
}

interface HostState {
  readonly id: string;
  /** Each subscriber and the interval it asked for. */
  readonly listeners: Map<UsageListener, number>;
  readonly ring: UsageRing;
  timer: ReturnType<typeof setTimeout> | null;
  /** When the timer fires (ms, this.now()), to bring it forward for a faster subscriber. */
  dueAt: number;
  /** When the last poll started. */
  startedAt: number;
  inFlight: Promise<HostUsage> | null;
  prev: UsageSample | undefined;
  last: HostUsage | undefined;
  /** Polling stopped since the previous poll started: rates over the pause would hide it. */
  paused: boolean;
  polls: number;
  /** Commands that failed the last time they were asked (the test driver has no nodememstats). */
  readonly failing: Set<UsageCommand>;
  /** Ring keys of each domain with history (DOMAIN_METRICS order), made once per domain, and its columns. */
  readonly keys: Map<string, DomainColumns>;
  /** Ring keys of the pools last seen. */
  poolKeys: ReadonlySet<string>;
  /** Counts polls stored, to tell which domains a poll saw. */
  stamp: number;
}

interface DomainColumns {
  readonly keys: readonly string[];
  /** Each metric's column once it had a value (a metric the host never reports gets none). */
  readonly cols: (ColumnRef | undefined)[];
  seen: number;
}

export class UsagePoller {
  private readonly hosts = new Map<string, HostState>();
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private closed = false;
  private started = 0;

  constructor(private readonly opts: UsagePollerOptions) {
    this.intervalMs = opts.intervalMs ?? 5000;
    this.timeoutMs = opts.timeoutMs ?? Math.max(15_000, 3 * this.intervalMs);
    this.now = opts.now ?? Date.now;
  }

  private state(hostId: string): HostState {
    let s = this.hosts.get(hostId);
    if (!s) {
      s = {
        id: hostId,
        listeners: new Map(),
        ring: new UsageRing(this.opts.ring),
        timer: null,
        dueAt: 0,
        startedAt: Number.NEGATIVE_INFINITY,
        inFlight: null,
        prev: undefined,
        last: undefined,
        paused: false,
        keys: new Map(),
        poolKeys: new Set(),
        stamp: 0,
        polls: 0,
        failing: new Set(),
      };
      this.hosts.set(hostId, s);
    }
    return s;
  }

  /**
   * Starts polling the host (if nobody was) and calls `listener` after every poll, and at once with the
   * last result if there is one. The host is polled every `intervalMs` or sooner if another subscriber
   * asks. Returns the unsubscribe function (calling it twice does nothing).
   */
  subscribe(hostId: string, listener: UsageListener, intervalMs = this.intervalMs): () => void {
    if (this.closed) throw new Error('The usage poller is closed');
    const s = this.state(hostId);
    const wrapped: UsageListener = (u) => listener(u);
    s.listeners.set(wrapped, intervalMs);
    if (s.last) deliver(wrapped, s.last);
    if (s.listeners.size === 1) this.schedule(s, 0);
    else if (s.timer && s.startedAt + intervalMs < s.dueAt) {
      // A faster subscriber: the next poll comes at its interval after the last one started.
      clearTimeout(s.timer);
      s.timer = null;
      this.schedule(s, Math.max(0, s.startedAt + intervalMs - this.now()));
    }
    return () => {
      if (!s.listeners.delete(wrapped) || s.listeners.size > 0) return;
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      s.paused = true;
    };
  }

  /** The host's interval now: the shortest its subscribers asked for. */
  interval(hostId: string): number | undefined {
    const s = this.hosts.get(hostId);
    return s && s.listeners.size > 0 ? Math.min(...s.listeners.values()) : undefined;
  }

  /** Polls started so far, over every host. */
  get polls(): number {
    return this.started;
  }

  /** Hosts being polled now (with at least one subscriber). */
  get active(): string[] {
    return [...this.hosts.values()].filter((s) => s.listeners.size > 0).map((s) => s.id);
  }

  /** The result of the host's last poll. */
  latest(hostId: string): HostUsage | undefined {
    return this.hosts.get(hostId)?.last;
  }

  /** A metric's history on one host since `since` (ms since the epoch; default the last hour). */
  history(hostId: string, key: string, since = this.now() - 3_600_000): Series {
    return this.hosts.get(hostId)?.ring.read(key, since) ?? { t: [], v: [] };
  }

  /** The ring keys a host has history for (pools: poolKey). */
  keys(hostId: string): string[] {
    const s = this.hosts.get(hostId);
    return s ? [...s.ring.keys()] : [];
  }

  /** Bytes the rings of every host hold. */
  get byteLength(): number {
    let n = 0;
    for (const s of this.hosts.values()) n += s.ring.byteLength;
    return n;
  }

  /**
   * Polls the host now, or joins the poll under way: never two at once. Resolves with the result (a
   * failure is a result with `error`); never rejects.
   */
  pollOnce(hostId: string): Promise<HostUsage> {
    const s = this.state(hostId);
    s.inFlight ??= this.poll(s).finally(() => {
      s.inFlight = null;
      // The next poll of a watched host comes an interval after this one started, however it began.
      const interval = this.interval(s.id);
      if (interval !== undefined) this.schedule(s, Math.max(0, interval - (this.now() - s.startedAt)));
    });
    return s.inFlight;
  }

  /** Forgets a host (removed from the inventory): its subscribers, timer and history. */
  forget(hostId: string): void {
    const s = this.hosts.get(hostId);
    if (!s) return;
    if (s.timer) clearTimeout(s.timer);
    s.listeners.clear();
    this.hosts.delete(hostId);
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.hosts.keys()]) this.forget(id);
  }

  private schedule(s: HostState, delayMs: number): void {
    if (this.closed || s.listeners.size === 0 || s.timer || s.inFlight) return;
    if (this.hosts.get(s.id) !== s) return;
    s.dueAt = this.now() + delayMs;
    s.timer = setTimeout(() => {
      s.timer = null;
      void this.pollOnce(s.id);
    }, delayMs);
  }

  private async poll(s: HostState): Promise<HostUsage> {
    const started = this.now();
    s.startedAt = started;
    this.started++;
    // A pause that began before this poll started; one that begins while it runs counts for the next.
    const afterPause = s.paused;
    s.paused = false;
    let usage: HostUsage;
    // Subscribers hear of a poll that takes too long at the deadline; the next poll still waits for it.
    let lateReported = false;
    const late = setTimeout(() => {
      lateReported = true;
      const why = `the usage poll did not finish within ${Math.round(this.timeoutMs / 1000)} s`;
      this.publish(s, this.failure(s, started, why));
    }, this.timeoutMs);
    try {
      const n = s.polls++;
      const refresh = n % REFRESH_POLLS === 0 || !s.prev;
      const asked = (Object.keys(USAGE_COMMANDS) as UsageCommand[]).filter(
        (c) =>
          c === 'domstats' ||
          refresh ||
          (c !== 'nodeinfo' && !s.failing.has(c) && (c !== 'pools' || n % POOL_POLLS === 0)),
      );
      const results = await this.opts.driverOf(s.id).virshBatch(
        asked.map((c) => USAGE_COMMANDS[c]),
        { timeoutMs: this.timeoutMs },
      );
      const ended = this.now();
      const byCommand: Partial<Record<UsageCommand, CommandResult>> = {};
      asked.forEach((c, i) => {
        const r = results[i] ?? { ok: false, error: 'no result' };
        byCommand[c] = r;
        if (r.ok) s.failing.delete(c);
        else s.failing.add(c);
      });
      // The moment the counters were read, as near as we know it; never before the previous sample.
      const at = Math.max((started + ended) / 2, s.prev ? s.prev.at : Number.NEGATIVE_INFINITY);
      const sample = parseUsageBatch(byCommand, at, s.prev?.node);
      const rates = usageRates(afterPause ? undefined : s.prev, sample);
      s.prev = sample;
      this.store(s, rates);
      usage = { hostId: s.id, at: ended, pollMs: ended - started, rates, warnings: sample.warnings };
    } catch (err) {
      // The previous sample stays the base of the next rates: so does the pause before it.
      s.paused ||= afterPause;
      usage = this.failure(s, started, err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(late);
    }
    // A poll already reported late still delivers what it found when it ends.
    if (!lateReported || !usage.error) this.publish(s, usage);
    return usage;
  }

  private failure(s: HostState, started: number, error: string): HostUsage {
    const ended = this.now();
    const keep = s.last?.rates;
    return {
      hostId: s.id,
      at: ended,
      pollMs: ended - started,
      ...(keep ? { rates: keep } : {}),
      error,
      warnings: [],
    };
  }

  private publish(s: HostState, usage: HostUsage): void {
    if (this.hosts.get(s.id) !== s) return;
    s.last = usage;
    for (const l of [...s.listeners.keys()]) deliver(l, usage);
  }

  private store(s: HostState, rates: UsageRates): void {
    const { keys, ring } = s;
    const stamp = ++s.stamp;
    s.ring.append(rates.at, (set) => {
      if (rates.node.cpuPercent !== undefined) set(HOST_KEYS.cpu, rates.node.cpuPercent);
      if (rates.node.memUsedBytes !== undefined) set(HOST_KEYS.memUsed, rates.node.memUsedBytes);
      for (const p of rates.pools ?? []) set(poolKey(p.name), p.allocationBytes);
      for (const d of rates.domains) {
        let k = keys.get(d.name);
        if (k) k.seen = stamp;
        // A domain shut off uses nothing (its balloon still reports what it would get).
        if (!LIVE_STATES.has(d.state)) continue;
        if (!k) {
          const names = DOMAIN_METRICS.map((m) => domainKey(m, d.name));
          k = { keys: names, cols: names.map(() => undefined), seen: stamp };
          keys.set(d.name, k);
        }
        for (let i = 0; i < DOMAIN_GETTERS.length; i++) {
          const v = DOMAIN_GETTERS[i]!(d);
          if (v !== undefined) set((k.cols[i] ??= ring.ref(k.keys[i]!)), v);
        }
      }
    });
    // A pool that is gone (or stopped) loses its history, once the pools were read.
    if (rates.pools) {
      const now = new Set(rates.pools.map((p) => poolKey(p.name)));
      for (const key of s.poolKeys) if (!now.has(key)) s.ring.delete(key);
      s.poolKeys = now;
    }
    // A domain that is gone (undefined, renamed) loses its history; one shut off keeps it.
    let gone = false;
    for (const [name, k] of keys) {
      if (k.seen === stamp) continue;
      keys.delete(name);
      gone = true;
    }
    if (!gone) return;
    const kept = new Set<string>();
    for (const k of keys.values()) for (const key of k.keys) kept.add(key);
    s.ring.retain((key) => !key.startsWith('vm/') || kept.has(key));
  }
}

/** A listener that throws does not stop the others, nor the polling. */
function deliver(listener: UsageListener, usage: HostUsage): void {
  try {
    listener(usage);
  } catch (err) {
    console.error('A usage listener failed:', err);
  }
}
