/**
 * The evacuation plan of a host from the inventory: each VM as the planner needs it (its disks keep their
 * pools' directories, its networks, its anti-affinity group), what cannot move at all named before
 * placement, then the scheduler's whole-plan placement over the project's snapshot (placements in flight
 * counted). The migrations' own preflights check the hosts again when each one starts.
 */
import type { EvacuatingVm, EvacuationPlan } from '../../../shared/domain/evacuation';
import type { VmDetail } from '../../../shared/domain/vm';
import type { HostInventoryRepo } from '../../inventory/host-inventory.repo';
import type { ImagesRepo } from '../../inventory/images.repo';
import type { VmsRepo } from '../../inventory/vms.repo';
import { planEvacuation } from '../../scheduler/evacuate';
import type { PlacementService } from '../../services/placement';
import type { CapacityBook } from '../../services/reservations';

export interface PlanDeps {
  readonly vms: VmsRepo;
  readonly images: ImagesRepo;
  readonly hostInventory: HostInventoryRepo;
  readonly placement: PlacementService;
  readonly reservations: Pick<CapacityBook, 'reservations'>;
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

function blockerOf(vm: VmDetail): string | undefined {
  if (vm.template) return 'A template stays on its host: its linked clones stand on its disks there';
  if (vm.state === 'creating') return 'It is being created';
  if (!vm.uuid) return 'It is not defined on the host';
  const notFile = (vm.details.disks ?? []).find((d) => d.device === 'disk' && d.source === null);
  if (notFile) return `Disk ${notFile.target} is not a file: it cannot move without shared storage`;
  return undefined;
}

function evacuating(deps: PlanDeps, hostId: string, vm: VmDetail): EvacuatingVm {
  const pools = deps.hostInventory.pools(hostId);
  const volumes = deps.images.list(vm.projectId, { hostId });
  const disks = (vm.details.disks ?? []).flatMap((d) => {
    if (d.device !== 'disk' || !d.source) return [];
    const pool = pools.find((p) => p.path === dirOf(d.source!));
    const v = volumes.find((x) => x.path === d.source);
    if (!pool) return [];
    return [
      { sizeBytes: Math.max(1, v?.allocationBytes ?? v?.virtualBytes ?? 1), thin: true, pool: pool.name },
    ];
  });
  const group = vm.labels['qhci.group'];
  return {
    vmId: vm.id,
    name: vm.name,
    vcpus: Math.max(1, vm.vcpus ?? 1),
    memoryBytes: Math.max(1024 ** 2, vm.memoryBytes ?? 1024 ** 2),
    running: vm.state === 'running' || vm.state === 'paused',
    disks,
    networks: (vm.details.nics ?? []).flatMap((n) => (n.type === 'network' && n.source ? [n.source] : [])),
    firmware: { uefi: false, tpm: false },
    ...(group ? { group } : {}),
    ...(blockerOf(vm) ? { blocker: blockerOf(vm)! } : {}),
  };
}

export function maintenancePlan(deps: PlanDeps, projectId: string, hostId: string): EvacuationPlan {
  const vms = deps.vms
    .list(projectId, { hostId })
    .map((s) => deps.vms.detail(s.id))
    .filter((v): v is VmDetail => v !== undefined)
    .map((v) => evacuating(deps, hostId, v));
  return planEvacuation(hostId, vms, deps.placement.snapshot(projectId), {
    reservations: deps.reservations.reservations(),
  });
}
