import { EmptyState, EmptyStateBody } from '@patternfly/react-core';
import ExclamationCircleIcon from '@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { AppShell } from './shell/AppShell';

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Main pushes `inventory.changed` after every change: no polling, no refetch on focus.
      queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: false },
      mutations: { retry: false },
    },
  });
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  if (window.qhci === undefined) {
    return (
      <EmptyState titleText="QHCI cannot reach its services" headingLevel="h1" icon={ExclamationCircleIcon}>
        <EmptyStateBody>
          This window was opened outside the QHCI application, so it has no bridge to main.
        </EmptyStateBody>
      </EmptyState>
    );
  }
  return (
    <QueryClientProvider client={queryClient}>
      <AppShell />
    </QueryClientProvider>
  );
}
