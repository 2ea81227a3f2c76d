/**
 * The plan for emptying a host: a destination for every VM on it, the host itself excluded, each VM seeing
 * the ones planned before it (capacity, pool space and anti-affinity hold across the whole plan, not VM by
 * VM). Largest first (memory, then vCPUs), as bin packing does: the VMs hardest to fit choose first.
 * Pure: the caller gives the snapshot (the source host marked in maintenance or not, it is excluded anyway).
 */
import type {
  EvacuatingVm,
  EvacuationMove,
  EvacuationPlan,
  EvacuationStuck,
  EvacuationTarget,
} from '../../shared/domain/evacuation';
import type { PlacementRequest, PlacementStrategy } from '../../shared/domain/placement';
import { addLoad, isPrepared, loadsOf, prepare, resolveOptions, type PlacementOptions } from './model';
import type { PreparedSnapshot, SnapshotInput } from './model';
import { explainLoaded, reservationFor } from './place';

const byNeed = (a: EvacuatingVm, b: EvacuatingVm) =>
  b.memoryBytes - a.memoryBytes || b.vcpus - a.vcpus || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Hosts with every network after the first active (the first is the request's own, explained by name). */
function hostsWithNetworks(prepared: PreparedSnapshot, networks: readonly string[]): string[] | undefined {
  if (networks.length < 2) return undefined;
  const rest = networks.slice(1);
  return prepared.hosts.filter((h) => rest.every((n) => h.networks.get(n) === true)).map((h) => h.id);
}

function requestFor(
  vm: EvacuatingVm,
  sourceHostId: string,
  strategy: PlacementStrategy,
  required: string[] | undefined,
): PlacementRequest {
  const networks = [...new Set(vm.networks)];
  return {
    vcpus: vm.vcpus,
    memoryBytes: vm.memoryBytes,
    disks: vm.disks.map((d) => ({ sizeBytes: d.sizeBytes, thin: d.thin, pool: d.pool })),
    ...(networks[0] !== undefined ? { network: networks[0] } : {}),
    firmware: { uefi: vm.firmware.uefi, tpm: vm.firmware.tpm },
    requireKvm: false,
    labels: {},
    ...(vm.group !== undefined ? { group: { name: vm.group, mode: 'anti-affinity' as const } } : {}),
    ...(required !== undefined ? { requiredHosts: required } : {}),
    excludedHosts: [sourceHostId],
    count: 1,
    strategy,
  };
}

export interface EvacuationOptions extends PlacementOptions {
  /** How destinations are preferred among those that fit. Default spread. */
  readonly strategy?: PlacementStrategy;
}

export function planEvacuation(
  sourceHostId: string,
  vms: readonly EvacuatingVm[],
  snapshot: SnapshotInput,
  options: EvacuationOptions = {},
): EvacuationPlan {
  const prepared = isPrepared(snapshot) ? snapshot : prepare(snapshot);
  const opts = resolveOptions(options);
  const loads = loadsOf(opts.reservations);
  const moves: EvacuationMove[] = [];
  const stuck: EvacuationStuck[] = [];
  const targets = new Map<string, { hostName: string; vms: number; vcpus: number; memoryBytes: number }>();

  for (const vm of [...vms].sort(byNeed)) {
    if (vm.blocker !== undefined) {
      stuck.push({ vmId: vm.vmId, name: vm.name, reason: vm.blocker, table: [] });
      continue;
    }
    const networks = [...new Set(vm.networks)];
    const request = requestFor(
      vm,
      sourceHostId,
      options.strategy ?? 'spread',
      hostsWithNetworks(prepared, networks),
    );
    const outcome = explainLoaded(request, prepared, opts, loads);
    if (!outcome.ok) {
      stuck.push({
        vmId: vm.vmId,
        name: vm.name,
        reason: outcome.failure.message,
        table: outcome.failure.table,
      });
      continue;
    }
    const placement = outcome.result.placements[0]!;
    addLoad(loads, reservationFor(request, placement));
    const j = prepared.byId.get(placement.hostId);
    const index = j === undefined ? -1 : prepared.hosts.indexOf(j);
    moves.push({
      vmId: vm.vmId,
      name: vm.name,
      toHostId: placement.hostId,
      toHostName: placement.hostName,
      score: index < 0 ? 0 : prepared.scratch.totals[index]!,
    });
    const t = targets.get(placement.hostId) ?? {
      hostName: placement.hostName,
      vms: 0,
      vcpus: 0,
      memoryBytes: 0,
    };
    t.vms++;
    t.vcpus += vm.vcpus;
    t.memoryBytes += vm.memoryBytes;
    targets.set(placement.hostId, t);
  }

  const list: EvacuationTarget[] = [...targets].map(([hostId, t]) => ({ hostId, ...t }));
  list.sort((a, b) => (a.hostName < b.hostName ? -1 : a.hostName > b.hostName ? 1 : 0));
  return { hostId: sourceHostId, moves, stuck, targets: list };
}
