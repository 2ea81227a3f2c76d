/** Subscribes once to main's push events and invalidates the queries of the entity that changed. */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { qhci } from './client';
import { queryKeys } from './keys';

export function useInventoryInvalidation(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const offInventory = qhci.on('inventory.changed', ({ entity }) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.entity(entity) });
    });
    // A VM's power state changed on its host (an event, or a power operation): every VM list is refreshed.
    const offVmState = qhci.on('vm.state', () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.entity('vms') });
    });
    return () => {
      offInventory();
      offVmState();
    };
  }, [queryClient]);
}
