/** The list's view of live usage, for sorting by it (features/vms/filter.ts takes it as a function). */
import type { UsageLookup } from '../vms/filter';
import { usageStore } from './store';

export const usageLookup: UsageLookup = (vmId) => {
  const now = usageStore.vmNow(vmId);
  return now === undefined ? undefined : { cpu: now.cpuPercent, memUsed: now.memoryBytes };
};

/** The hosts of these VMs: what the list needs watched. */
export function hostsOf(vms: readonly { hostId: string | null }[]): string[] {
  const ids = new Set<string>();
  for (const vm of vms) if (vm.hostId !== null) ids.add(vm.hostId);
  return [...ids];
}
