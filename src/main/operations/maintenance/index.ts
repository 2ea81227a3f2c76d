/**
 * Maintenance mode: the plan for emptying a host (shown before anything moves), entering maintenance as a
 * task under the host's lock, and leaving it.
 */
import type { EvacuationPlan, HostMaintenanceInput } from '../../../shared/domain/evacuation';
import { AppError } from '../../../shared/domain/errors';
import type { HostSummary } from '../../../shared/domain/host';
import { maintenanceOperation, type MaintenanceCtx, type MaintenanceDeps } from './operation';
import { maintenancePlan } from './plan';

export type { MaintenanceDeps } from './operation';

export function createMaintenanceOps(deps: MaintenanceDeps) {
  const op = deps.engine.register(maintenanceOperation(deps));
  const hostOf = (id: string): HostSummary => {
    const h = deps.hosts.get(id);
    if (!h) throw new AppError('NOT_FOUND', 'The host does not exist', 'id');
    return h;
  };
  const lock = (h: HostSummary) => ({ key: `host:${h.id}`, label: `host ${h.name}` });
  return {
    plan(id: string): EvacuationPlan {
      const h = hostOf(id);
      return maintenancePlan(deps, h.projectId, h.id);
    },
    enter(input: HostMaintenanceInput): { taskId: string } {
      const host = hostOf(input.id);
      if (host.maintenance) throw new AppError('CONFLICT', `${host.name} is already in maintenance`, 'id');
      const busy = deps.engine.busy(lock(host));
      if (busy) throw busy;
      const stuck = maintenancePlan(deps, host.projectId, host.id).stuck;
      if (stuck.length && input.stuck === 'abort') {
        const which = stuck.map((s) => `${s.name} (${s.reason})`).join('; ');
        throw new AppError(
          'CONFLICT',
          `These VMs cannot leave ${host.name}: ${which}. Shut them down, or abort`,
          'stuck',
        );
      }
      const task = deps.engine.start(op, {
        projectId: host.projectId,
        title: `Enter maintenance on ${host.name}`,
        target: { type: 'host', id: host.id },
        input,
        lock: lock(host),
      });
      const ctx: MaintenanceCtx = { host, input, failed: [] };
      void deps.engine.run(op, task, ctx);
      return { taskId: task.id };
    },
    exit(id: string): HostSummary {
      const host = hostOf(id);
      const busy = deps.engine.busy(lock(host));
      if (busy) throw busy;
      deps.hosts.setMaintenance(id, false);
      deps.events.emit('inventory.changed', { entity: 'hosts', projectId: host.projectId });
      return hostOf(id);
    },
  };
}

export type MaintenanceOps = ReturnType<typeof createMaintenanceOps>;
