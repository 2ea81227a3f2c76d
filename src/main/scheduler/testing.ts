/** Builders for the scheduler's tests and benchmark: a plain host and request, overridable field by field. */
import type { HostSnapshot, PlacementRequest, Reservation } from '../../shared/domain/placement';
import { makeCandidate, makeContext, type Candidate, type PlacementContext } from './context';
import { loadsOf, NO_LOAD, prepare, resolveOptions, type PlacementOptions } from './model';

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;
export const TiB = 1024 ** 4;

export function host(over: Partial<HostSnapshot> & { name: string }): HostSnapshot {
  return {
    id: `id-${over.name}`,
    connected: true,
    stale: false,
    maintenance: false,
    labels: {},
    cpus: 16,
    memoryBytes: 64 * GiB,
    reserve: { cpus: 0, memoryBytes: 0 },
    overcommit: { cpu: 1, memory: 1 },
    reserveStoppedVms: false,
    vms: [],
    pools: [{ name: 'default', active: true, availableBytes: TiB, capacityBytes: TiB }],
    networks: [{ name: 'default', active: true }],
    images: [],
    uefiAvailable: true,
    tpmAvailable: true,
    kvmUsable: true,
    acceleratorPolicy: 'auto',
    ...over,
  };
}

export function request(over: Partial<PlacementRequest> = {}): PlacementRequest {
  return {
    vcpus: 2,
    memoryBytes: 4 * GiB,
    disks: [],
    firmware: { uefi: false, tpm: false },
    requireKvm: false,
    labels: {},
    count: 1,
    strategy: 'spread',
    ...over,
  };
}

/** One host as a predicate or score sees it, among `others` (for affinity and spread). */
export function candidate(
  req: PlacementRequest,
  h: HostSnapshot,
  opts: PlacementOptions & { others?: HostSnapshot[] } = {},
): { ctx: PlacementContext; c: Candidate } {
  const snapshot = prepare([h, ...(opts.others ?? [])]);
  const resolved = resolveOptions(opts);
  const loads = loadsOf(resolved.reservations);
  const ctx = makeContext(req, resolved, snapshot, loads);
  const view = snapshot.byId.get(h.id)!;
  return { ctx, c: makeCandidate(ctx, view, loads.get(h.id) ?? NO_LOAD) };
}

export function reservation(over: Partial<Reservation> & { hostId: string }): Reservation {
  return { vcpus: 0, memoryBytes: 0, pools: {}, ...over };
}
