/**
 * "Enter maintenance" as an operation under the host's lock: plan → mark → evacuate → stuck.
 *   plan      the scheduler's whole plan, again under the lock; VMs that cannot move refuse the task unless
 *             the user chose to shut them down.
 *   mark      the host is in maintenance from here: nothing new is placed on it (undo: it leaves again).
 *   evacuate  each VM migrates to its planned host, a few at a time, each as its own migration task (its
 *             preflight, its rollback); a VM whose migration fails stays where it is, running.
 *   stuck     the VMs that could not move are shut down cleanly, if the user chose so.
 * A VM that did not move fails the task: the host leaves maintenance again, the VMs that moved stay moved.
 */
import type { EvacuationPlan, HostMaintenanceInput } from '../../../shared/domain/evacuation';
import { AppError } from '../../../shared/domain/errors';
import type { HostSummary } from '../../../shared/domain/host';
import type { HostsRepo } from '../../inventory/hosts.repo';
import type { Outcome, OperationDef, Undoer } from '../../tasks/engine';
import type { StepHandle } from '../../tasks/task-log';
import type { HostOps } from '../host-ops';
import type { SnapshotDeps } from '../snapshots/context';
import { maintenancePlan, type PlanDeps } from './plan';

/** Migrations at once: enough to overlap copying with the next VM's checks, few enough for the links. */
export const MIGRATIONS_AT_ONCE = 2;
const SHUTDOWN_MS = 180_000;

export interface MaintenanceDeps extends PlanDeps, Pick<SnapshotDeps, 'events' | 'engine' | 'opsFor'> {
  readonly hosts: HostsRepo;
  readonly migrate: (input: { vmId: string; toHostId: string }) => { taskId: string; done: Promise<Outcome> };
}

export interface MaintenanceCtx {
  readonly host: HostSummary;
  readonly input: HostMaintenanceInput;
  plan?: EvacuationPlan;
  readonly failed: string[];
}

export type MaintenanceUndo = { readonly type: 'unmark'; readonly hostId: string };

function undoer(deps: MaintenanceDeps): Undoer<MaintenanceUndo> {
  return {
    parse: (raw) =>
      typeof raw === 'object' && raw !== null && (raw as MaintenanceUndo).type === 'unmark'
        ? { type: 'unmark', hostId: String((raw as MaintenanceUndo).hostId) }
        : undefined,
    describe: () => 'the host out of maintenance',
    undo(r) {
      deps.hosts.setMaintenance(r.hostId, false);
      deps.events.emit('inventory.changed', { entity: 'hosts', projectId: null });
      return Promise.resolve();
    },
  };
}

async function planStep(deps: MaintenanceDeps, ctx: MaintenanceCtx, step: StepHandle<MaintenanceUndo>) {
  const plan = maintenancePlan(deps, ctx.host.projectId, ctx.host.id);
  ctx.plan = plan;
  if (plan.stuck.length && ctx.input.stuck === 'abort') {
    throw new AppError(
      'CONFLICT',
      `${plan.stuck.length} VM(s) cannot leave ${ctx.host.name}: ${plan.stuck.map((s) => `${s.name} (${s.reason})`).join('; ')}`,
    );
  }
  step.done(`${plan.moves.length} to migrate, ${plan.stuck.length} to shut down`);
}

function markStep(deps: MaintenanceDeps, ctx: MaintenanceCtx, step: StepHandle<MaintenanceUndo>) {
  step.addUndo({ type: 'unmark', hostId: ctx.host.id });
  deps.hosts.setMaintenance(ctx.host.id, true);
  deps.events.emit('inventory.changed', { entity: 'hosts', projectId: ctx.host.projectId });
  step.done(`${ctx.host.name} is in maintenance: nothing new is placed on it`);
  return Promise.resolve();
}

async function evacuateStep(deps: MaintenanceDeps, ctx: MaintenanceCtx, step: StepHandle<MaintenanceUndo>) {
  const moves = [...ctx.plan!.moves];
  if (!moves.length) return step.skip('No VM to migrate');
  let done = 0;
  const one = async (m: (typeof moves)[number]) => {
    try {
      const outcome = await deps.migrate({ vmId: m.vmId, toHostId: m.toHostId }).done;
      if (!outcome.ok) ctx.failed.push(`${m.name}: ${outcome.error.message}`);
    } catch (err) {
      ctx.failed.push(`${m.name}: ${(err as Error).message}`);
    }
    done++;
    step.progress(done / moves.length, `${done} of ${moves.length} migrations finished`);
  };
  const workers = Array.from({ length: Math.min(MIGRATIONS_AT_ONCE, moves.length) }, async () => {
    for (let m = moves.shift(); m; m = moves.shift()) await one(m);
  });
  await Promise.all(workers);
  step.done(`${done - ctx.failed.length} of ${done} VMs migrated`);
}

async function shutDown(ops: HostOps, uuid: string): Promise<boolean> {
  if ((await ops.domainState(uuid)) === 'shut off') return true;
  await ops.driver.power(uuid, 'shutdown');
  for (const until = Date.now() + SHUTDOWN_MS; Date.now() < until;) {
    if ((await ops.domainState(uuid)) === 'shut off') return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

async function stuckStep(deps: MaintenanceDeps, ctx: MaintenanceCtx, step: StepHandle<MaintenanceUndo>) {
  const stuck = ctx.plan!.stuck;
  if (stuck.length) {
    const ops = await deps.opsFor(ctx.host.id);
    for (const s of stuck) {
      const uuid = deps.vms.uuid(s.vmId);
      if (uuid && !(await shutDown(ops, uuid))) ctx.failed.push(`${s.name}: did not shut down in time`);
    }
  }
  if (ctx.failed.length) {
    throw new AppError('HOST_ERROR', `Not every VM left ${ctx.host.name}: ${ctx.failed.join('; ')}`);
  }
  step.done(stuck.length ? `Shut down: ${stuck.map((s) => s.name).join(', ')}` : 'Every VM moved');
}

export function maintenanceOperation(
  deps: MaintenanceDeps,
): OperationDef<'host.maintenance', MaintenanceCtx, MaintenanceUndo> {
  return {
    kind: 'host.maintenance',
    undo: undoer(deps),
    steps: [
      { name: 'plan', run: (ctx, step) => planStep(deps, ctx, step) },
      { name: 'mark', run: (ctx, step) => markStep(deps, ctx, step) },
      { name: 'evacuate', run: (ctx, step) => evacuateStep(deps, ctx, step) },
      { name: 'stuck', run: (ctx, step) => stuckStep(deps, ctx, step) },
    ],
    result: (ctx) => ({ hostId: ctx.host.id, moved: ctx.plan?.moves.length ?? 0 }),
    interruptedMessage:
      'Entering maintenance was interrupted; the host left maintenance, moved VMs stay moved',
  };
}
