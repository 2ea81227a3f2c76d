/**
 * The VM page's "Guest" row: while the VM runs, its signs of life from the host every few seconds (agent,
 * addresses, DHCP lease), and a warning when a KVM guest has shown none for a long while.
 */
import { HelperText, HelperTextItem } from '@patternfly/react-core';
import { useEffect, useState } from 'react';
import type { VmState } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { guestSummary } from './guest';

const POLL_MS = 5000;

/** Keyed by the VM's state by its parent: a new state starts its clock again. */
export function VmGuest(props: { vmId: string; state: VmState }) {
  const running = props.state === 'running';
  const guest = useQhciQuery(
    'vms.guest',
    { vmId: props.vmId },
    { enabled: running, refetchInterval: POLL_MS },
  );
  // Since when this page has seen it in this state (the parent keys it by state, so a start begins anew).
  const [since] = useState(() => Date.now());
  const [now, setNow] = useState(since);
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), POLL_MS);
    return () => clearInterval(t);
  }, [running]);
  if (!running) return <>Not running</>;
  if (guest.isError) return <>{guest.error.message}</>;
  if (!guest.data) return <>Asking the host…</>;
  const s = guestSummary(guest.data, now - since);
  return (
    <>
      <span data-testid="vm-guest-text">{s.text}</span>
      {s.warning && (
        <HelperText>
          <HelperTextItem variant="warning" data-testid="vm-guest-warning">
            {s.warning}
          </HelperTextItem>
        </HelperText>
      )}
    </>
  );
}
