/** Subscribes once to main's push events and invalidates the queries of the entity that changed. */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { qhci } from './client';
import { queryKeys } from './keys';

export function useInventoryInvalidation(): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      qhci.on('inventory.changed', ({ entity }) => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.entity(entity) });
      }),
    [queryClient],
  );
}
