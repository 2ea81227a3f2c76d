/**
 * Live usage, read from one batch of virsh commands per poll and turned into rates. Pure: text in, plain
 * records out; no clock and no I/O (the poller brings both).
 *
 *   domstats --state --cpu-total --balloon --vcpu --interface --block --nowait   every domain's counters
 *   nodecpustats                                                              the host's CPU time counters
 *   nodememstats                                        the host's memory (absent from the test driver)
 *   nodeinfo                                          the host's CPU count and memory size (every driver)
 *   pool-list --details                  each active storage pool's capacity and allocation (as libvirt knows it)
 *
 * Counters are nanoseconds and bytes since the domain (or the host) started. Numbers are JS numbers:
 * exact to 2^53 (104 days of CPU time in ns); beyond that a counter is still within 1 part in 10^15,
 * far below what a rate over seconds can show.
 */

/** The virsh commands a usage poll may run (all in one batch). */
export const USAGE_COMMANDS = {
  domstats: [
    'domstats',
    '--state',
    '--cpu-total',
    '--balloon',
    '--vcpu',
    '--interface',
    '--block',
    // A domain busy with a job (a migration, a snapshot) reports what it can at once instead of blocking.
    '--nowait',
  ],
  nodecpustats: ['nodecpustats'],
  nodememstats: ['nodememstats'],
  nodeinfo: ['nodeinfo'],
  pools: ['pool-list', '--details'],
} as const satisfies Record<string, readonly string[]>;

export type UsageCommand = keyof typeof USAGE_COMMANDS;

/** One network interface's or one disk's byte counters. */
export interface DeviceCounters {
  readonly name: string;
  /** Received (interfaces) or read (disks), in bytes. */
  readonly inBytes?: number;
  /** Sent (interfaces) or written (disks), in bytes. */
  readonly outBytes?: number;
}

/** One domain's counters as `virsh domstats` reports them; a field libvirt did not report is absent. */
export interface DomainCounters {
  readonly name: string;
  /** libvirt's state number (1 running, 3 paused, 5 shut off…); -1 when not reported. */
  readonly state: number;
  /** CPU time used by the whole domain (vCPUs and QEMU's own threads), ns. */
  readonly cpuTimeNs?: number;
  readonly vcpus?: number;
  /** What the guest has now and may grow to (balloon.current / maximum), KiB. */
  readonly memoryKiB?: number;
  readonly maxMemoryKiB?: number;
  /** Resident size of the QEMU process on the host, KiB. */
  readonly rssKiB?: number;
  /** The guest's own view, when its balloon driver reports it, KiB. */
  readonly guestAvailableKiB?: number;
  readonly guestUnusedKiB?: number;
  readonly nics: readonly DeviceCounters[];
  readonly disks: readonly DeviceCounters[];
}

export interface NodeCounters {
  /** user + system CPU time over all host CPUs, ns. */
  readonly cpuBusyNs?: number;
  /** user + system + idle + iowait, ns. */
  readonly cpuTotalNs?: number;
  readonly cpus?: number;
  readonly memTotalKiB?: number;
  /** total - free - buffers - cached, when nodememstats answers. */
  readonly memUsedKiB?: number;
}

/** One active storage pool's space, bytes (virsh prints it to 3 significant figures or better). */
export interface PoolCounters {
  readonly name: string;
  readonly capacityBytes: number;
  readonly allocationBytes: number;
}

/** One poll of one host. `at` is a monotonic millisecond time chosen by the poller. */
export interface UsageSample {
  readonly at: number;
  readonly domains: readonly DomainCounters[];
  readonly node: NodeCounters;
  /** The host's active pools; absent when pool-list was not asked or failed. */
  readonly pools?: readonly PoolCounters[];
  /** Commands that failed (a node stat the driver does not have…): reported, not fatal. */
  readonly warnings: readonly string[];
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
