/**
 * Creating VMs: a preview of what would be made, and the creation itself, one task per VM on the engine.
 * The request is planned and its capacity reserved in one inventory transaction before any task starts.
 */
import { AppError } from '../../../shared/domain/errors';
import type { CreateVmRequest, VmCreatePreview, VmCreateStarted } from '../../../shared/domain/provision';
import type { Engine } from '../../tasks/engine';
import type { HostUndo } from '../host-undo';
import { newCreateCtx, type CreateDeps } from './context';
import { vmCreateOperation } from './definition';
import { planCreation, type PlanDeps, type VmPlan } from './plan';

/** Fields are named as the channel's input names them (request.…), like zod's own errors. */
function plan(deps: PlanDeps, request: CreateVmRequest, reserve: boolean) {
  try {
    return planCreation(deps, request, { reserve });
  } catch (err) {
    if (err instanceof AppError && err.field !== undefined && !err.field.startsWith('request.')) {
      throw new AppError(err.code, err.message, `request.${err.field}`);
    }
    throw err;
  }
}

export function createVmCreation(deps: CreateDeps & PlanDeps & { readonly engine: Engine }) {
  const op = deps.engine.register(
    vmCreateOperation({
      vms: deps.vmsRepo,
      events: deps.events,
      opsFor: deps.opsFor,
      releaseForTask: (id) => deps.reservations.releaseForTask(id),
    }),
  );

  /** Starts the task of one planned VM: its inventory entry made ("creating"), its capacity attached. */
  function startOne(p: VmPlan, storedRequest: Record<string, unknown>, ticketId: string | undefined) {
    const task = deps.engine.start(op, {
      projectId: p.projectId,
      title: `Create VM ${p.name}`,
      target: { type: 'vm', id: p.vmId },
      input: storedRequest,
      lock: { key: `vm:${p.vmId}`, label: `VM ${p.name}` },
    });
    task.step('validate').done('Request valid');
    const place = task.step('place');
    place.addUndo({ type: 'vm', vmId: p.vmId, name: p.name } satisfies HostUndo);
    deps.vmsRepo.insertCreating({
      id: p.vmId,
      projectId: p.projectId,
      folderId: p.folderId,
      hostId: p.hostId,
      uuid: p.uuid,
      name: p.name,
      vcpus: p.vcpus,
      memoryBytes: p.memoryBytes,
      labels: p.labels,
      request: storedRequest,
    });
    if (ticketId) deps.reservations.attachTask(ticketId, task.id);
    place.done(`Host ${p.hostName}`);
    return task;
  }

  return {
    preview(request: CreateVmRequest): VmCreatePreview {
      const plans = plan(deps, request, false);
      return {
        items: plans.items.map((p) => ({
          name: p.name,
          hostId: p.hostId,
          hostName: p.hostName,
          hostname: p.seed?.hostname ?? null,
          domainXml: p.domainXml,
          userData: p.seed?.userData ?? null,
          metaData: p.seed?.metaData ?? null,
          networkConfig: p.seed?.networkConfig ?? null,
        })),
      };
    },

    /** Starts one task per VM and returns at once. */
    create(request: CreateVmRequest): VmCreateStarted {
      const plans = plan(deps, request, true);
      const taskIds: string[] = [];
      try {
        for (const [i, p] of plans.items.entries()) {
          const ticket = plans.reservation?.tickets[i];
          const task = startOne(p, plans.storedRequest, ticket?.id);
          taskIds.push(task.id);
          const ctx = newCreateCtx(deps, p, request, () => {
            if (ticket) deps.reservations.release(ticket.id);
          });
          void deps.engine.run(op, task, ctx);
        }
      } catch (err) {
        plans.reservation?.release();
        throw err;
      }
      deps.events.emit('inventory.changed', { entity: 'vms', projectId: plans.projectId });
      return { taskIds, vmIds: plans.items.map((p) => p.vmId) };
    },
  };
}

export type VmCreation = ReturnType<typeof createVmCreation>;
