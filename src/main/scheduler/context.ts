import type { HostSnapshot, PlacementRequest } from '../../shared/domain/placement';
import {
  diskNeed,
  imagePresent,
  NO_LOAD,
  type HostLoad,
  type HostView,
  type PreparedSnapshot,
  type ResolvedOptions,
} from './model';

/** What one placement round knows beyond a single host: the request, derived once, and the fleet. */
export interface PlacementContext {
  readonly request: PlacementRequest;
  readonly options: ResolvedOptions;
  readonly labels: readonly (readonly [string, string])[];
  readonly required: ReadonlySet<string> | null;
  readonly excluded: ReadonlySet<string>;
  /** Distinct pools the disks name, in order of first mention. */
  readonly requiredPools: readonly string[];
  /** Bytes the disks with a required pool need, per pool. */
  readonly pinnedBytes: ReadonlyMap<string, number>;
  /** Bytes the disks without one need together (they share one pool). */
  readonly unpinnedBytes: number;
  readonly hasUnpinnedDisks: boolean;
  /** For an affinity group: the hosts that hold a member already (VMs or reservations); empty if none do. */
  readonly affinityHosts: ReadonlySet<string>;
  readonly affinityHostNames: string;
  /** The most VMs (plus reservations) on any host: spread scores against it. */
  readonly maxVms: number;
}

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

  const affinityHosts = new Set<string>();
  const affinityNames: string[] = [];
  let maxVms = 0;
  const group = request.group?.mode === 'affinity' ? request.group.name : null;
  for (const v of snapshot.hosts) {
    const load = loads.get(v.host.id) ?? NO_LOAD;
    maxVms = Math.max(maxVms, v.vmCount + load.vms);
    if (group !== null && (v.groups.has(group) || load.groups.has(group))) {
      affinityHosts.add(v.host.id);
      affinityNames.push(v.host.name);
    }
  }

  return {
    request,
    options,
    labels: Object.entries(request.labels),
    required:
      request.requiredHosts && request.requiredHosts.length > 0 ? new Set(request.requiredHosts) : null,
    excluded: new Set(request.excludedHosts ?? []),
    requiredPools: [...pinnedBytes.keys()],
    pinnedBytes,
    unpinnedBytes,
    hasUnpinnedDisks,
    affinityHosts,
    affinityHostNames: affinityNames.sort().join(', '),
    maxVms,
  };
}

/** Where this VM's disks (and an image upload) would go on one host, and what each pool must hold. */
export interface StoragePlan {
  /** The pool of each disk, in request order; null where no active pool could take it. */
  readonly diskPools: readonly (string | null)[];
  readonly needs: ReadonlyMap<string, number>;
  readonly uploadImage: boolean;
  /**
   * Bytes that found no pool at all (disks without a required pool, or an image upload, on a host without
   * an active pool); null when everything has a pool.
   */
  readonly homeless: number | null;
}

/** One host as one placement round sees it. */
export interface Candidate {
  readonly view: HostView;
  readonly host: HostSnapshot;
  readonly load: Readonly<HostLoad>;
  readonly plan: StoragePlan;
  /** Before this VM, reservations applied; null when unknown. */
  readonly freeVcpus: number | null;
  readonly freeMemoryBytes: number | null;
}

export function makeCandidate(ctx: PlacementContext, view: HostView, load: Readonly<HostLoad>): Candidate {
  const known = view.unknownAllocations === 0;
  return {
    view,
    host: view.host,
    load,
    plan: planStorage(ctx, view, load),
    freeVcpus: view.cpuCapacity === null || !known ? null : view.cpuCapacity - view.cpuAllocated - load.vcpus,
    freeMemoryBytes:
      view.memoryCapacity === null || !known
        ? null
        : view.memoryCapacity - view.memoryAllocated - load.memoryBytes,
  };
}

/**
 * Disks that name a pool go there. The others share one pool: the default pool when it is active and has
 * room, else the active pool with the most room, else (nothing has room) the default pool or the roomiest
 * active one anyway, so the capacity predicate can say why. A boot image the host lacks is uploaded to the
 * first disk's pool (or that shared pool when there are no disks).
 */
export function planStorage(ctx: PlacementContext, view: HostView, load: Readonly<HostLoad>): StoragePlan {
  const { request } = ctx;
  const image = request.bootImage;
  const uploadImage = image !== undefined && !imagePresent(view, image);
  const firstDisk = request.disks[0];
  const imageToShared = uploadImage && (firstDisk === undefined || firstDisk.pool === undefined);
  const sharedBytes = ctx.unpinnedBytes + (imageToShared ? image!.sizeBytes : 0);

  if (!ctx.hasUnpinnedDisks && !uploadImage) {
    return {
      diskPools: request.disks.map((d) => d.pool!),
      needs: ctx.pinnedBytes,
      uploadImage,
      homeless: null,
    };
  }

  const needs = new Map(ctx.pinnedBytes);
  let shared: string | null = null;
  if (ctx.hasUnpinnedDisks || imageToShared) {
    shared = sharedPool(ctx, view, load, sharedBytes);
    if (shared !== null) needs.set(shared, (needs.get(shared) ?? 0) + sharedBytes);
  }
  if (uploadImage && !imageToShared) {
    const pool = firstDisk!.pool!;
    needs.set(pool, (needs.get(pool) ?? 0) + image!.sizeBytes);
  }
  return {
    diskPools: request.disks.map((d) => d.pool ?? shared),
    needs,
    uploadImage,
    homeless: shared === null && (ctx.hasUnpinnedDisks || imageToShared) ? sharedBytes : null,
  };
}

function sharedPool(
  ctx: PlacementContext,
  view: HostView,
  load: Readonly<HostLoad>,
  bytes: number,
): string | null {
  const room = (name: string): number => {
    const p = view.pools.get(name)!;
    if (p.availableBytes === null) return -Infinity;
    return p.availableBytes - (load.pools.get(name) ?? 0) - (ctx.pinnedBytes.get(name) ?? 0);
  };
  const def = view.pools.get(ctx.options.defaultPool);
  if (def?.active && room(def.name) >= bytes) return def.name;

  let best: string | null = null;
  let bestRoom = -Infinity;
  for (const p of view.host.pools) {
    if (!p.active) continue;
    const r = room(p.name);
    if (best === null || r > bestRoom || (r === bestRoom && p.name < best)) {
      best = p.name;
      bestRoom = r;
    }
  }
  if (best !== null && bestRoom >= bytes) return best;
  return def?.active ? def.name : best;
}
