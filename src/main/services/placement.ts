/**
 * The scheduler joined to the inventory: snapshots built from what the last syncs stored, and the dry run
 * the wizard and `qhci place` show. Provisioning places through the same function, with reservations.
 */
import { hostPolicyOf, type NodeFacts } from '../../shared/domain/host';
import type { HostSnapshot, PlacementOutcome, PlacementRequest } from '../../shared/domain/placement';
import type { SnapshotRepo, SnapshotRows } from '../inventory/snapshot.repo';
import { parseJson } from '../inventory/rows';
import { explain, prepare, type PreparedSnapshot } from '../scheduler';
import type { CapacityBook } from './reservations';
import type { AppEvents } from './events';
import type { ProjectsService } from './projects';

const RUNNING_STATES = new Set(['running', 'paused', 'pmsuspended', 'creating']);

/** Shapes the inventory's rows into the scheduler's snapshot. Unknown facts stay null (the scheduler fails closed). */
export function toSnapshots(rows: SnapshotRows): HostSnapshot[] {
  const byHost = <T extends { host_id: string }>(list: readonly T[]) => {
    const m = new Map<string, T[]>();
    for (const r of list) {
      const l = m.get(r.host_id);
      if (l) l.push(r);
      else m.set(r.host_id, [r]);
    }
    return m;
  };
  const vms = byHost(rows.vms);
  const pools = byHost(rows.pools);
  const nets = byHost(rows.networks);
  const images = byHost(rows.images);
  return rows.hosts.map((h) => {
    const facts = parseJson<Partial<NodeFacts>>(h.facts, {});
    const known = typeof facts.cpus === 'number';
    const policy = hostPolicyOf(parseJson<unknown>(h.policy, {}));
    return {
      id: h.id,
      name: h.name,
      connected: h.state === 'connected',
      stale: h.stale === 1,
      maintenance: h.maintenance === 1,
      labels: parseJson<Record<string, string>>(h.labels, {}),
      cpus: known ? facts.cpus! : null,
      memoryBytes: known ? (facts.memoryBytes ?? null) : null,
      reserve: policy.reserve,
      overcommit: policy.overcommit,
      reserveStoppedVms: policy.reserveStoppedVms,
      vms: (vms.get(h.id) ?? []).map((v) => {
        const group = parseJson<Record<string, string>>(v.labels, {})['qhci.group'];
        return {
          vcpus: v.vcpus,
          memoryBytes: v.memory_bytes,
          running: RUNNING_STATES.has(v.state),
          groups: group ? [group] : [],
        };
      }),
      pools: (pools.get(h.id) ?? []).map((p) => ({
        name: p.name,
        active: p.state === 'running',
        availableBytes: p.available_bytes,
        capacityBytes: p.capacity_bytes,
      })),
      networks: (nets.get(h.id) ?? []).map((n) => ({ name: n.name, active: n.active === 1 })),
      images: (images.get(h.id) ?? []).map((i) => ({ name: i.name, path: i.path })),
      uefiAvailable: known ? (facts.uefiAvailable ?? null) : null,
      tpmAvailable: known ? (facts.tpmAvailable ?? null) : null,
      kvmUsable: known ? facts.domainType === 'kvm' : null,
      acceleratorPolicy: policy.accelerator,
    };
  });
}

export function createPlacementService(deps: {
  snapshots: SnapshotRepo;
  projects: ProjectsService;
  reservations: Pick<CapacityBook, 'reservations'>;
  events: AppEvents;
}) {
  // One indexed snapshot per project, rebuilt only after hosts or VMs changed (a sync, an event, a move):
  // reading and indexing a large inventory costs far more than a placement.
  // Another process's commits raise the inventory's data_version: every cached snapshot is then stale.
  const prepared = new Map<string, PreparedSnapshot>();
  let version = deps.snapshots.version();
  deps.events.subscribe((event, payload) => {
    if (event !== 'inventory.changed') return;
    const { entity, projectId } = payload as { entity: string; projectId: string | null };
    if (entity !== 'hosts' && entity !== 'vms') return;
    if (projectId === null) prepared.clear();
    else prepared.delete(projectId);
  });

  const snapshotOf = (projectRef: string | undefined): PreparedSnapshot => {
    const projectId = deps.projects.resolve(projectRef).id;
    const now = deps.snapshots.version();
    if (now !== version) {
      prepared.clear();
      version = now;
    }
    let snap = prepared.get(projectId);
    if (!snap) {
      snap = prepare(toSnapshots(deps.snapshots.read(projectId)));
      prepared.set(projectId, snap);
    }
    return snap;
  };

  return {
    snapshot: snapshotOf,
    /** The dry run: where the request would go now (placements in flight counted), and why. */
    dryRun(projectRef: string | undefined, request: PlacementRequest): PlacementOutcome {
      return explain(request, snapshotOf(projectRef), { reservations: deps.reservations.reservations() });
    },
  };
}

export type PlacementService = ReturnType<typeof createPlacementService>;
