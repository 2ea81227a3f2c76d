import { Label, LabelGroup, Tooltip } from '@patternfly/react-core';
import MaintenanceIcon from '@patternfly/react-icons/dist/esm/icons/maintenance-icon';
import { useRef } from 'react';
import type { HostState, HostSummary } from '../../../../shared/domain/host';
import { formatTime } from './format';

const STATE: Record<HostState, { text: string; status?: 'success' | 'danger' | 'warning'; color?: 'grey' }> =
  {
    connected: { text: 'Connected', status: 'success' },
    disconnected: { text: 'Disconnected', color: 'grey' },
    error: { text: 'Error', status: 'danger' },
    unknown: { text: 'Unknown', color: 'grey' },
  };

/** The stale flag: the inventory shows what was true at the last successful sync. Focusable for its tooltip. */
function StaleLabel(props: { host: HostSummary }) {
  const { host } = props;
  const ref = useRef<HTMLSpanElement>(null);
  const id = `host-stale-tip-${host.id}`;
  const content = (
    <div data-testid={`host-stale-tooltip-${host.name}`}>
      <div>Last seen: {formatTime(host.lastSeen)}</div>
      {host.lastError !== null && <div>Last error: {host.lastError}</div>}
      <div>The inventory shows the state known at that time.</div>
    </div>
  );
  return (
    <>
      <span
        ref={ref}
        tabIndex={0}
        className="qhci-focusable-label"
        aria-label={`Stale. Last seen ${formatTime(host.lastSeen)}.${host.lastError ? ` Last error: ${host.lastError}` : ''}`}
        data-testid={`host-stale-${host.name}`}
      >
        <Label status="warning" variant="outline" isCompact>
          Stale
        </Label>
      </span>
      <Tooltip id={id} content={content} triggerRef={ref} maxWidth="32rem" isContentLeftAligned />
    </>
  );
}

export function HostStateLabel(props: { host: HostSummary }) {
  const { host } = props;
  const s = STATE[host.state];
  return (
    <LabelGroup numLabels={3}>
      <Label
        isCompact
        {...(s.status ? { status: s.status } : {})}
        {...(s.color ? { color: s.color } : {})}
        data-testid={`host-state-${host.name}`}
      >
        {s.text}
      </Label>
      {host.stale && <StaleLabel host={host} />}
      {host.maintenance && (
        <Label
          isCompact
          color="orange"
          icon={<MaintenanceIcon />}
          data-testid={`host-maintenance-${host.name}`}
        >
          Maintenance
        </Label>
      )}
    </LabelGroup>
  );
}
