/**
 * Templates: "convert to template" and "detach from template" as operations on the engine under the VM's
 * lock, and the refusals that protect a template (it is never started; it cannot be deleted while linked
 * clones stand on its disks). Each request is checked against the host before its task starts, so a refusal
 * is the call's error; the operation checks again under the lock.
 */
import { AppError } from '../../../shared/domain/errors';
import type { VmConvertToTemplateInput, VmDetachInput } from '../../../shared/domain/template';
import type { VmsRepo } from '../../inventory/vms.repo';
import { refuseBusy, vmOnHost, vmTaskMeta } from '../snapshots/context';
import type { TemplateDeps } from './context';
import { convertOperation, convertRefusal, type ConvertCtx } from './convert';
import { detachOperation, linkedDisks, type DetachCtx } from './detach';

export type { TemplateDeps } from './context';

/** Refuses deleting a template that linked clones stand on, naming them. */
export function refuseTemplateDelete(vms: VmsRepo, vmId: string): void {
  const vm = vms.get(vmId);
  const children = vms.linkedChildren(vmId);
  if (!vm || !children.length) return;
  const names = children.map((c) => c.name);
  const shown = names.length > 10 ? [...names.slice(0, 10), `and ${names.length - 10} more`] : names;
  throw new AppError(
    'CONFLICT',
    `${vm.template ? 'Template' : 'VM'} ${vm.name} has ${names.length} linked clone${names.length === 1 ? '' : 's'}, which stand on its disks: ${shown.join(', ')}. Delete or detach them first`,
    'vmId',
  );
}

export function createTemplateOps(deps: TemplateDeps) {
  const { engine } = deps;
  const convertOp = engine.register(convertOperation(deps));
  const detachOp = engine.register(detachOperation(deps));
  return {
    /** Makes the VM a template, as a task; a running VM is shut down only with input.shutDown. */
    async convert(input: VmConvertToTemplateInput): Promise<{ taskId: string }> {
      const vm = vmOnHost(deps, input.vmId);
      refuseBusy(engine, vm);
      await convertRefusal(deps, await deps.opsFor(vm.hostId), vm, input.shutDown);
      const task = engine.start(convertOp, vmTaskMeta(vm, `Convert VM ${vm.name} to a template`, input));
      const ctx: ConvertCtx = { vm, input, files: [] };
      void engine.run(convertOp, task, ctx);
      return { taskId: task.id };
    },
    /** Turns a linked clone into a full VM of its own, as a task. */
    async detach(input: VmDetachInput): Promise<{ taskId: string }> {
      const vm = vmOnHost(deps, input.vmId);
      refuseBusy(engine, vm);
      await linkedDisks(deps, await deps.opsFor(vm.hostId), vm);
      const task = engine.start(detachOp, vmTaskMeta(vm, `Detach VM ${vm.name} from its template`, input));
      const ctx: DetachCtx = { vm, disks: [] };
      void engine.run(detachOp, task, ctx);
      return { taskId: task.id };
    },
  };
}

export type TemplateOps = ReturnType<typeof createTemplateOps>;
