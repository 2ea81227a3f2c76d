/**
 * Templates: "convert to template" and "detach from template" as operations on the engine under the VM's
 * lock, and the refusals that protect a template (it is never started; it cannot be deleted while linked
 * clones stand on its disks). Each request is checked against the host before its task starts, so a refusal
 * is the call's error; the operation checks again under the lock.
 */
import type { VmConvertToTemplateInput, VmDetachInput } from '../../../shared/domain/template';
import { refuseBusy, vmOnHost, vmTaskMeta } from '../snapshots/context';
import type { TemplateDeps } from './context';
import { convertOperation, convertRefusal, type ConvertCtx } from './convert';
import { detachOperation, linkedDisks, type DetachCtx } from './detach';

export type { TemplateDeps } from './context';
export { refuseTemplateDelete } from './refusals';

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
