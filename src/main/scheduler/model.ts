import type { HostSnapshot, PoolSnapshot, Reservation } from '../../shared/domain/placement';
import { cpuTail, memoryTail } from './messages';

/** How much each score counts in the total. */
export interface ScoreWeights {
  readonly strategy: number;
  readonly poolAffinity: number;
  readonly imagePresent: number;
  readonly accelerator: number;
}

export interface PlacementOptions {
  /** The part of a thin disk's size a pool must have free (0-1). Default 0.1. */
  readonly thinFraction?: number;
  /** Where disks without a required pool go when it has room. Default "default" (libvirt's own). */
  readonly defaultPool?: string;
  readonly weights?: Partial<ScoreWeights>;
  /** Capacity held by placements still in flight. */
  readonly reservations?: readonly Reservation[];
}

export interface ResolvedOptions {
  readonly thinFraction: number;
  readonly defaultPool: string;
  readonly weights: ScoreWeights;
  readonly reservations: readonly Reservation[];
}

export const DEFAULT_THIN_FRACTION = 0.1;
export const DEFAULT_WEIGHTS: ScoreWeights = {
  strategy: 1,
  poolAffinity: 1,
  imagePresent: 1,
  accelerator: 1,
};

export function resolveOptions(options: PlacementOptions = {}): ResolvedOptions {
  const thinFraction = options.thinFraction ?? DEFAULT_THIN_FRACTION;
  if (!(thinFraction >= 0 && thinFraction <= 1)) {
    throw new RangeError(`thinFraction must be between 0 and 1, not ${thinFraction}`);
  }
  return {
    thinFraction,
    defaultPool: options.defaultPool ?? 'default',
    weights: { ...DEFAULT_WEIGHTS, ...options.weights },
    reservations: options.reservations ?? [],
  };
}

/**
 * One host, indexed once: what its VMs allocate, and its pools, networks, images and groups by name.
 * Built by prepare(); every placement over the same snapshot reuses it.
 */
export interface HostView {
  readonly host: HostSnapshot;
  // The host's own fields the predicates read, copied into this one fixed shape.
  readonly id: string;
  readonly name: string;
  readonly connected: boolean;
  readonly stale: boolean;
  readonly maintenance: boolean;
  readonly cpus: number | null;
  readonly memoryBytes: number | null;
  readonly uefiAvailable: boolean | null;
  readonly tpmAvailable: boolean | null;
  readonly kvmUsable: boolean | null;
  readonly acceleratorPolicy: 'auto' | 'kvm' | 'tcg';
  readonly labels: Readonly<Record<string, string>>;
  readonly poolList: readonly PoolSnapshot[];
  /** (CPUs - reserve) x overcommit; null when the CPU count is unknown. */
  readonly cpuCapacity: number | null;
  /** (memory - reserve) x overcommit; null when the memory size is unknown. */
  readonly memoryCapacity: number | null;
  /** What the VMs holding capacity allocate: running ones, stopped ones too if the host reserves for them. */
  readonly cpuAllocated: number;
  readonly memoryAllocated: number;
  /** VMs that hold capacity but whose vCPUs or memory are unknown. */
  readonly unknownAllocations: number;
  /** Capacity minus allocations, before reservations; null when unknown. */
  readonly free: { readonly vcpus: number | null; readonly memoryBytes: number | null };
  /** The host's half of the CPU and memory reasons ("2 of 12 free)") before reservations; "" if unknown. */
  readonly text: { readonly cpu: string; readonly memory: string };
  readonly vmCount: number;
  readonly pools: ReadonlyMap<string, PoolSnapshot>;
  readonly networks: ReadonlyMap<string, boolean>;
  readonly imageNames: ReadonlySet<string>;
  readonly imagePaths: ReadonlySet<string>;
  /** Group name -> members on this host. */
  readonly groups: ReadonlyMap<string, number>;
}

const PREPARED: unique symbol = Symbol('PreparedSnapshot');

/** A snapshot indexed for placement. Immutable: build a new one when the inventory changes. */
export interface PreparedSnapshot {
  readonly [PREPARED]: true;
  /** By host name, then id: the tie-break order, whatever the order of the snapshot. */
  readonly hosts: readonly HostView[];
  readonly byId: ReadonlyMap<string, HostView>;
  /** The fewest and the most VMs on any host (0 and 0 for no hosts): spread's range before reservations. */
  readonly vmCounts: { readonly min: number; readonly max: number };
  /** The placement loop's working memory, by host index (see RoundScratch). */
  readonly scratch: RoundScratch;
}

/**
 * What one placement round knows of each host, by index in PreparedSnapshot.hosts: whether it can take the
 * VM, and its total score (-Infinity when it cannot). Overwritten by every call of explain(), which is
 * synchronous and keeps nothing of it once it returns (the table is judged again when it is read), so one
 * pair of arrays per snapshot serves every placement without allocating.
 */
export interface RoundScratch {
  readonly feasible: Uint8Array;
  readonly totals: Float64Array;
}

export type SnapshotInput = readonly HostSnapshot[] | PreparedSnapshot;

export function isPrepared(snapshot: SnapshotInput): snapshot is PreparedSnapshot {
  return (snapshot as Partial<PreparedSnapshot>)[PREPARED] === true;
}

