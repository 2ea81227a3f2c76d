import { Alert, Button } from '@patternfly/react-core';
import { useState } from 'react';
import type { HostSummary } from '../../../../shared/domain/host';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { MaintenanceModal } from './MaintenanceModal';

/** Takes a host out of maintenance; the host queries are refreshed by the inventory event main sends. */
export function useExitMaintenance() {
  const m = useQhciMutation('hosts.exitMaintenance');
  const [error, setError] = useState<string | null>(null);
  const exit = (host: HostSummary) => {
    setError(null);
    m.mutateAsync({ id: host.id }).catch((err: unknown) => setError(toAppError(err).message));
  };
  return { exit, error, pending: m.isPending, dismiss: () => setError(null) };
}

/**
 * The host page's button: "Enter maintenance…" (the plan dialog) or, in maintenance, "Exit maintenance". The
 * dialog stays open while the task marks the host, so the button changes under it.
 */
export function MaintenanceAction(props: { host: HostSummary }) {
  const { host } = props;
  const [open, setOpen] = useState(false);
  const exit = useExitMaintenance();
  return (
    <>
      {host.maintenance ? (
        <Button
          variant="secondary"
          onClick={() => exit.exit(host)}
          isLoading={exit.pending}
          isDisabled={exit.pending}
          data-testid="host-detail-exit-maintenance"
        >
          Exit maintenance
        </Button>
      ) : (
        <Button variant="secondary" onClick={() => setOpen(true)} data-testid="host-detail-enter-maintenance">
          Enter maintenance…
        </Button>
      )}
      {exit.error !== null && (
        <Alert variant="danger" isInline isPlain title={exit.error} data-testid="maintenance-exit-error" />
      )}
      {open && <MaintenanceModal host={host} onClose={() => setOpen(false)} />}
    </>
  );
}
