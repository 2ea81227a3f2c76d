import type { PlacementRequest, PoolSnapshot } from '../../shared/domain/placement';
import { cpuHead, memoryHead } from './messages';
import {
  diskNeed,
  NO_LOAD,
  type HostLoad,
  type HostView,
  type PreparedSnapshot,
  type ResolvedOptions,
} from './model';

/**
 * The request as the predicates read it: one fixed shape, whatever optional fields the caller's object had,
 * so the hot loop over hosts reads it fast.
 */
export interface WantedVm {
  readonly vcpus: number;
  readonly memoryBytes: number;
  readonly network: string | null;
  readonly uefi: boolean;
  readonly tpm: boolean;
  readonly requireKvm: boolean;
  readonly group: { readonly name: string; readonly mode: 'affinity' | 'anti-affinity' } | null;
  readonly image: {
    readonly name: string | null;
    readonly path: string | null;
    readonly sizeBytes: number;
  } | null;
  readonly strategy: PlacementRequest['strategy'];
}

/** What one placement round knows beyond a single host: the request, derived once, and the fleet. */
export interface PlacementContext {
  readonly request: PlacementRequest;
  readonly vm: WantedVm;
  readonly options: ResolvedOptions;
  /** Each label the request requires; `both` (key NUL value) names it in the cache of reasons. */
  readonly labels: readonly { readonly key: string; readonly value: string; readonly both: string }[];
  readonly required: ReadonlySet<string> | null;
  readonly excluded: ReadonlySet<string>;
  /** Distinct pools the disks name, in order of first mention. */
  readonly requiredPools: readonly string[];
  /** Bytes the disks with a required pool need, per pool. */
  readonly pinnedNeeds: readonly PoolNeed[];
  /**
   * The storage plan depends on the host only through two facts: whether the image must be uploaded, and
   * which pool the disks without a required pool share. Indexed [no upload, upload]: the needs before the
   * shared pool is chosen, the bytes the shared pool must take, and the needs once it is (cached by pool).
   */
  readonly plans: readonly [StoragePlanCache, StoragePlanCache];
  /** For an affinity group: the hosts that hold a member already (VMs or reservations); empty if none do. */
  readonly affinityHosts: ReadonlySet<string>;
  readonly affinityHostNames: string;
  /** The request's half of the CPU and memory reasons (see messages.ts). */
  readonly cpuHead: string;
  readonly memoryHead: string;
  /** Reasons built this round, shared by every host that fails the same way (see reason()). */
  readonly reasons: Map<(a: string, b: string) => string, Map<string, Map<string, readonly string[]>>>;
  /** The fewest and the most VMs (plus reservations) on any host: spread scores between them. */
  readonly minVms: number;
  readonly maxVms: number;
}

const NO_HOSTS: readonly HostView[] = Object.freeze([]);