export function viewHost(host: HostSnapshot): HostView {
  let cpuAllocated = 0;
  let memoryAllocated = 0;
  let unknownAllocations = 0;
  const groups = new Map<string, number>();
  for (const vm of host.vms) {
    if (vm.running || host.reserveStoppedVms) {
      if (vm.vcpus === null || vm.memoryBytes === null) unknownAllocations++;
      else {
        cpuAllocated += vm.vcpus;
        memoryAllocated += vm.memoryBytes;
      }
    }
    for (const g of vm.groups) groups.set(g, (groups.get(g) ?? 0) + 1);
  }
  const poolList = host.pools.map((p) => ({
    name: p.name,
    active: p.active,
    availableBytes: p.availableBytes,
    capacityBytes: p.capacityBytes,
  }));
  const pools = new Map<string, PoolSnapshot>();
  for (const p of poolList) pools.set(p.name, p);
  const networks = new Map<string, boolean>();
  for (const n of host.networks) networks.set(n.name, n.active || networks.get(n.name) === true);
  const cpuCapacity = host.cpus === null ? null : (host.cpus - host.reserve.cpus) * host.overcommit.cpu;
  const memoryCapacity =
    host.memoryBytes === null ? null : (host.memoryBytes - host.reserve.memoryBytes) * host.overcommit.memory;
  const known = unknownAllocations === 0;
  const freeVcpus = cpuCapacity === null || !known ? null : cpuCapacity - cpuAllocated;
  const freeMemory = memoryCapacity === null || !known ? null : memoryCapacity - memoryAllocated;
  return {
    host,
    id: host.id,
    name: host.name,
    connected: host.connected,
    stale: host.stale,
    maintenance: host.maintenance,
    cpus: host.cpus,
    memoryBytes: host.memoryBytes,
    uefiAvailable: host.uefiAvailable,
    tpmAvailable: host.tpmAvailable,
    kvmUsable: host.kvmUsable,
    acceleratorPolicy: host.acceleratorPolicy,
    labels: host.labels,
    poolList,
    cpuCapacity,
    memoryCapacity,
    cpuAllocated,
    memoryAllocated,
    unknownAllocations,
    free: Object.freeze({ vcpus: freeVcpus, memoryBytes: freeMemory }),
    text: {
      cpu: freeVcpus === null ? '' : cpuTail(freeVcpus, cpuCapacity!),
      memory: freeMemory === null ? '' : memoryTail(freeMemory, memoryCapacity!),
    },
    vmCount: host.vms.length,
    pools,
    networks,
    imageNames: new Set(host.images.map((i) => i.name)),
    imagePaths: new Set(host.images.map((i) => i.path)),
    groups,
  };
}

function byNameThenId(a: HostView, b: HostView): number {
  const an = a.name;
  const bn = b.name;
  if (an !== bn) return an < bn ? -1 : 1;
  const ai = a.id;
  const bi = b.id;
  return ai === bi ? 0 : ai < bi ? -1 : 1;
}

/** Indexes a snapshot once, for any number of placements over it. */
export function prepare(hosts: readonly HostSnapshot[]): PreparedSnapshot {
  const views = hosts.map(viewHost).sort(byNameThenId);
  const byId = new Map<string, HostView>();
  for (const v of views) {
    if (byId.has(v.id)) throw new Error(`The snapshot lists host ${v.id} twice`);
    byId.set(v.id, v);
  }
  let min = Infinity;
  let max = 0;
  for (const v of views) {
    if (v.vmCount < min) min = v.vmCount;
    if (v.vmCount > max) max = v.vmCount;
  }
  const scratch = { feasible: new Uint8Array(views.length), totals: new Float64Array(views.length) };
  return { [PREPARED]: true, hosts: views, byId, vmCounts: { min: Math.min(min, max), max }, scratch };
}

/** Capacity already promised on a host: in-flight reservations plus this call's earlier VMs. */
export interface HostLoad {
  vcpus: number;
  memoryBytes: number;
  vms: number;
  readonly pools: Map<string, number>;
  readonly groups: Map<string, number>;
}

export const NO_LOAD: Readonly<HostLoad> = Object.freeze({
  vcpus: 0,
  memoryBytes: 0,
  vms: 0,
  pools: new Map<string, number>(),
  groups: new Map<string, number>(),
});

export function addLoad(loads: Map<string, HostLoad>, r: Reservation): HostLoad {
  let load = loads.get(r.hostId);
  if (!load) {
    load = { vcpus: 0, memoryBytes: 0, vms: 0, pools: new Map(), groups: new Map() };
    loads.set(r.hostId, load);
  }
  load.vcpus += r.vcpus;
  load.memoryBytes += r.memoryBytes;
  load.vms++;
  for (const [pool, bytes] of Object.entries(r.pools))
    load.pools.set(pool, (load.pools.get(pool) ?? 0) + bytes);
  if (r.group !== undefined) load.groups.set(r.group, (load.groups.get(r.group) ?? 0) + 1);
  return load;
}

export function loadsOf(reservations: readonly Reservation[]): Map<string, HostLoad> {
  const loads = new Map<string, HostLoad>();
  for (const r of reservations) addLoad(loads, r);
  return loads;
}

/** What a thin or thick disk needs from its pool up front. */
export function diskNeed(disk: { sizeBytes: number; thin: boolean }, thinFraction: number): number {
  return disk.thin ? Math.ceil(disk.sizeBytes * thinFraction) : disk.sizeBytes;
}
