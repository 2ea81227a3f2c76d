/**
 * A small live picture of the VM's screen for its page's overview: `vms.screenshot` every few seconds,
 * only while the VM runs, this component is shown and the window is visible (a hidden window asks nothing
 * of the host).
 */
import { Button, Spinner } from '@patternfly/react-core';
import { useSyncExternalStore } from 'react';
import type { VmState } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { formatTime } from '../hosts/format';
import { hasConsole } from './session';
import './console.css';

export const THUMBNAIL_INTERVAL_MS = 5000;

function subscribeVisibility(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}

export function usePageVisible(): boolean {
  return useSyncExternalStore(subscribeVisibility, () => document.visibilityState === 'visible');
}

export function Thumbnail(props: { vmId: string; vmName: string; vmState: VmState; onOpen?: () => void }) {
  const running = hasConsole(props.vmState);
  const visible = usePageVisible();
  const live = running && visible;
  const shot = useQhciQuery(
    'vms.screenshot',
    { vmId: props.vmId },
    // Not kept once the page is gone: each one is a PNG in a data: URL.
    { enabled: live, refetchInterval: live ? THUMBNAIL_INTERVAL_MS : false, gcTime: 0 },
  );
  if (!running) {
    return (
      <span className="qhci-subtle" data-testid="vm-thumb-off">
        No screen: the VM is not running
      </span>
    );
  }
  if (!shot.data) {
    if (shot.isError) {
      return (
        <span className="qhci-subtle" data-testid="vm-thumb-error">
          {shot.error.message}
        </span>
      );
    }
    return <Spinner size="md" aria-label="Taking a screenshot" />;
  }
  const image = (
    <img
      src={shot.data.dataUrl}
      width={shot.data.width}
      height={shot.data.height}
      className="qhci-console-thumb"
      alt={`The screen of ${props.vmName}, ${formatTime(shot.data.takenAt)}`}
      data-testid="vm-thumb"
    />
  );
  if (!props.onOpen) return image;
  return (
    <Button
      variant="plain"
      className="qhci-console-thumb-button"
      onClick={props.onOpen}
      aria-label={`Open the console of ${props.vmName}`}
      data-testid="vm-thumb-open"
    >
      {image}
    </Button>
  );
}