export function makeContext(
  request: PlacementRequest,
  options: ResolvedOptions,
  snapshot: PreparedSnapshot,
  loads: ReadonlyMap<string, HostLoad>,
): PlacementContext {
  const pinnedBytes = new Map<string, number>();
  let unpinnedBytes = 0;
  let hasUnpinnedDisks = false;
  for (const d of request.disks) {
    const need = diskNeed(d, options.thinFraction);
    if (d.pool === undefined) {
      hasUnpinnedDisks = true;
      unpinnedBytes += need;
    } else pinnedBytes.set(d.pool, (pinnedBytes.get(d.pool) ?? 0) + need);
  }

  const pinnedNeeds: readonly PoolNeed[] = [...pinnedBytes].map(([pool, bytes]) => ({ pool, bytes }));

  const affinityHosts = new Set<string>();
  const affinityNames: string[] = [];
  // Without reservations or an affinity group, the snapshot's own fewest and most VMs are the answer.
  let minVms = snapshot.vmCounts.min;
  let maxVms = snapshot.vmCounts.max;
  const group = request.group?.mode === 'affinity' ? request.group.name : null;
  const idle = NO_LOAD;
  if (loads.size !== 0 || group !== null) {
    minVms = Infinity;
    maxVms = 0;
  }
  for (const v of loads.size !== 0 || group !== null ? snapshot.hosts : NO_HOSTS) {
    const load = loads.size === 0 ? idle : (loads.get(v.id) ?? idle);
    const vms = v.vmCount + load.vms;
    if (vms < minVms) minVms = vms;
    if (vms > maxVms) maxVms = vms;
    if (group !== null && (v.groups.has(group) || load.groups.has(group))) {
      affinityHosts.add(v.id);
      affinityNames.push(v.name);
    }
  }

  const image = request.bootImage;
  return {
    request,
    vm: {
      vcpus: request.vcpus,
      memoryBytes: request.memoryBytes,
      network: request.network ?? null,
      uefi: request.firmware.uefi,
      tpm: request.firmware.tpm,
      requireKvm: request.requireKvm,
      group: request.group ? { name: request.group.name, mode: request.group.mode } : null,
      image: image
        ? { name: image.name ?? null, path: image.path ?? null, sizeBytes: image.sizeBytes }
        : null,
      strategy: request.strategy,
    },
    options,
    labels: Object.entries(request.labels).map(([key, value]) => ({
      key,
      value,
      both: `${key}\u0000${value}`,
    })),
    required:
      request.requiredHosts && request.requiredHosts.length > 0 ? new Set(request.requiredHosts) : null,
    excluded: new Set(request.excludedHosts ?? []),
    requiredPools: [...pinnedBytes.keys()],
    pinnedNeeds,
    plans: [0, 1].map((upload) => {
      const toShared = upload === 1 && image !== undefined && request.disks[0]?.pool === undefined;
      const base =
        upload === 1 && image !== undefined && !toShared
          ? withNeed(pinnedNeeds, request.disks[0]!.pool!, image.sizeBytes)
          : pinnedNeeds;
      return {
        base,
        sharedBytes: hasUnpinnedDisks || toShared ? unpinnedBytes + (toShared ? image!.sizeBytes : 0) : null,
        withShared: new Map<string, readonly PoolNeed[]>(),
      };
    }) as [StoragePlanCache, StoragePlanCache],
    affinityHosts,
    affinityHostNames: someNames(affinityNames),
    cpuHead: cpuHead(request.vcpus),
    memoryHead: memoryHead(request.memoryBytes),
    reasons: new Map(),
    minVms: Math.min(minVms, maxVms),
    maxVms,
  };
}

/** Bytes this VM needs in one storage pool of a host. */
export interface PoolNeed {
  readonly pool: string;
  readonly bytes: number;
}

interface StoragePlanCache {
  readonly base: readonly PoolNeed[];
  /** null: nothing goes to a shared pool. */
  readonly sharedBytes: number | null;
  readonly withShared: Map<string, readonly PoolNeed[]>;
}

/**
 * One host as one placement round sees it, with where this VM's disks (and an image upload) would go and
 * what each pool must hold. Built for every host in every round, so it is kept to one object and no maps.
 */
export interface Candidate {
  readonly view: HostView;
  readonly load: Readonly<HostLoad>;
  /** Free vCPUs and memory before this VM, reservations applied; null when unknown. */
  readonly free: { readonly vcpus: number | null; readonly memoryBytes: number | null };
  /** How many of the pools the disks require the host has, active. */
  readonly requiredPoolsActive: number;
  /** Every active pool used has known room for this VM, nothing is homeless: pool-capacity's fast path. */
  readonly poolsFit: boolean;
  /** The lowest free fraction, after this VM, of the pools it uses; 0 if one is missing or unknown. */
  readonly poolFreeFraction: number;
  /** Per pool, each pool once: the disks that name it, the shared pool's disks, an image upload. */
  readonly needs: readonly PoolNeed[];
  /** The pool the disks without a required pool share (see sharedPool); null if none is needed or active. */
  readonly sharedPool: string | null;
  readonly uploadImage: boolean;
  /**
   * Bytes that found no pool at all (disks without a required pool, or an image upload, on a host without
   * an active pool); null when everything has a pool.
   */
  readonly homeless: number | null;
}

