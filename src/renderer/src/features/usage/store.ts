/**
 * The window's live usage: what the `usage.sample` events brought, kept bounded, and who to tell.
 *
 *   every host sampled    an hour ring of its CPU and memory (a few kB a host);
 *   every VM sampled      its last sample and a CPU sparkline ring (600 B a VM: 6 MB at 10,000 VMs);
 *   VMs a page shows      an hour ring of all six metrics, seeded from usage.history when the page opens
 *                         and dropped when no page shows it;
 *   every host's pools    an hour ring of each pool's used bytes, from the samples that carry them,
 *                         seeded from usage.history when the host's page opens.
 *
 * Not React state: 10,000 VMs a tick would render too much. Samples are applied as they come, and the views
 * (charts, the list's visible cells) are told once per animation frame and redraw themselves.
 */
import type { UsageHistory, UsageSample, VmUsageNow } from '../../../../shared/domain/usage';
import { HOUR, UsageRing } from './ring';
import { hostValues, poolValues, seededRing, vmValues } from './seed';
import { SparkRing } from './spark';

interface VmEntry {
  now: VmUsageNow;
  readonly spark: SparkRing;
  /** The ingest that saw it last. */
  seen: number;
}

export interface HostNow {
  readonly at: number;
  readonly cpuPercent: number | null;
  readonly memUsedBytes: number | null;
  readonly memTotalBytes: number | null;
  /** Why the last poll failed; null when it worked. */
  readonly error: string | null;
}

/** Runs `flush` once, soon (an animation frame in the page). */
export type Schedule = (flush: () => void) => void;

const frame: Schedule = (flush) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 0);
};

export class UsageStore {
  readonly hostRings = new Map<string, UsageRing>();
  readonly poolRings = new Map<string, UsageRing>();
  readonly vmRings = new Map<string, UsageRing>();
  /** Every VM sampled: its last sample and its sparkline, in one entry (one lookup a VM a tick). */
  private readonly vms = new Map<string, VmEntry>();
  readonly hostNow = new Map<string, HostNow>();
  /** The VMs of each host's last sample (a VM missing from the next one is gone: its data is dropped). */
  private readonly hostVms = new Map<string, VmEntry[]>();
  private seq = 0;
  /** How many pages show each VM's charts. */
  private readonly focused = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private pending = false;
  /** Bumped once per frame that had samples; what views compare to know they are stale. */
  version = 0;
  /** Why watching failed (shown beside the charts); null while it works. */
  watchError: string | null = null;

  constructor(private readonly schedule: Schedule = frame) {}

  /** Applies one host's poll. The views hear of it at the next frame. */
  ingest(sample: UsageSample): void {
    const prev = this.hostNow.get(sample.hostId);
    if (prev !== undefined && sample.at <= prev.at) return;
    this.hostNow.set(sample.hostId, {
      at: sample.at,
      cpuPercent: sample.host?.cpuPercent ?? null,
      memUsedBytes: sample.host?.memUsedBytes ?? null,
      memTotalBytes: sample.host?.memTotalBytes ?? null,
      error: sample.error ?? null,
    });
    if (sample.error === undefined) {
      this.ringOf(this.hostRings, sample.hostId).append(sample.at, hostValues(sample));
      const pools = sample.host?.pools;
      if (pools !== undefined)
        this.ringOf(this.poolRings, sample.hostId).append(sample.at, poolValues(pools));
      this.ingestVms(sample);
    }
    this.changed();
  }

  private ingestVms(sample: UsageSample): void {
    const seq = ++this.seq;
    const focused = this.vmRings.size > 0;
    const entries: VmEntry[] = [];
    for (const vm of sample.vms) {
      let e = this.vms.get(vm.vmId);
      if (e === undefined) this.vms.set(vm.vmId, (e = { now: vm, spark: new SparkRing(), seen: seq }));
      e.now = vm;
      e.seen = seq;
      e.spark.push(vm.cpuPercent);
      entries.push(e);
      if (focused) this.vmRings.get(vm.vmId)?.append(sample.at, vmValues(vm));
    }
    for (const e of this.hostVms.get(sample.hostId) ?? []) {
      if (e.seen !== seq && this.vms.get(e.now.vmId) === e) this.vms.delete(e.now.vmId);
    }
    this.hostVms.set(sample.hostId, entries);
  }

  /** A VM's last sample, or undefined. */
  vmNow(vmId: string): VmUsageNow | undefined {
    return this.vms.get(vmId)?.now;
  }

  /** A VM's CPU sparkline, or undefined. */
  spark(vmId: string): SparkRing | undefined {
    return this.vms.get(vmId)?.spark;
  }

  private ringOf(map: Map<string, UsageRing>, id: string): UsageRing {
    let ring = map.get(id);
    if (ring === undefined) map.set(id, (ring = new UsageRing(HOUR)));
    return ring;
  }

  /** A page shows this VM's charts until the returned function is called. */
  focusVm(vmId: string): () => void {
    this.focused.set(vmId, (this.focused.get(vmId) ?? 0) + 1);
    if (!this.vmRings.has(vmId)) this.vmRings.set(vmId, new UsageRing(HOUR));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.focused.get(vmId) ?? 1) - 1;
      if (n > 0) {
        this.focused.set(vmId, n);
        return;
      }
      this.focused.delete(vmId);
      this.vmRings.delete(vmId);
    };
  }

  /** Puts a VM's history under the samples that came while it was read (only while a page shows it). */
  seedVm(vmId: string, history: UsageHistory): void {
    if (!this.focused.has(vmId)) return;
    this.vmRings.set(vmId, seededRing(this.vmRings.get(vmId), history));
    this.changed();
  }

  /** Puts a host's history (its metrics and its pools) under the samples that came while it was read. */
  seedHost(hostId: string, history: UsageHistory): void {
    this.hostRings.set(hostId, seededRing(this.hostRings.get(hostId), { metrics: history.metrics }));
    const pools = { metrics: {}, pools: history.pools ?? {} };
    this.poolRings.set(hostId, seededRing(this.poolRings.get(hostId), pools));
    this.changed();
  }

  setWatchError(message: string | null): void {
    if (this.watchError === message) return;
    this.watchError = message;
    this.changed();
  }

  /** The views are told at the next frame (once, however many samples came before it). */
  private changed(): void {
    if (this.pending) return;
    this.pending = true;
    this.schedule(() => this.flush());
  }

  /** Tells the views now (the scheduled frame calls this; a bench calls it to time the whole tick). */
  flush(): void {
    this.pending = false;
    this.version++;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Bytes held by the rings and sparklines (the last samples aside). */
  get byteLength(): number {
    let n = 0;
    for (const map of [this.hostRings, this.poolRings, this.vmRings])
      for (const r of map.values()) n += r.byteLength;
    for (const e of this.vms.values()) n += e.spark.values.byteLength;
    return n;
  }
}

/** The window's one store. */
export const usageStore = new UsageStore();
