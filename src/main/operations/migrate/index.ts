/**
 * The migration channels: the preflight (what the VM page and `qhci vm migrate --dry-run` show before
 * anything moves: the scheduler's judgement of the destination and every check of both hosts) and the
 * migration itself, as a task under the VM's lock. The destination is the user's choice, or the
 * scheduler's among the other hosts.
 */
import { AppError } from '../../../shared/domain/errors';
import type { MigrationPreflight, VmMigrateInput } from '../../../shared/domain/migration';
import type { HostEvaluation, PlacementRequest } from '../../../shared/domain/placement';
import type { Outcome } from '../../tasks/engine';
import { preflight } from '../../virt/migration/preflight';
import { refuseBusy, vmOnHost, vmTaskMeta, type VmOnHost } from '../snapshots/context';
import { hostOf, type MigrateCtx, type MigrateDeps } from './context';
import { readFacts } from './facts';
import { migrateOperation } from './operation';
import { reachable } from './reach';

export type { MigrateDeps } from './context';

function open(deps: MigrateDeps, vmId: string): VmOnHost {
  const vm = vmOnHost(deps, vmId);
  if (deps.vms.get(vm.id)?.template) {
    throw new AppError(
      'CONFLICT',
      `VM ${vm.name} is a template: its linked clones stand on its disks here`,
      'vmId',
    );
  }
  return vm;
}

/** The scheduler's view of the move: the chosen (or given) destination and its row of the table. */
function destination(
  deps: MigrateDeps,
  vm: VmOnHost,
  input: VmMigrateInput,
): { hostId: string; row: HostEvaluation | null } {
  if (input.toHostId === vm.hostId) {
    throw new AppError('VALIDATION', `VM ${vm.name} is already on that host`, 'toHostId');
  }
  const s = deps.vms.get(vm.id)!;
  const detail = deps.vms.detail(vm.id);
  const network = detail?.details.nics?.find((n) => n.type === 'network' && n.source)?.source ?? undefined;
  const request: PlacementRequest = {
    vcpus: Math.max(1, s.vcpus ?? 1),
    memoryBytes: Math.max(1024 ** 2, s.memoryBytes ?? 1024 ** 2),
    disks: [],
    ...(network ? { network } : {}),
    firmware: { uefi: false, tpm: false },
    requireKvm: false,
    labels: {},
    ...(s.labels['qhci.group']
      ? { group: { name: s.labels['qhci.group'], mode: 'anti-affinity' as const } }
      : {}),
    excludedHosts: [vm.hostId],
    count: 1,
    strategy: 'spread',
    ...(input.toHostId ? { manualHost: input.toHostId } : {}),
  };
  const outcome = deps.placement.dryRun(vm.projectId, request);
  if (!outcome.ok) {
    if (!input.toHostId) throw new AppError('CONFLICT', outcome.failure.message, 'toHostId');
    // A given host that fails a predicate still gets its preflight: the row says why it does not fit.
    return {
      hostId: input.toHostId,
      row: outcome.failure.table.find((r) => r.hostId === input.toHostId) ?? null,
    };
  }
  const hostId = outcome.result.chosen[0]!;
  return { hostId, row: outcome.result.table.find((r) => r.hostId === hostId) ?? null };
}

export function createMigrationOps(deps: MigrateDeps) {
  const op = deps.engine.register(migrateOperation(deps));
  const start = (input: VmMigrateInput): { taskId: string; done: Promise<Outcome> } => {
    const vm = open(deps, input.vmId);
    refuseBusy(deps.engine, vm);
    const { hostId, row } = destination(deps, vm, input);
    if (row && !row.feasible) {
      throw new AppError(
        'CONFLICT',
        `${row.hostName} cannot take VM ${vm.name}: ${row.reasons.join('; ')}`,
        'toHostId',
      );
    }
    const title = `Migrate VM ${vm.name} to ${hostOf(deps, hostId).name}`;
    const task = deps.engine.start(op, vmTaskMeta(vm, title, input));
    const ctx: MigrateCtx = { vm, input, destId: hostId, moved: false };
    return { taskId: task.id, done: deps.engine.run(op, task, ctx) };
  };
  return {
    async preflight(input: VmMigrateInput): Promise<MigrationPreflight> {
      const vm = open(deps, input.vmId);
      const { hostId, row } = destination(deps, vm, input);
      const src = { ops: await deps.opsFor(vm.hostId), host: hostOf(deps, vm.hostId) };
      const dest = { ops: await deps.opsFor(hostId), host: hostOf(deps, hostId) };
      const facts = await readFacts(src, dest, vm.uuid, deps.hostInventory);
      const reach = facts.input.running ? await reachable(src, dest.host) : null;
      const r = preflight({ ...facts.input, transport: input.transport, reachable: reach });
      const checks = [...r.checks];
      if (row && !row.feasible) {
        checks.unshift({
          id: 'placement',
          label: 'Scheduler',
          status: 'fail',
          detail: row.reasons.join('; '),
        });
      }
      return {
        vmId: vm.id,
        fromHostId: vm.hostId,
        toHostId: hostId,
        toHostName: dest.host.name,
        mode: facts.input.running ? 'live' : 'cold',
        transport: r.transport,
        ok: r.ok && (row?.feasible ?? true),
        checks,
        copies: r.copies,
        placement: row,
      };
    },
    /** Starts the migration task; the preflight runs again under the lock (its refusal fails the task). */
    migrate(input: VmMigrateInput): { taskId: string } {
      return { taskId: start(input).taskId };
    },
    /** The same, with the task's outcome (maintenance mode moves VMs a few at a time). */
    start,
  };
}

export type MigrationOps = ReturnType<typeof createMigrationOps>;