const UNPLANNED: readonly PoolNeed[] = Object.freeze([]);

/**
 * A candidate with the host's own facts only (view, load, free): what the host predicates read. Its storage
 * plan reads as "does not fit" until planStorage() fills it in, so a predicate that reads the plan without
 * waiting for it refuses every host (and the tests see it). `into`: a candidate to overwrite instead of
 * allocating one (see explain()).
 */
export function startCandidate(view: HostView, load: Readonly<HostLoad>, into?: Candidate): Candidate {
  const base = view.free;
  const free =
    load.vms === 0 // nothing reserved here (every reservation counts as a VM)
      ? base
      : {
          vcpus: base.vcpus === null ? null : base.vcpus - load.vcpus,
          memoryBytes: base.memoryBytes === null ? null : base.memoryBytes - load.memoryBytes,
        };
  if (into === undefined) {
    return {
      view,
      load,
      free,
      requiredPoolsActive: -1,
      poolsFit: false,
      poolFreeFraction: 0,
      needs: UNPLANNED,
      sharedPool: null,
      uploadImage: false,
      homeless: null,
    };
  }
  const c = into as Mutable<Candidate>;
  c.view = view;
  c.load = load;
  c.free = free;
  c.requiredPoolsActive = -1;
  c.poolsFit = false;
  c.poolFreeFraction = 0;
  c.needs = UNPLANNED;
  c.sharedPool = null;
  c.uploadImage = false;
  c.homeless = null;
  return c;
}

/**
 * Where this VM's storage goes on the candidate's host, and whether it fits. Disks that name a pool go
 * there. The others share one pool: the default pool when it is active and has room, else the active pool
 * with the most room, else (nothing has room) the default pool or the roomiest active one anyway, so the
 * capacity predicate can say why. A boot image the host lacks is uploaded to the first disk's pool (or
 * that shared pool when there are no disks).
 */
export function planStorage(ctx: PlacementContext, candidate: Candidate): void {
  const c = candidate as Mutable<Candidate>;
  const { view, load } = c;
  const unloaded = load.vms === 0;
  let requiredPoolsActive = 0;
  const required = ctx.requiredPools;
  for (let i = 0; i < required.length; i++) if (view.pools.get(required[i]!)?.active) requiredPoolsActive++;

  const image = ctx.vm.image;
  const uploadImage = image !== null && !imagePresent(view, image);
  // An upload into the first disk's pool is in plan.base already: the shared pool must have room beside it.
  const plan = ctx.plans[uploadImage ? 1 : 0];
  let needs = plan.base;
  let shared: string | null = null;
  let homeless: number | null = null;
  if (plan.sharedBytes !== null) {
    shared = sharedPool(ctx, view, load, needs, plan.sharedBytes);
    if (shared === null) homeless = plan.sharedBytes;
    else {
      let cached = plan.withShared.get(shared);
      if (!cached) plan.withShared.set(shared, (cached = withNeed(needs, shared, plan.sharedBytes)));
      needs = cached;
    }
  }

  let poolsFit = homeless === null;
  let lowest = needs.length === 0 ? 0 : 1;
  for (let i = 0; i < needs.length; i++) {
    const n = needs[i]!;
    const p = view.pools.get(n.pool);
    if (!p || p.availableBytes === null) {
      if (p?.active) poolsFit = false; // unknown room
      lowest = 0;
      continue;
    }
    const left = p.availableBytes - (unloaded ? 0 : (load.pools.get(n.pool) ?? 0)) - n.bytes;
    if (p.active && left < 0) poolsFit = false;
    const fraction = p.capacityBytes === null || p.capacityBytes <= 0 ? 0 : left / p.capacityBytes;
    if (fraction < lowest) lowest = fraction < 0 ? 0 : fraction;
  }

  c.requiredPoolsActive = requiredPoolsActive;
  c.poolsFit = poolsFit;
  c.poolFreeFraction = lowest;
  c.needs = needs;
  c.sharedPool = shared;
  c.uploadImage = uploadImage;
  c.homeless = homeless;
}

