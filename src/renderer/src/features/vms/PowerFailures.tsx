import { Alert, AlertActionCloseButton } from '@patternfly/react-core';
import { CpuFixButton } from './CpuFixButton';
import { POWER_LABEL } from './power';
import type { usePower } from './usePower';

/** What went wrong in the last power action(s), readable; dismissable. */
export function PowerFailures(props: { power: ReturnType<typeof usePower> }) {
  const { failures, dismiss } = props.power;
  if (failures.length === 0) return null;
  const first = failures[0]!;
  return (
    <Alert
      variant="danger"
      isInline
      title={
        failures.length === 1
          ? `${POWER_LABEL[first.action]} ${first.vm} failed`
          : `${failures.length} power actions failed`
      }
      actionClose={<AlertActionCloseButton onClose={dismiss} aria-label="Dismiss" />}
      data-testid="vm-power-error"
      className="qhci-vm-alert"
    >
      <ul>
        {failures.slice(0, 5).map((f, i) => (
          <li key={i}>
            {failures.length > 1 && <strong>{f.vm}: </strong>}
            {f.message}
            {f.cpuFixable && <CpuFixButton vmId={f.vmId} vmName={f.vm} />}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
