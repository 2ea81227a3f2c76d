/**
 * Pure updates of cached query data from push events: a `vm.state` or `task.progress` event carries
 * everything needed, so the one changed row is replaced instead of reading a 10,000-row list again.
 */
import type { Task } from '../../../shared/domain/provision';
import type { VmState, VmSummary } from '../../../shared/domain/vm';

/** The list with one VM's state replaced; the same array when the VM is not in it or already has it. */
export function withVmState<T extends VmSummary>(
  list: readonly T[] | undefined,
  vmId: string,
  state: VmState,
): readonly T[] | undefined {
  if (list === undefined) return list;
  const i = list.findIndex((v) => v.id === vmId);
  if (i < 0 || list[i]!.state === state) return list;
  const next = list.slice();
  next[i] = { ...list[i]!, state };
  return next;
}

/** The task list with this task replaced, or added in front (the list is newest first). */
export function withTask(list: readonly Task[] | undefined, task: Task): readonly Task[] | undefined {
  if (list === undefined) return list;
  const i = list.findIndex((t) => t.id === task.id);
  if (i < 0) return [task, ...list];
  const next = list.slice();
  next[i] = task;
  return next;
}
