/**
 * Subscribes once to main's push events. `inventory.changed` invalidates the queries of the entity that
 * changed; `vm.state` and `task.progress` carry the new data itself, so the cached rows are patched in
 * place (a 10,000-VM list is not read again because one VM started).
 */
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Task } from '../../../shared/domain/provision';
import type { VmDetail, VmState, VmSummary } from '../../../shared/domain/vm';
import { withTask, withVmState } from './cache';
import { qhci } from './client';
import { entityOf, queryKeys } from './keys';

/** The prefix of every cached call of one channel: [entity, channel]. */
const channelKey = (channel: 'vms.list' | 'vms.get' | 'tasks.list' | 'tasks.get') =>
  [entityOf(channel), channel] as const;

export function applyVmState(queryClient: QueryClient, vmId: string, state: VmState): void {
  queryClient.setQueriesData<readonly VmSummary[]>({ queryKey: channelKey('vms.list') }, (list) =>
    withVmState(list, vmId, state),
  );
  queryClient.setQueriesData<VmDetail>({ queryKey: channelKey('vms.get') }, (vm) =>
    vm !== undefined && vm.id === vmId && vm.state !== state ? { ...vm, state } : vm,
  );
}

export function applyTask(queryClient: QueryClient, task: Task): void {
  queryClient.setQueriesData<readonly Task[]>({ queryKey: channelKey('tasks.list') }, (list) =>
    withTask(list, task),
  );
  queryClient.setQueriesData<Task>({ queryKey: channelKey('tasks.get') }, (t) =>
    t !== undefined && t.id === task.id ? task : t,
  );
  // A task.get query that has not answered yet (an upload just started) gets the task too.
  queryClient.setQueryData(queryKeys.call('tasks.get', { id: task.id }), task);
}

export function useInventoryInvalidation(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const offInventory = qhci.on('inventory.changed', ({ entity }) => {
      // Main announces every task change twice: task.progress with the whole task (patched in below) and
      // inventory.changed "tasks". Reading the task list again for the second would undo the point of the
      // first, so task queries are left to task.progress.
      if (entity === 'tasks') return;
      void queryClient.invalidateQueries({ queryKey: queryKeys.entity(entity) });
    });
    const offVmState = qhci.on('vm.state', ({ vmId, state }) => applyVmState(queryClient, vmId, state));
    const offTask = qhci.on('task.progress', ({ task }) => applyTask(queryClient, task));
    return () => {
      offInventory();
      offVmState();
      offTask();
    };
  }, [queryClient]);
}