/** One host as this round sees it, storage plan included (startCandidate, then planStorage). */
export function makeCandidate(
  ctx: PlacementContext,
  view: HostView,
  load: Readonly<HostLoad>,
  into?: Candidate,
): Candidate {
  const c = startCandidate(view, load, into);
  planStorage(ctx, c);
  return c;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function withNeed(needs: readonly PoolNeed[], pool: string, bytes: number): PoolNeed[] {
  const out: PoolNeed[] = [];
  let merged = false;
  for (const n of needs) {
    if (n.pool === pool) {
      out.push({ pool, bytes: n.bytes + bytes });
      merged = true;
    } else out.push(n);
  }
  if (!merged) out.push({ pool, bytes });
  return out;
}

/** The pool of each disk, in request order. */
export function diskPools(ctx: PlacementContext, c: Candidate): (string | null)[] {
  return ctx.request.disks.map((d) => d.pool ?? c.sharedPool);
}

/** What a pool has left after reservations and this VM's other needs there; -Infinity if unknown. */
function room(p: PoolSnapshot, load: Readonly<HostLoad>, needs: readonly PoolNeed[]): number {
  if (p.availableBytes === null) return -Infinity;
  let left = p.availableBytes - (load.vms === 0 ? 0 : (load.pools.get(p.name) ?? 0));
  for (let i = 0; i < needs.length; i++) if (needs[i]!.pool === p.name) left -= needs[i]!.bytes;
  return left;
}

function sharedPool(
  ctx: PlacementContext,
  view: HostView,
  load: Readonly<HostLoad>,
  needs: readonly PoolNeed[],
  bytes: number,
): string | null {
  const def = view.pools.get(ctx.options.defaultPool);
  if (def?.active && room(def, load, needs) >= bytes) return def.name;

  let best: string | null = null;
  let bestRoom = -Infinity;
  for (const p of view.poolList) {
    if (!p.active) continue;
    const r = room(p, load, needs);
    if (best === null || r > bestRoom || (r === bestRoom && p.name < best)) {
      best = p.name;
      bestRoom = r;
    }
  }
  if (best !== null && bestRoom >= bytes) return best;
  return def?.active ? def.name : best;
}

function imagePresent(view: HostView, image: NonNullable<WantedVm['image']>): boolean {
  if (image.path !== null && view.imagePaths.has(image.path)) return true;
  return image.name !== null && view.imageNames.has(image.name);
}

/** "a, b, c" or "a, b, c and 47 more": reasons stay short however big the fleet. */
function someNames(names: string[]): string {
  const sorted = names.sort();
  if (sorted.length <= 3) return sorted.join(', ');
  return `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more`;
}

/**
 * A reason as a one-element list, built once per round and shared (frozen) by every host that fails the
 * same way: hundreds of hosts lacking one network share one string. `make` must be a module-level function
 * of its arguments only.
 */
export function reason(
  ctx: PlacementContext,
  make: (a: string, b: string) => string,
  a: string,
  b = '',
): readonly string[] {
  let byA = ctx.reasons.get(make);
  if (!byA) ctx.reasons.set(make, (byA = new Map()));
  let byB = byA.get(a);
  if (!byB) byA.set(a, (byB = new Map()));
  let r = byB.get(b);
  if (!r) byB.set(b, (r = Object.freeze([make(a, b)])));
  return r;
}

/** Several reasons from one predicate (rare): one list. */
export function joinReasons(acc: readonly string[] | null, more: readonly string[]): readonly string[] {
  return acc === null ? more : acc.concat(more);
}
