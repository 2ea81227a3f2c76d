/** Rates between two samples: CPU shares and byte rates over the interval, levels as they are. */
import type {
  DeviceCounters,
  DomainCounters,
  Mutable,
  NodeCounters,
  PoolCounters,
  UsageSample,
} from './counters';

/** One domain's usage over the interval between two samples. A value that cannot be known is absent. */
export interface DomainRates {
  readonly name: string;
  readonly state: number;
  /** CPU time over the interval as a share of the domain's vCPUs (100 = every vCPU busy). */
  readonly cpuPercent?: number;
  /** The same CPU time as a share of all the host's CPUs. */
  readonly hostCpuPercent?: number;
  readonly memoryBytes?: number;
  readonly maxMemoryBytes?: number;
  readonly rssBytes?: number;
  /** What the guest itself uses (available - unused), when its balloon driver says. */
  readonly guestUsedBytes?: number;
  readonly diskReadBps?: number;
  readonly diskWriteBps?: number;
  readonly netRxBps?: number;
  readonly netTxBps?: number;
  /** A counter went backwards: the domain started again within the interval. */
  readonly restarted: boolean;
}

export interface NodeRates {
  readonly cpuPercent?: number;
  readonly cpus?: number;
  readonly memTotalBytes?: number;
  readonly memUsedBytes?: number;
}

export interface UsageRates {
  readonly at: number;
  /** Milliseconds since the previous sample; 0 when there was none (only levels, no rates). */
  readonly intervalMs: number;
  readonly domains: readonly DomainRates[];
  readonly node: NodeRates;
  /** Storage pools as this poll saw them (levels); absent when they were not read this time. */
  readonly pools?: readonly PoolCounters[];
}

/**
 * How much a counter grew. A counter that went backwards was reset (the domain started again, a device
 * was re-plugged): what it counts now all happened within the interval, so that is the growth (as
 * Prometheus' rate() does).
 */
function growth(prev: number | undefined, cur: number | undefined): { d: number; reset: boolean } | null {
  if (cur === undefined || prev === undefined) return null;
  return cur >= prev ? { d: cur - prev, reset: false } : { d: cur, reset: true };
}

const RUNNING = 1;

/**
 * Adds the per-second rates of a set of devices, matched by name, to `out` (keys inKey / outKey); devices
 * in only one sample are left out. Returns whether a counter was reset.
 */
function addDeviceRates(
  prev: readonly DeviceCounters[],
  cur: readonly DeviceCounters[],
  seconds: number,
  out: Mutable<DomainRates>,
  inKey: 'diskReadBps' | 'netRxBps',
  outKey: 'diskWriteBps' | 'netTxBps',
): boolean {
  let reset = false;
  for (let i = 0; i < cur.length; i++) {
    const c = cur[i]!;
    // Devices keep their order between polls: look at the same place first.
    const p = prev[i]?.name === c.name ? prev[i] : prev.find((x) => x.name === c.name);
    if (!p) continue;
    const gi = growth(p.inBytes, c.inBytes);
    const go = growth(p.outBytes, c.outBytes);
    if (gi) {
      out[inKey] = (out[inKey] ?? 0) + gi.d / seconds;
      reset ||= gi.reset;
    }
    if (go) {
      out[outKey] = (out[outKey] ?? 0) + go.d / seconds;
      reset ||= go.reset;
    }
  }
  return reset;
}

function domainRates(
  prev: DomainCounters | undefined,
  cur: DomainCounters,
  seconds: number,
  hostCpus: number | undefined,
): DomainRates {
  const out: Mutable<DomainRates> = { name: cur.name, state: cur.state, restarted: false };
  if (cur.memoryKiB !== undefined) out.memoryBytes = cur.memoryKiB * 1024;
  if (cur.maxMemoryKiB !== undefined) out.maxMemoryBytes = cur.maxMemoryKiB * 1024;
  if (cur.rssKiB !== undefined) out.rssBytes = cur.rssKiB * 1024;
  if (cur.guestAvailableKiB !== undefined && cur.guestUnusedKiB !== undefined)
    out.guestUsedBytes = Math.max(0, cur.guestAvailableKiB - cur.guestUnusedKiB) * 1024;
  // A domain not running now has no usage: its counters are gone or frozen.
  if (!prev || seconds <= 0 || cur.state !== RUNNING) return out;
  const cpu = growth(prev.cpuTimeNs, cur.cpuTimeNs);
  if (cpu) {
    const share = cpu.d / (seconds * 1e9);
    if (cur.vcpus) out.cpuPercent = (share / cur.vcpus) * 100;
    if (hostCpus) out.hostCpuPercent = (share / hostCpus) * 100;
  }
  const diskReset = addDeviceRates(prev.disks, cur.disks, seconds, out, 'diskReadBps', 'diskWriteBps');
  const netReset = addDeviceRates(prev.nics, cur.nics, seconds, out, 'netRxBps', 'netTxBps');
  out.restarted = (cpu?.reset ?? false) || diskReset || netReset;
  return out;
}

function nodeRates(prev: NodeCounters | undefined, cur: NodeCounters): NodeRates {
  const o: { cpuPercent?: number; cpus?: number; memTotalBytes?: number; memUsedBytes?: number } = {};
  if (cur.cpus !== undefined) o.cpus = cur.cpus;
  if (cur.memTotalKiB !== undefined) o.memTotalBytes = cur.memTotalKiB * 1024;
  if (cur.memUsedKiB !== undefined) o.memUsedBytes = cur.memUsedKiB * 1024;
  const busy = growth(prev?.cpuBusyNs, cur.cpuBusyNs);
  const total = growth(prev?.cpuTotalNs, cur.cpuTotalNs);
  // The host rebooted (its counters went back) or they did not move (the test driver's fixed numbers).
  if (busy && total && !busy.reset && !total.reset && total.d > 0)
    o.cpuPercent = Math.min(100, (busy.d / total.d) * 100);
  return o;
}

/**
 * The usage between two samples of one host (prev undefined: the first poll, levels only). Domains are
 * matched by name: one only in `prev` is gone and left out; one only in `cur` is new and has no rates yet.
 */
export function usageRates(prev: UsageSample | undefined, cur: UsageSample): UsageRates {
  const intervalMs = prev ? cur.at - prev.at : 0;
  const seconds = intervalMs / 1000;
  const old = prev && seconds > 0 ? prev.domains : [];
  // virsh lists domains in the same order from poll to poll: look at the same place first, and index the
  // previous ones by name only when a domain came or went.
  let byName: Map<string, DomainCounters> | null = null;
  const previous = (d: DomainCounters, i: number): DomainCounters | undefined => {
    if (old[i]?.name === d.name) return old[i];
    byName ??= new Map(old.map((o) => [o.name, o]));
    return byName.get(d.name);
  };
  const domains: DomainRates[] = new Array<DomainRates>(cur.domains.length);
  for (let i = 0; i < cur.domains.length; i++) {
    const d = cur.domains[i]!;
    domains[i] = domainRates(previous(d, i), d, seconds, cur.node.cpus);
  }
  return {
    at: cur.at,
    intervalMs: Math.max(0, intervalMs),
    domains,
    node: nodeRates(seconds > 0 ? prev?.node : undefined, cur.node),
    ...(cur.pools ? { pools: cur.pools } : {}),
  };
}
